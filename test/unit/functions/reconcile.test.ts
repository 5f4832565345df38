/**
 * The reconcile of a step's due queue (functions/_shared/reconcile.ts) and its sweeper
 * (functions/_shared/sweep.ts), on the in-memory store and cloud, with evacuate as the step:
 * a failing item is retried with a bounded backoff and then fails the incident (the operator told),
 * unless OpenStack did not answer (then it is tried for as long as that lasts),
 * a lease held by an invocation that died expires and the work comes back, and an acting incident
 * nothing is due for is handed on again, at most MAX_ATTEMPTS times.
 */
import { OpenStackTimeoutError } from '../../../core/openstack/errors';
import { MemoryStore } from '../../../core/state/memory-store';
import { step as classify } from '../../../functions/classify-alarm';
import { step as evacuate } from '../../../functions/evacuate';
import { Incidents } from '../../../functions/_shared/incidents';
import { backoffMs, LEASE_MS, MAX_ATTEMPTS } from '../../../functions/_shared/reconcile';
import { SWEEP_AFTER_MS } from '../../../functions/_shared/sweep';
import type { StepReply } from '../../support/steps';
import { hostDown, sceneCloud, sceneFactory, T0 } from './support/scenes';

async function hostIncident() {
  let t = T0;
  const now = () => t;
  const store = new MemoryStore({ now });
  const cloud = sceneCloud('one-host', now);
  const factory = sceneFactory(store, cloud, now);
  const call = async (body: unknown, step = evacuate) =>
    (await step.handle({ method: 'POST', headers: {}, query: {}, body, config: {} }, factory)) as StepReply;
  const key = (await call(hostDown('compute1'), classify)).body.results[0].incident!;
  /** What a process that leased the item and died before finishing leaves behind: the item leased, or gone. */
  const lose = async (ack: boolean) => {
    const [item] = await store.lease('evacuate', t, { leaseMs: LEASE_MS });
    if (ack) await store.ack('evacuate', item.id, item.token);
  };
  const reconcile = async () => (await call({ reconcile: true })).body.results;
  const advance = (ms: number) => void (t += ms);
  return { store, cloud, key, now, advance, reconcile, lose, incidents: new Incidents(store, now) };
}

describe('reconcile of a due queue', () => {
  it('retries a failing item with a doubling backoff, then fails the incident and tells the operator', async () => {
    const s = await hostIncident();
    s.cloud.failNext('nova.listComputeServices', MAX_ATTEMPTS, new Error('socket hang up'));
    for (let attempt = 1; attempt < MAX_ATTEMPTS; attempt++) {
      expect(await s.reconcile()).toEqual([
        expect.objectContaining({ outcome: 'RESCHEDULED', reason: expect.stringContaining(`try ${attempt} of 5`) }),
      ]);
      expect(await s.store.pending('evacuate')).toEqual([
        { id: s.key, dueAt: s.now() + backoffMs(attempt), attempts: attempt },
      ]);
      s.advance(backoffMs(attempt));
    }
    expect(await s.reconcile()).toEqual([expect.objectContaining({ outcome: 'FAILED', incident: s.key })]);
    expect((await s.incidents.require(s.key)).status).toBe('failed');
    expect((await s.store.pending('notify')).map((p) => p.id)).toEqual([s.key]);
    expect(await s.store.pending('evacuate')).toEqual([]);
    expect(s.cloud.writes()).toEqual([]);
  });

  it('keeps the incident open while OpenStack does not answer, past the tries a failure gets, and acts once it does', async () => {
    const s = await hostIncident();
    const timeout = new OpenStackTimeoutError('nova', 'GET', 'http://nova/os-services', 10_000, true);
    s.cloud.failNext('nova.listComputeServices', MAX_ATTEMPTS + 2, timeout);
    for (let attempt = 1; attempt <= MAX_ATTEMPTS + 2; attempt++) {
      expect(await s.reconcile()).toEqual([expect.objectContaining({ outcome: 'RESCHEDULED', incident: s.key })]);
      expect((await s.incidents.require(s.key)).status).not.toBe('failed');
      s.advance(backoffMs(attempt));
    }
    expect(await s.store.pending('notify')).toEqual([]);
    expect(s.cloud.callsTo('nova.evacuate')).toEqual([]);

    await s.reconcile();

    expect(s.cloud.callsTo('nova.evacuate')).toHaveLength(1);
  });

  it('hands the work of an invocation that died holding its lease to a later reconcile once the lease ends', async () => {
    const s = await hostIncident();
    await s.lose(false);
    expect(await s.reconcile()).toEqual([]); // leased to the dead invocation: invisible
    expect(s.cloud.callsTo('nova.evacuate')).toEqual([]);
    s.advance(LEASE_MS);
    expect(await s.reconcile()).toEqual([expect.objectContaining({ incident: s.key })]);
    expect(s.cloud.callsTo('nova.evacuate')).toHaveLength(1);
  });
});

describe('the sweeper', () => {
  it('hands an acting incident with nothing due back to its step, once it has sat for SWEEP_AFTER_MS', async () => {
    const s = await hostIncident();
    await s.lose(true); // the hand-off is gone
    expect(await s.reconcile()).toEqual([]);
    s.advance(SWEEP_AFTER_MS);
    expect(await s.reconcile()).toEqual([
      expect.objectContaining({
        outcome: 'RESCHEDULED',
        incident: s.key,
        reason: expect.stringMatching(/sweep 1 of 5/),
      }),
    ]);
    expect(await s.store.pending('evacuate')).toEqual([{ id: s.key, dueAt: s.now() }]);
    await s.reconcile();
    expect(s.cloud.callsTo('nova.evacuate')).toHaveLength(1);
  });

  it('fails an incident whose hand-off is lost again and again, and tells the operator', async () => {
    const s = await hostIncident();
    for (let sweep = 1; sweep <= MAX_ATTEMPTS; sweep++) {
      await s.lose(true);
      s.advance(SWEEP_AFTER_MS);
      expect((await s.reconcile()).map((r) => r.outcome)).toEqual(['RESCHEDULED']);
    }
    await s.lose(true);
    s.advance(SWEEP_AFTER_MS);
    expect(await s.reconcile()).toEqual([expect.objectContaining({ outcome: 'FAILED', incident: s.key })]);
    expect((await s.incidents.require(s.key)).status).toBe('failed');
    expect((await s.store.pending('notify')).map((p) => p.id)).toEqual([s.key]);
    expect(s.cloud.writes()).toEqual([]);
  });

  it('leaves alone an acting incident that has work due', async () => {
    const s = await hostIncident();
    s.advance(SWEEP_AFTER_MS);
    await s.lose(false); // leased, in progress somewhere
    expect(await s.reconcile()).toEqual([]);
  });
});
