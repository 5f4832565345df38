/** What the scale run (cli/bench-scale.ts) records; bench/report.ts renders it. */
export type ScaleResults = {
  measuredAt: string;
  host: string;
  asked: { pets: number; cattle: number };
  onHost: { pets: number; cattle: number };
  bootMs: number;
  limitedBy: string;
  recovery?: {
    petsActiveMs: number;
    cattleReplacedMs: number;
    /** death → the incident recorded (the report's arrival and classify-alarm's decision) */
    incidentMs: number;
    /** the timeline's steps, ms after death, as stackmend recorded them */
    timeline: { ms: number; step: string; outcome: string; reason: string }[];
    status: string;
  };
  cloudCalls: Record<string, number>;
  cloudCallsTotal: number;
  stateStore: { peakBytes: number; peakFiles: number };
  cleanupMs: number;
  serversBefore: number;
  serversAfter: number;
};
