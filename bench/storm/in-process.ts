/**
 * The storm into classify-alarm in-process: the step's own handler (functions/_shared/step.ts
 * `handle`) with the storm cloud (./snapshot.ts) and an in-memory state store as its ports, one alarm
 * at a time: stackmend's own ceiling, no HTTP, no authentication. Hand-offs are counted, not run.
 */
import { performance } from 'node:perf_hooks';
import { silentLogger } from '../../core/domain/log';
import type { StepName } from '../../core/domain/pipeline';
import type { Transport } from '../../core/runtime/dispatch';
import { MemoryStore } from '../../core/state';
import { step as classifyAlarm } from '../../functions/classify-alarm';
import { depsFactory } from '../../functions/_shared/deps';
import { Incidents } from '../../functions/_shared/incidents';
import { summarize, type Summary } from '../stats';
import { stormAlarms, type Delivery, type StormShape } from './alarms';
import type { FakeCloud } from '../../test/support/fakes/cloud';
import { stormCloud } from './snapshot';

/** The operator's policy for the storm: a breaker wide enough for 100 failed hosts (default 5). */
export const STORM_POLICY = { maxOpenIncidents: 1000 };

export type CallsPer = { hostReport: number; serverAlarm: number; duplicate: number; all: number };

export type StormRun = {
  alarms: number;
  distinct: number;
  duplicates: number;
  wallMs: number;
  cpuMs: number;
  /** alarms per second of CPU time of this process: throughput per core */
  alarmsPerCpuSecond: number;
  /** time inside the fake cloud's calls (its own work: filtering 10,000 servers, copying answers) */
  cloudMs: number;
  /** alarms per second of wall time less the fake cloud's (one alarm at a time, on one core): stackmend's own */
  alarmsPerOwnSecond: number;
  latencyMs: Summary;
  incidents: number;
  /** hand-offs to the acting steps, and how many went to an incident or server twice */
  actions: number;
  duplicateActions: number;
  /** OpenStack calls per alarm (median), by what the alarm was */
  cloudCallsPerAlarm: CallsPer;
  outcomes: Record<string, number>;
};

/** A transport that counts hand-offs per step and incident and runs nothing. */
export function countingTransport(): Transport & { sends: Map<string, number> } {
  const sends = new Map<string, number>();
  return {
    name: 'bench-counter',
    sends,
    async send(step: StepName, payload: { incident: string }) {
      const k = `${step} ${payload.incident}`;
      sends.set(k, (sends.get(k) ?? 0) + 1);
      return {};
    },
  };
}

export const median = (v: number[]) => summarize(v).median;

/** Calls per alarm by kind of alarm: `calls[i]` is what delivery i cost. */
export function callsPer(stream: Delivery[], calls: number[]): CallsPer {
  const of = (pick: (d: Delivery) => boolean) => median(calls.filter((_, i) => pick(stream[i])));
  return {
    hostReport: of((d) => d.about === 'host' && !d.duplicate),
    serverAlarm: of((d) => d.about === 'server' && !d.duplicate),
    duplicate: of((d) => d.duplicate),
    all: calls.reduce((a, b) => a + b, 0) / Math.max(1, calls.length),
  };
}

/**
 * Times the fake cloud's calls (test/support/fakes/control.ts `run`, the one way into it): the time at
 * least one call was in flight, so calls made together (Promise.all) count once.
 */
function timed(cloud: FakeCloud): { ms: () => number } {
  let ms = 0;
  let inFlight = 0;
  let since = 0;
  const run = cloud.control.run.bind(cloud.control);
  cloud.control.run = async (method, args, impl) => {
    if (inFlight++ === 0) since = performance.now();
    try {
      return await run(method, args, impl);
    } finally {
      if (--inFlight === 0) ms += performance.now() - since;
    }
  };
  return { ms: () => ms };
}

export async function stormInProcess(shape: StormShape): Promise<StormRun> {
  const stream = stormAlarms(shape);
  const cloud = stormCloud(shape);
  const inCloud = timed(cloud);
  const store = new MemoryStore();
  const transport = countingTransport();
  const factory = depsFactory({ store, log: silentLogger, transport, cloud: () => cloud });
  const config = { state_url: 'memory:', policy: STORM_POLICY };
  const latencies: number[] = [];
  const calls: number[] = [];
  const outcomes: Record<string, number> = {};
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (const d of stream) {
    const before = cloud.calls.length;
    const started = performance.now();
    const res = (await classifyAlarm.handle(
      { method: 'POST', headers: {}, query: {}, body: d.body, config },
      factory,
    )) as { body: { results?: { outcome: string }[] } };
    latencies.push(performance.now() - started);
    calls.push(cloud.calls.length - before);
    for (const r of res.body.results ?? []) outcomes[r.outcome] = (outcomes[r.outcome] ?? 0) + 1;
  }
  const wallMs = performance.now() - t0;
  const used = process.cpuUsage(cpu0);
  const cpuMs = (used.user + used.system) / 1000;
  const incidents = await new Incidents(store, Date.now).list();
  const sends = [...transport.sends.values()];
  return {
    alarms: stream.length,
    distinct: stream.filter((d) => !d.duplicate).length,
    duplicates: stream.filter((d) => d.duplicate).length,
    wallMs,
    cpuMs,
    alarmsPerCpuSecond: stream.length / (cpuMs / 1000),
    cloudMs: inCloud.ms(),
    alarmsPerOwnSecond: stream.length / (Math.max(1, wallMs - inCloud.ms()) / 1000),
    latencyMs: summarize(latencies, { keepRuns: false }),
    incidents: incidents.length,
    actions: sends.reduce((a, b) => a + b, 0),
    duplicateActions: sends.reduce((a, n) => a + n - 1, 0),
    cloudCallsPerAlarm: callsPer(stream, calls),
    outcomes,
  };
}
