/**
 * One stackmend update per root stack (functions/stack-update/root-lease.ts), on the in-memory
 * cloud: two members of stack web's ResourceGroup deleted (the recorded Aodh delete.end alarm, for
 * member "0" and, its ids swapped, member "1"). Heat is judged by the fake's own records: the
 * PATCHes it received and the updates it had to cancel.
 */
import { MemoryStore } from '../../../core/state/memory-store';
import { step as classify } from '../../../functions/classify-alarm';
import { step as markUnhealthy } from '../../../functions/mark-unhealthy';
import { step as stackUpdate } from '../../../functions/stack-update';
import { Incidents } from '../../../functions/_shared/incidents';
import type { StepReply } from '../../support/steps';
import { memberDeleted, OTHERS, sceneCloud, sceneFactory, T0 } from './support/scenes';

function twoDeleted() {
  let t = T0;
  const now = () => t;
  const store = new MemoryStore({ now });
  const cloud = sceneCloud('member-deleted', now);
  cloud.nova.deleteServerNow(OTHERS[0]);
  const factory = sceneFactory(store, cloud, now);
  const call = async (step: typeof classify, body: unknown) =>
    (await step.handle({ method: 'POST', headers: {}, query: {}, body, config: {} }, factory)) as StepReply;
  return { store, cloud, call, advance: (ms: number) => void (t += ms), incidents: new Incidents(store, now) };
}

describe('one stackmend update per root stack', () => {
  it('replaces two members deleted a moment apart with one PATCH: the second incident joins the first one’s update', async () => {
    const s = twoDeleted();
    const keys = [];
    for (const id of [undefined, OTHERS[0]])
      keys.push((await s.call(classify, memberDeleted(id))).body.results[0].incident!);
    expect(new Set(keys).size).toBe(2);
    await s.call(markUnhealthy, { reconcile: true });
    expect(s.cloud.callsTo('heat.markUnhealthy')).toHaveLength(2);
    const started = await s.call(stackUpdate, { reconcile: true });
    expect(started.body.results.map((r) => r.outcome)).toEqual(['RESCHEDULED', 'RESCHEDULED']);
    expect(s.cloud.callsTo('heat.updateExisting')).toHaveLength(1);
    const joined = [];
    for (const key of keys)
      joined.push(...Object.values((await s.incidents.require(key)).updates).map((u) => u.joined));
    expect(joined.filter(Boolean)).toHaveLength(1); // one started the update, the other joined it
    s.cloud.tick();
    s.advance(60_000);
    await s.call(stackUpdate, { reconcile: true });
    for (const key of keys) expect((await s.incidents.require(key)).status).toBe('resolved');
    expect(s.cloud.callsTo('heat.updateExisting')).toHaveLength(1);
    expect([...s.cloud.heat.cancelledUpdates.values()]).toEqual([]);
    expect(await s.store.list('stack-lease:')).toEqual([]);
  });

  it('never PATCHes on top of itself when two stack-update invocations for the same stack run at once', async () => {
    const s = twoDeleted();
    const keys = [];
    for (const id of [undefined, OTHERS[0]])
      keys.push((await s.call(classify, memberDeleted(id))).body.results[0].incident!);
    await s.call(markUnhealthy, { reconcile: true });
    await Promise.all(keys.map((incident) => s.call(stackUpdate, { incident })));
    expect(s.cloud.callsTo('heat.updateExisting')).toHaveLength(1);
    expect([...s.cloud.heat.cancelledUpdates.values()]).toEqual([]);
  });

  it('gives the lease back when the incident ends, so the next repair of the stack may update it', async () => {
    const s = twoDeleted();
    const first = (await s.call(classify, memberDeleted())).body.results[0].incident!;
    await s.call(markUnhealthy, { reconcile: true });
    await s.call(stackUpdate, { reconcile: true });
    expect((await s.store.list('stack-lease:')).map((e) => e.value)).toEqual([first]);
    await s.incidents.record(first, { step: 'notify', outcome: 'IGNORED', reason: 'dismissed' }, () => ({
      status: 'ignored',
    }));
    expect(await s.store.list('stack-lease:')).toEqual([]);
  });
});
