/**
 * classify-alarm raced by real processes (./support/classify-worker.ts, each its own Node process
 * with its own FakeCloud of the same scene) over one state store: the file store, and Redis (db 14,
 * keys under a per-run prefix). What each race left is then carried out by one driver (the steps'
 * reconciles on a FakeCloud of that scene), and the outcome is judged by the cloud writes the fake
 * recorded: one remediation per subject, at most the breaker's limit acted on.
 */
import { resolve } from 'node:path';
import type { StepName } from '../../../core/domain/pipeline';
import type { StateStore } from '../../../core/state';
import { step as evacuate } from '../../../functions/evacuate';
import { step as markUnhealthy } from '../../../functions/mark-unhealthy';
import { step as notify } from '../../../functions/notify';
import { step as stackUpdate } from '../../../functions/stack-update';
import { BREAKER, Incidents } from '../../../functions/_shared/incidents';
import { RACE_STORES, raceTargets, runAll, startSoon } from '../state/support/race';
import { openTarget } from '../state/support/race-jobs';
import type { ClassifyJob } from './support/classify-worker';
import {
  HOSTS,
  hostDown,
  memberDeleted,
  sceneCloud,
  sceneFactory,
  T0,
  type Scene,
  SCENE_CONFIG,
  SCENE_POLICY,
} from './support/scenes';

const WORKER = resolve(__dirname, 'support/classify-worker.ts');
const RACE_REDIS = 'redis://127.0.0.1:6379/14';
const PROCESSES = 8;
const names = Array.from({ length: PROCESSES }, (_, i) => `p${i + 1}`);
type Outcomes = Record<string, number>;
const total = (out: unknown[][]): Outcomes => {
  const sum: Outcomes = {};
  for (const [line] of out)
    for (const [k, n] of Object.entries((line as { outcomes: Outcomes }).outcomes)) sum[k] = (sum[k] ?? 0) + n;
  return sum;
};

const ACTING_STEPS = [evacuate, markUnhealthy, stackUpdate, notify];

/** Carries out what the race left: each acting step's reconcile, the cloud's work ending, a minute later again. */
async function drive(store: StateStore, scene: Scene) {
  let t = T0;
  const now = () => t;
  const cloud = sceneCloud(scene, now);
  const factory = sceneFactory(store, cloud, now);
  for (let round = 0; round < 30; round++) {
    for (const s of ACTING_STEPS)
      await s.handle(
        { method: 'POST', headers: {}, query: {}, body: { reconcile: true }, config: SCENE_CONFIG },
        factory,
      );
    cloud.tick();
    const left = await Promise.all(ACTING_STEPS.map((s) => store.pending(s.name)));
    if (left.every((l) => l.length === 0)) break;
    t += 60_000;
  }
  return cloud;
}

const pendingIds = async (store: StateStore, step: StepName) => (await store.pending(step)).map((p) => p.id);

describe.each(RACE_STORES)('classify-alarm raced on the %s store', (kind) => {
  const newTarget = raceTargets(kind, RACE_REDIS, 'classify-race');

  it('makes one incident of two alarms for one host, for each of 10 hosts, and evacuates each pet once', async () => {
    const target = newTarget();
    const startAt = startSoon();
    const jobs: ClassifyJob[] = ['a', 'b'].map((name, n) => ({
      target,
      scene: 'ten-hosts',
      name,
      startAt,
      alarms: HOSTS.map((h) => hostDown(h, n)),
      config: { policy: { ...SCENE_POLICY, maxOpenIncidents: 20 } },
    }));
    const out = total(await runAll(jobs, WORKER));
    expect(out).toEqual({ DISPATCHED: 10, GROUPED: 10 });
    const store = openTarget(target);
    const incidents = await new Incidents(store, () => T0).list();
    expect(incidents.map((r) => r.incident.subject).sort()).toEqual(
      HOSTS.map((host) => ({ type: 'host', host })).sort(),
    );
    expect((await pendingIds(store, 'evacuate')).sort()).toEqual(incidents.map((r) => r.key).sort());
    const cloud = await drive(store, 'ten-hosts');
    const evacuated = cloud.callsTo('nova.evacuate').map((c) => c.args[0]);
    expect(evacuated.sort()).toEqual(HOSTS.map((h) => `pet-${h}`).sort());
    await store.close();
  }, 120_000);

  it('acts on at most 5 of 10 host alarms sent at once by 8 processes against a breaker of 5', async () => {
    const target = newTarget();
    const startAt = startSoon();
    const jobs: ClassifyJob[] = names.map((name, p) => ({
      target,
      scene: 'ten-hosts',
      name,
      startAt,
      alarms: HOSTS.filter((_, i) => i % PROCESSES === p).map((h) => hostDown(h)),
    }));
    const out = total(await runAll(jobs, WORKER));
    expect(out).toEqual({ DISPATCHED: 5, HELD_FOR_APPROVAL: 5 });
    const store = openTarget(target);
    expect(await store.members(BREAKER)).toHaveLength(5);
    const cloud = await drive(store, 'ten-hosts');
    const evacuated = new Set(cloud.callsTo('nova.evacuate').map((c) => c.args[0]));
    expect(cloud.callsTo('nova.evacuate')).toHaveLength(5);
    expect(evacuated.size).toBe(5);
    expect(cloud.callsTo('nova.disableService')).toHaveLength(5);
    expect(await store.members(BREAKER)).toEqual([]); // the 5 resolved gave their slots back
    await store.close();
  }, 120_000);

  it('makes one remediation of the same alarm sent 1,000 times by 8 processes: one incident, one stack update', async () => {
    const target = newTarget();
    const startAt = startSoon();
    const alarm = memberDeleted();
    const jobs: ClassifyJob[] = names.map((name) => ({
      target,
      scene: 'member-deleted',
      name,
      startAt,
      alarms: [alarm],
      times: 1_000 / PROCESSES,
    }));
    const out = total(await runAll(jobs, WORKER));
    expect(out).toEqual({ DISPATCHED: 1, DUPLICATE: 999 });
    const store = openTarget(target);
    const incidents = await new Incidents(store, () => T0).list();
    expect(incidents).toHaveLength(1);
    expect(await pendingIds(store, 'mark-unhealthy')).toEqual([incidents[0].key]);
    const cloud = await drive(store, 'member-deleted');
    expect(cloud.callsTo('heat.markUnhealthy')).toHaveLength(1);
    expect(cloud.callsTo('heat.updateExisting')).toHaveLength(1);
    expect([...cloud.heat.cancelledUpdates.values()]).toEqual([]);
    expect((await new Incidents(store, () => T0).require(incidents[0].key)).status).toBe('resolved');
    await store.close();
  }, 180_000);
});
