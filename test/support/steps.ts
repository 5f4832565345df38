/**
 * One way to invoke a step in a unit test: the step's own platform-neutral handler
 * (functions/_shared/step.ts `handle`) with the ports of functions/_shared/deps.ts replaced by
 * in-memory ones — the FakeCloud, a MemoryStore, the due-queue transport and a clock the test moves.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { silentLogger } from '../../core/domain/log';
import { parseAlarms } from '../../core/domain/intake';
import type { IncidentRecord, Outcome, Plan, StepName } from '../../core/domain/plan';
import { MemoryStore } from '../../core/state/memory-store';
import { depsFactory, type DepsFactory } from '../../functions/_shared/deps';
import { Incidents } from '../../functions/_shared/incidents';
import type { Step } from '../../functions/_shared/step';
import { QueuedTransport } from '../../core/runtime/dispatch';
import { labCloud, type FakeCloud } from './fakes/cloud';

export type StepReply = {
  statusCode: number;
  body: {
    outcome?: Outcome;
    reason?: string;
    message?: string;
    error?: string;
    results: { outcome: Outcome; incident?: string; reason: string; next?: { step: StepName; dueAt?: number }[] }[];
  } & Record<string, unknown>;
};

export type World = {
  cloud: FakeCloud;
  store: MemoryStore;
  incidents: Incidents;
  /** Epoch ms of the world's clock; `advance` moves it. */
  now(): number;
  advance(ms: number): void;
  factory: DepsFactory;
  config: Record<string, unknown>;
};

/** A lab-shaped cloud (compute1, compute2 up) at the time of the recorded host-down notification. */
export function world(o: { config?: Record<string, unknown>; cloud?: (now: () => number) => FakeCloud } = {}): World {
  let t = Date.parse('2026-11-23T01:55:00Z');
  const now = () => t;
  const cloud = (o.cloud ?? labCloud)(now);
  const store = new MemoryStore({ now });
  const factory = depsFactory({
    store,
    now,
    log: silentLogger,
    transport: new QueuedTransport(store, now),
    cloud: () => cloud,
  });
  const advance = (ms: number) => void (t += ms);
  return { cloud, store, incidents: new Incidents(store, now), now, advance, factory, config: o.config ?? {} };
}

/** Calls the step as a platform would, with `body` as the request body. */
export async function invoke(w: World, step: Step, body: unknown): Promise<StepReply> {
  const res = await step.handle({ method: 'POST', headers: {}, query: {}, body, config: w.config }, w.factory);
  return res as StepReply;
}

/** The step's periodic reconcile: runs the work due now in its due queue. */
export const reconcile = (w: World, step: Step) => invoke(w, step, { reconcile: true });

/** Incident ids waiting in a step's due queue. */
export const due = async (w: World, step: StepName) => (await w.store.pending(step)).map((s) => s.id);

export const record = (w: World, key: string): Promise<IncidentRecord> => w.incidents.require(key);

/** A recorded alarm payload from test/events/. */
export const recordedEvent = (file: string): Record<string, unknown> =>
  JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'events', file), 'utf8'));

/** Nova's service time format (test/fixtures/openstack/nova-force-down-2.53.json), `secondsAgo` before now. */
export const novaTime = (w: World, secondsAgo: number) =>
  new Date(w.now() - secondsAgo * 1000).toISOString().replace('Z', '000');

/** Pets (HA_Enabled=True) named `ids` on `host`, and the evacuation plan classify-alarm makes of them. */
export function petsOn(w: World, host: string, ids: readonly string[]): Plan & { action: 'evacuate' } {
  for (const id of ids) w.cloud.nova.addServer({ id, name: id, host, metadata: { HA_Enabled: 'True' } });
  const servers = ids.map((id) => ({ serverId: id, name: id, vcpus: 1, ramMb: 64 }));
  return { action: 'evacuate', host, servers, replace: [], untouched: [] };
}

/**
 * compute1 failed with the pets `ids`, as the recorded host monitor notification
 * (test/events/masakari/run1-compute-host.json) reported it and classify-alarm decided `decision`:
 * the record stored and handed on to evacuate. Returns the incident key.
 */
export async function evacuation(
  w: World,
  ids: readonly string[],
  o: Pick<IncidentRecord, 'decision'> & Partial<Pick<IncidentRecord, 'fence'>>,
): Promise<string> {
  const plan = petsOn(w, 'compute1', ids);
  const incident = await createIncident(w, recordedEvent('masakari/run1-compute-host.json'), {
    status: 'acting',
    plan,
    ...o,
  });
  await w.store.schedule('evacuate', incident, w.now()); // classify-alarm's hand-off
  return incident;
}

/**
 * compute1 failed and an operator (or fencing agent) forced it down in Nova two minutes ago; its pets `ids`
 * planned for evacuation with that evidence, as classify-alarm decides it. Returns the incident key.
 */
export async function forcedDownEvacuation(w: World, ids: readonly string[]): Promise<string> {
  w.cloud.nova.setService('compute1', { forced_down: true, state: 'down', updated_at: novaTime(w, 120) });
  return evacuation(w, ids, {
    decision: { verdict: 'evacuate', rule: 'fenced-host-failure', reason: 'compute1 is down and forced down in Nova' },
    fence: {
      source: 'nova-forced-down',
      method: 'forced-down',
      at: new Date(w.now()).toISOString(),
      by: 'nova',
      vouchedBy: 'nova',
    },
  });
}

/**
 * Stores the record classify-alarm writes for a recorded alarm, with the decision and plan given:
 * a step's input without going through the policy. Returns the incident key.
 */
export async function createIncident(
  w: World,
  alarm: unknown,
  o: Pick<IncidentRecord, 'status' | 'decision' | 'plan'> & Partial<Pick<IncidentRecord, 'fence'>>,
): Promise<string> {
  const [incident] = parseAlarms(alarm, { receivedAt: new Date(w.now()) }).incidents;
  const at = new Date(w.now()).toISOString();
  await w.incidents.create({
    key: incident.key,
    incident,
    ...o,
    progress: {},
    updates: {},
    timeline: [{ at, step: 'classify-alarm', outcome: 'DISPATCHED', reason: incident.summary }],
    dryRun: false,
    createdAt: at,
    updatedAt: at,
  });
  return incident.key;
}
