/**
 * mark-unhealthy and stack-update on the in-memory cloud: a deleted member of a Heat
 * ResourceGroup (the recorded Aodh alarm test/events/aodh/event-webhook.json) is replaced through
 * its nested stack, never on top of an update in flight, with busy resources retried later.
 */
import type { StackRef } from '../../../core/domain/plan';
import { step as classify } from '../../../functions/classify-alarm';
import { step as markUnhealthy } from '../../../functions/mark-unhealthy';
import { step as stackUpdate } from '../../../functions/stack-update';
import { due, invoke, reconcile, record, recordedEvent, world, type World } from '../../support/steps';

const ALARM = recordedEvent('aodh/event-webhook.json');
/** The server the recorded alarm reports deleted. */
const DELETED = '3bd67d07-7f0a-477c-a869-964e212f5c8d';
const RECHECK_MS = 2000; // the default policy's recheckAfterSec

type Group = { w: World; root: StackRef; nested: StackRef; incident: string };

/** Stack "web": a ResourceGroup of three servers, member "0" the deleted one; the alarm classified. */
async function deletedMember(): Promise<Group> {
  const w = world();
  for (const [i, id] of ['5fa21f78-eb39-4af8-ab00-e42ce465be12', '4dec8a5c-f57f-46e0-9c56-158998f4ee4c'].entries())
    w.cloud.nova.addServer({ id, name: `web-${i + 1}`, host: 'compute2' });
  const root = w.cloud.heat.addStack('web');
  const nested = w.cloud.heat.addGroup(root, 'group', [
    DELETED,
    '5fa21f78-eb39-4af8-ab00-e42ce465be12',
    '4dec8a5c-f57f-46e0-9c56-158998f4ee4c',
  ]);
  const res = await invoke(w, classify, ALARM);
  expect(res.body.results[0]).toMatchObject({ outcome: 'DISPATCHED' });
  const incident = res.body.results[0].incident!;
  expect(await due(w, 'mark-unhealthy')).toEqual([incident]);
  return { w, root, nested, incident };
}

describe('mark-unhealthy', () => {
  it('marks the member unhealthy in its nested stack and hands on to stack-update', async () => {
    const { w, nested, incident } = await deletedMember();
    const res = await reconcile(w, markUnhealthy);
    expect(res.body.results).toEqual([expect.objectContaining({ outcome: 'DISPATCHED', incident })]);
    expect(w.cloud.callsTo('heat.markUnhealthy').map((c) => c.args.slice(0, 2))).toEqual([[nested, '0']]);
    expect(w.cloud.heat.resource(nested, '0').resource_status).toBe('CHECK_FAILED');
    expect((await record(w, incident)).progress).toEqual({ [DELETED]: 'requested' });
    expect(await due(w, 'stack-update')).toEqual([incident]);
  });

  it('waits while the root stack is busy with an update it did not start, and marks nothing', async () => {
    const { w, root, nested, incident } = await deletedMember();
    w.cloud.heat.beginUpdate(root); // an operator's update in flight
    const res = await reconcile(w, markUnhealthy);
    expect(res.body.results).toEqual([
      expect.objectContaining({ outcome: 'RESCHEDULED', reason: expect.stringMatching(/UPDATE_IN_PROGRESS/) }),
    ]);
    expect(w.cloud.writes()).toEqual([]);
    expect(w.cloud.heat.resource(nested, '0').resource_status).toBe('CREATE_COMPLETE');
    expect(await w.store.pending('mark-unhealthy')).toEqual([{ id: incident, dueAt: w.now() + RECHECK_MS }]);
  });

  it('does not mark a resource twice: CHECK_FAILED already counts as marked', async () => {
    const { w, nested, incident } = await deletedMember();
    w.cloud.heat.setResourceStatus(nested, '0', 'CHECK_FAILED'); // marked by an earlier run that then stopped
    const res = await reconcile(w, markUnhealthy);
    expect(res.body.results).toEqual([expect.objectContaining({ outcome: 'DISPATCHED' })]);
    expect(w.cloud.callsTo('heat.markUnhealthy')).toEqual([]);
    expect((await record(w, incident)).progress).toEqual({ [DELETED]: 'requested' });
    expect(await due(w, 'stack-update')).toEqual([incident]);
  });

  it('reschedules on a 409 from a busy resource, then marks it once the resource is free', async () => {
    const { w, nested, incident } = await deletedMember();
    w.cloud.heat.setResourceStatus(nested, '0', 'CHECK_IN_PROGRESS');
    const first = await reconcile(w, markUnhealthy);
    expect(first.body.results).toEqual([
      expect.objectContaining({ outcome: 'RESCHEDULED', reason: expect.stringMatching(/busy \(409\)/) }),
    ]);
    expect(w.cloud.callsTo('heat.markUnhealthy').map((c) => c.error)).toEqual(['ResourceBusyError']);
    expect((await record(w, incident)).progress).toEqual({});
    expect(await due(w, 'stack-update')).toEqual([]);

    w.cloud.heat.setResourceStatus(nested, '0', 'CHECK_COMPLETE');
    expect((await reconcile(w, markUnhealthy)).body.results).toEqual([]); // not due yet
    w.advance(RECHECK_MS);
    const second = await reconcile(w, markUnhealthy);
    expect(second.body.results).toEqual([expect.objectContaining({ outcome: 'DISPATCHED', incident })]);
    expect(w.cloud.heat.resource(nested, '0').resource_status).toBe('CHECK_FAILED');
  });
});

