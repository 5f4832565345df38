/**
 * The storm parts of `npm run bench`: the full storm (DEFAULT_STORM) in-process several times and
 * smaller storms for the scale curve (storm); once over HTTP to one `serve` (storm-http); then 1, 2 and 4 `serve`
 * processes on one Redis, in interleaved rounds (1, 2, 4, 1, 2, 4 …), throughput as ratios to one.
 */
import { ratios, summarize, type Summary } from '../stats';
import { DEFAULT_STORM, type StormShape } from './alarms';
import { stormInProcess, type StormRun } from './in-process';
import { stormOverHttp, type ServeRun } from './serve';

export type StormResults = {
  measuredAt: string;
  host: string;
  shape: StormShape;
  inProcess: StormRun[];
  /** alarms per own second and cloud calls per alarm against the number of alarms */
  curve: { hosts: number; alarms: number; alarmsPerOwnSecond: number; cloudCallsPerAlarm: number; p99Ms: number }[];
};

/** The storm over HTTP to one `serve` (Redis db 9: run it under flock /tmp/stackmend-redis.lock). */
export type StormHttpResults = { measuredAt: string; host: string; shape: StormShape } & ServeRun;

export type ScaleOutResults = {
  measuredAt: string;
  host: string;
  shape: StormShape;
  runs: ServeRun[];
  byProcesses: {
    processes: number;
    alarmsPerSecond: Summary;
    ratioToOne: Summary;
    duplicateEvacuations: number;
    hostIncidents: number[];
  }[];
};

/** What cli/bench.ts gives a part: rounds, the storm's shape, a progress line, the date and machine. */
export type PartOptions = {
  runs: number;
  shape?: StormShape;
  say: (s: string) => void;
  stamp: () => { measuredAt: string; host: string };
};
const brief = (r: StormRun | ServeRun) =>
  `${r.alarms} alarms, ${'alarmsPerOwnSecond' in r ? `${r.alarmsPerOwnSecond.toFixed(0)}/own s` : `${r.alarmsPerSecond.toFixed(0)}/s`}, p99 ${r.latencyMs.p99?.toFixed(1)} ms`;

export async function storm(o: PartOptions): Promise<StormResults> {
  const shape = o.shape ?? DEFAULT_STORM;
  const inProcess: StormRun[] = [];
  for (let i = 0; i < o.runs; i++) {
    inProcess.push(await stormInProcess(shape));
    o.say(`storm in-process run ${i + 1}: ${brief(inProcess[i])}`);
  }
  const curve: StormResults['curve'] = [];
  for (const hosts of [1, 3, 10, 30].filter((h) => h < shape.hosts)) {
    const r = await stormInProcess({ ...shape, hosts });
    curve.push({
      hosts,
      alarms: r.alarms,
      alarmsPerOwnSecond: r.alarmsPerOwnSecond,
      cloudCallsPerAlarm: r.cloudCallsPerAlarm.all,
      p99Ms: r.latencyMs.p99 ?? NaN,
    });
  }
  const full = inProcess[0];
  curve.push({
    hosts: shape.hosts,
    alarms: full.alarms,
    alarmsPerOwnSecond: summarize(inProcess.map((r) => r.alarmsPerOwnSecond)).median,
    cloudCallsPerAlarm: full.cloudCallsPerAlarm.all,
    p99Ms: full.latencyMs.p99 ?? NaN,
  });
  return { ...o.stamp(), shape, inProcess, curve };
}

export async function stormHttp(o: PartOptions): Promise<StormHttpResults> {
  const shape = o.shape ?? DEFAULT_STORM;
  const run = await stormOverHttp(shape, 1);
  o.say(`storm over HTTP: ${brief(run)}`);
  return { ...o.stamp(), shape, ...run };
}

export async function scaleOut(o: PartOptions): Promise<ScaleOutResults> {
  const shape = o.shape ?? DEFAULT_STORM;
  const counts = [1, 2, 4];
  const runs: ServeRun[] = [];
  for (let round = 0; round < o.runs; round++)
    for (const n of counts) {
      runs.push(await stormOverHttp(shape, n));
      o.say(`scale-out round ${round + 1}, ${n} serve: ${brief(runs[runs.length - 1])}`);
    }
  const of = (n: number) => runs.filter((r) => r.processes === n);
  const one = of(1).map((r) => r.alarmsPerSecond);
  return {
    ...o.stamp(),
    shape,
    runs,
    byProcesses: counts.map((n) => ({
      processes: n,
      alarmsPerSecond: summarize(of(n).map((r) => r.alarmsPerSecond)),
      ratioToOne: ratios(
        of(n).map((r) => r.alarmsPerSecond),
        one,
      ),
      duplicateEvacuations: of(n).reduce((a, r) => a + r.duplicateEvacuations, 0),
      hostIncidents: of(n).map((r) => r.hostIncidents),
    })),
  };
}
