/** What the scale run (cli/bench-scale.ts) records; bench/report.ts renders it. */
export type ScaleResults = {
  measuredAt: string;
  host: string;
  asked: { pets: number; cattle: number; others?: number };
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
  /** the same failure for Masakari, of the host the pets had moved to (cli/bench-scale.ts masakariAtScale) */
  masakari?:
    { host: string; pets: number; moved: number; petsActiveMs: number; notificationStatus: string } | { error: string };
  cloudCalls: Record<string, number>;
  cloudCallsTotal: number;
  stateStore: { peakBytes: number; peakFiles: number };
  cleanupMs: number;
  serversBefore: number;
  /** every server in the cloud when the host was killed (all projects) */
  serversAtDeath?: number;
  serversAfter: number;
};