describe('stack-update', () => {
  async function marked(): Promise<Group> {
    const g = await deletedMember();
    await reconcile(g.w, markUnhealthy);
    return g;
  }

  it('updates the root stack once, waits for it on later invocations, and resolves when the member is replaced', async () => {
    const { w, root, nested, incident } = await marked();
    const started = await reconcile(w, stackUpdate);
    expect(started.body.results).toEqual([expect.objectContaining({ outcome: 'RESCHEDULED', incident })]);
    expect(w.cloud.callsTo('heat.updateExisting').map((c) => c.args[0])).toEqual([root]);

    w.advance(RECHECK_MS);
    const still = await reconcile(w, stackUpdate); // Heat has not finished
    expect(still.body.results).toEqual([expect.objectContaining({ outcome: 'RESCHEDULED' })]);
    expect(w.cloud.callsTo('heat.updateExisting')).toHaveLength(1);

    w.cloud.tick();
    w.advance(RECHECK_MS);
    const done = await reconcile(w, stackUpdate);
    expect(done.body.results.map((r) => r.outcome)).toEqual(['DONE', 'RESOLVED']);
    expect(w.cloud.heat.resource(nested, '0').physical_resource_id).not.toBe(DELETED);
    expect(await record(w, incident)).toMatchObject({ status: 'resolved', progress: { [DELETED]: 'confirmed' } });
    expect(await due(w, 'notify')).toEqual([incident]);
  });

  it('never starts an update on top of one in flight: it waits, and an update that replaced the member is enough', async () => {
    const { w, root, incident } = await marked();
    w.cloud.heat.beginUpdate(root); // someone else's update, after the mark
    const busy = await reconcile(w, stackUpdate);
    expect(busy.body.results).toEqual([
      expect.objectContaining({ outcome: 'RESCHEDULED', reason: expect.stringMatching(/not our update/) }),
    ]);
    expect(w.cloud.callsTo('heat.updateExisting')).toEqual([]);
    expect(w.cloud.heat.cancelledUpdates.get(root.id)).toBeUndefined();

    w.cloud.tick(); // their update ends, and replaced the member marked unhealthy with the rest
    w.advance(RECHECK_MS);
    expect((await reconcile(w, stackUpdate)).body.results.map((r) => r.outcome)).toEqual(['DONE', 'RESOLVED']);
    expect(w.cloud.callsTo('heat.updateExisting')).toEqual([]);
    expect((await record(w, incident)).status).toBe('resolved');
  });

  it('fails the incident and tells the operator when Heat ends the update UPDATE_FAILED', async () => {
    const { w, root, incident } = await marked();
    await reconcile(w, stackUpdate);
    w.cloud.heat.failUpdate(root, 'Resource CREATE failed: quota exceeded');
    w.cloud.tick();
    w.advance(RECHECK_MS);
    const res = await reconcile(w, stackUpdate);
    expect(res.body.results.map((r) => r.outcome)).toEqual(['FAILED', 'FAILED']);
    expect(await record(w, incident)).toMatchObject({ status: 'failed', progress: { [DELETED]: 'failed' } });
    expect(await due(w, 'notify')).toEqual([incident]);
  });
});
