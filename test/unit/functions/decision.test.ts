/**
 * classify-alarm's decision as one commit (functions/classify-alarm/decision.ts), invocations
 * overlapping in one process on the in-memory store: one incident per subject, the circuit breaker
 * holds, a terminal incident gives back its slot and its lock, a hand-off is durable before the
 * alarm is answered, a store that refuses the commit leaves no mark, and the breaker is checked again
 * before evacuate acts. Races between real processes: ./classify-race.test.ts.
 */
import type { Plan } from '../../../core/domain/plan';
import { StateStoreUnavailableError } from '../../../core/state/errors';
import { MemoryStore } from '../../../core/state/memory-store';
import type { Transport } from '../../../core/runtime/dispatch';
import { step as classify } from '../../../functions/classify-alarm';
import { step as evacuate } from '../../../functions/evacuate';
import { BREAKER, Incidents } from '../../../functions/_shared/incidents';
import type { StepReply } from '../../support/steps';
import { HOSTS, hostDown, sceneCloud, sceneFactory, T0, type Scene, SCENE_CONFIG } from './support/scenes';

function scene(name: Scene, o: { store?: MemoryStore; transport?: Transport } = {}) {
  let t = T0;
  const now = () => t;
  const store = o.store ?? new MemoryStore({ now });
  const cloud = sceneCloud(name, now);
  const factory = sceneFactory(store, cloud, now, o.transport);
  const call = async (step: typeof classify, body: unknown) =>
    (await step.handle({ method: 'POST', headers: {}, query: {}, body, config: SCENE_CONFIG }, factory)) as StepReply;
  return { store, cloud, now, call, advance: (ms: number) => void (t += ms), incidents: new Incidents(store, now) };
}

const outcomes = (replies: StepReply[]) => replies.map((r) => r.body.results[0].outcome).sort();

describe('classify-alarm decides in one commit', () => {
  it('makes one incident of two alarms for one host arriving together; the other is GROUPED into it', async () => {
    const s = scene('one-host');
    const replies = await Promise.all([
      s.call(classify, hostDown('compute1', 0)),
      s.call(classify, hostDown('compute1', 1)),
    ]);
    expect(outcomes(replies)).toEqual(['DISPATCHED', 'GROUPED']);
    const incidents = await s.incidents.list();
    expect(incidents).toHaveLength(1);
    const [only] = incidents;
    expect(only.timeline.map((e) => e.outcome)).toEqual(['DISPATCHED', 'GROUPED']);
    expect((await s.store.pending('evacuate')).map((p) => p.id)).toEqual([only.key]);
    expect(await s.store.get('open-host:compute1')).toBe(only.key);
    expect(await s.store.members(BREAKER)).toEqual([only.key]);
  });

  it('acts on at most 5 of 10 host alarms arriving together: the rest are held by the circuit breaker', async () => {
    const s = scene('ten-hosts');
    const replies = await Promise.all(HOSTS.map((h) => s.call(classify, hostDown(h))));
    expect(outcomes(replies)).toEqual([...Array(5).fill('DISPATCHED'), ...Array(5).fill('HELD_FOR_APPROVAL')]);
    const held = replies.filter((r) => r.body.results[0].outcome === 'HELD_FOR_APPROVAL');
    for (const r of held) expect(r.body).toMatchObject({ details: { decision: { rule: 'circuit-breaker' } } });
    expect(await s.store.members(BREAKER)).toHaveLength(5);
    expect(await s.store.pending('evacuate')).toHaveLength(5);
    expect(await s.store.pending('notify')).toHaveLength(5);
    expect(s.cloud.writes()).toEqual([]);
  });

  it('gives back the breaker slot and the host lock when the incident ends, so the next alarm is decided afresh', async () => {
    const s = scene('one-host');
    const first = await s.call(classify, hostDown('compute1'));
    const key = first.body.results[0].incident!;
    await s.incidents.record(key, { step: 'notify', outcome: 'IGNORED', reason: 'dismissed' }, () => ({
      status: 'ignored',
    }));
    expect(await s.store.members(BREAKER)).toEqual([]);
    expect(await s.store.get('open-host:compute1')).toBeUndefined();
    expect(await s.store.get(`open:${key}`)).toBeUndefined();
    const again = await s.call(classify, hostDown('compute1', 30));
    expect(again.body.results[0]).toMatchObject({ outcome: 'DISPATCHED' });
    expect(await s.store.get('open-host:compute1')).toBe(again.body.results[0].incident);
  });

  it('answers an alarm whose hand-off transport fails: the first step is durable in its due queue', async () => {
    const down: Transport = {
      name: 'http',
      send: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:3000')),
    };
    const s = scene('one-host', { transport: down });
    const res = await s.call(classify, hostDown('compute1'));
    expect(res.statusCode).toBe(202);
    const key = res.body.results[0].incident!;
    expect(res.body.results[0].next).toEqual([expect.objectContaining({ step: 'evacuate', transport: 'due-queue' })]);
    expect(await s.store.pending('evacuate')).toEqual([{ id: key, dueAt: s.now() + 60_000 }]);
    s.advance(60_000);
    const run = await s.call(evacuate, { reconcile: true });
    expect(run.body.results[0]).toMatchObject({ incident: key });
    expect(s.cloud.callsTo('nova.evacuate')).toHaveLength(1);
  });

  it('leaves no mark when the store refuses the commit: the redelivery is decided, not DUPLICATE', async () => {
    let t = T0;
    const store = new MemoryStore({ now: () => t });
    const commit = store.commit.bind(store);
    let refuse = 1;
    store.commit = (c) =>
      refuse-- > 0
        ? Promise.reject(new StateStoreUnavailableError('redis://127.0.0.1:6379/14', 'ECONNRESET'))
        : commit(c);
    const s = scene('one-host', { store });
    const failed = await s.call(classify, hostDown('compute1'));
    expect(failed.statusCode).toBe(503);
    expect(await store.list('')).toEqual([]);
    expect(await store.pending('evacuate')).toEqual([]);
    t += 1000;
    const again = await s.call(classify, hostDown('compute1'));
    expect(again.body.results[0]).toMatchObject({ outcome: 'DISPATCHED' });
  });

  it('holds an incident without a breaker slot before evacuate writes anything, while the breaker is full', async () => {
    const s = scene('ten-hosts');
    const replies = await Promise.all(HOSTS.map((h) => s.call(classify, hostDown(h))));
    const held = replies.find((r) => r.body.results[0].outcome === 'HELD_FOR_APPROVAL')!.body.results[0].incident!;
    // an evacuation that took no slot (a record written before the breaker reserved slots)
    const host = (await s.incidents.require(held)).incident.subject;
    if (host.type !== 'host') throw new Error('a host incident was expected');
    const plan: Plan = {
      action: 'evacuate',
      host: host.host,
      servers: [{ serverId: `pet-${host.host}` }],
      replace: [],
      untouched: [],
    };
    await s.incidents.record(held, { step: 'classify-alarm', outcome: 'DISPATCHED', reason: 'test' }, () => ({
      status: 'acting',
      plan,
    }));
    await s.store.schedule('evacuate', held, s.now());
    const res = await s.call(evacuate, { incident: held });
    expect(res.body.results[0]).toMatchObject({
      outcome: 'HELD_FOR_APPROVAL',
      reason: expect.stringMatching(/circuit breaker is full/),
    });
    expect(s.cloud.writes()).toEqual([]);
    expect(await s.store.members(BREAKER)).not.toContain(held);
  });
});
