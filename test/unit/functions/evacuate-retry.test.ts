/**
 * A failed evacuation tried again on another target (policy `evacuation.retries`, functions/evacuate/retry.ts),
 * on the in-memory cloud: compute1 failed and is forced down in Nova, its pet planned for evacuation; compute3
 * is a reserved host, disabled like the lab's. An evacuation to a host the test breaks
 * (FakeCompute.failEvacuationsTo) leaves the pet on compute1, ERROR or in its old state with its migration
 * `failed`, as Nova does.
 */
import { step as evacuate } from '../../../functions/evacuate';
import { due, invoke, novaTime, reconcile, record, type World } from '../../support/steps';
import { failedHost as failedHostWith, later, targetsOfEvacuations } from './support/reserve';

const failedHost = (evacuationPolicy: Record<string, unknown>) => failedHostWith(evacuationPolicy, ['pet-1']);
const reasons = async (w: World, incident: string) => (await record(w, incident)).timeline.map((e) => e.reason);

describe('evacuate: a failed evacuation tried on the next target', () => {
  it('auto_priority: a failed auto evacuation lands on the reserved host, enabled first', async () => {
    const { w, incident } = await failedHost({ recoveryMethod: 'auto_priority', reservedHosts: ['compute3'] });
    w.cloud.nova.failEvacuationsTo('compute2');
    await reconcile(w, evacuate); // the scheduler's choice: compute2, which fails the rebuild
    expect(targetsOfEvacuations(w)).toEqual([undefined]);
    expect(w.cloud.nova.service('compute3')).toMatchObject({ status: 'disabled' });

    await later(w); // pet-1 ERROR on compute1: the reserved host enabled, the evacuation asked again, by name
    expect(targetsOfEvacuations(w)).toEqual([undefined, 'compute3']);
    const writes = w.cloud.writes().map((c) => c.method);
    expect(writes.lastIndexOf('nova.enableService')).toBeLessThan(writes.lastIndexOf('nova.evacuate'));
    expect(w.cloud.callsTo('nova.addHostToAggregate')).toEqual([]); // the option is off by default
    expect(await reasons(w, incident)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/pet-1 failed \(ERROR on compute1, migration 1 failed\): retry 1 of 1 .*compute3/),
      ]),
    );

    const done = await later(w);
    expect(done.body.results).toEqual([expect.objectContaining({ outcome: 'RESOLVED', incident })]);
    expect(w.cloud.nova.server('pet-1')).toMatchObject({ status: 'ACTIVE', 'OS-EXT-SRV-ATTR:host': 'compute3' });
    expect(w.cloud.nova.server('pet-1')?.locked).toBe(false);
  });

  it("adds the reserved host to the failed host's aggregates first when addReservedHostToAggregate is on", async () => {
    const { w } = await failedHost({
      recoveryMethod: 'auto_priority',
      reservedHosts: ['compute3'],
      addReservedHostToAggregate: true,
    });
    const zone = w.cloud.nova.addAggregate({ name: 'db-hosts', hosts: ['compute1'], zone: 'db' });
    w.cloud.nova.addAggregate({ name: 'web-hosts', hosts: ['compute2'] });
    w.cloud.nova.failEvacuationsTo('compute2');
    await reconcile(w, evacuate);
    await later(w);
    expect(w.cloud.callsTo('nova.addHostToAggregate').map((c) => c.args)).toEqual([[zone.id, 'compute3']]);
    const writes = w.cloud.writes().map((c) => c.method);
    expect(writes.indexOf('nova.addHostToAggregate')).toBeLessThan(writes.indexOf('nova.enableService'));
    expect((await w.cloud.nova.listAggregates()).find((a) => a.name === 'db-hosts')?.hosts).toEqual([
      'compute1',
      'compute3',
    ]);
    expect(targetsOfEvacuations(w)).toEqual([undefined, 'compute3']);
  });

  it('rh_priority: falls back to the scheduler after the reserved host failed, told by the migration', async () => {
    const { w, incident } = await failedHost({ recoveryMethod: 'rh_priority', reservedHosts: ['compute3'] });
    w.cloud.nova.failEvacuationsTo('compute3', 'claim'); // Nova keeps the pet ACTIVE on compute1
    await reconcile(w, evacuate);
    expect(targetsOfEvacuations(w)).toEqual(['compute3']);
    await later(w);
    expect(targetsOfEvacuations(w)).toEqual(['compute3', undefined]);
    expect(await reasons(w, incident)).toEqual(
      expect.arrayContaining([expect.stringMatching(/pet-1 failed \(ACTIVE on compute1, migration 1 failed\)/)]),
    );
    const done = await later(w);
    expect(done.body.results).toEqual([expect.objectContaining({ outcome: 'RESOLVED', incident })]);
    expect(w.cloud.nova.server('pet-1')).toMatchObject({ status: 'ACTIVE', 'OS-EXT-SRV-ATTR:host': 'compute2' });
  });

  it('asks again once per invocation: a re-invocation while the retry moves starts nothing', async () => {
    const { w, incident } = await failedHost({ recoveryMethod: 'auto_priority', reservedHosts: ['compute3'] });
    w.cloud.nova.failEvacuationsTo('compute2');
    await reconcile(w, evacuate);
    await later(w);
    await invoke(w, evacuate, { incident });
    await invoke(w, evacuate, { incident });
    expect(targetsOfEvacuations(w)).toEqual([undefined, 'compute3']);
    expect(w.cloud.callsTo('nova.enableService')).toHaveLength(1);
  });

  it('holds and pages once the retries are spent, and writes nothing more to Nova', async () => {
    const { w, incident } = await failedHost({ recoveryMethod: 'auto', retries: 1 });
    w.cloud.nova.failEvacuationsTo('compute2');
    await reconcile(w, evacuate);
    await later(w); // the scheduler once more: compute2 again
    expect(targetsOfEvacuations(w)).toEqual([undefined, undefined]);
    const held = await later(w);
    expect(held.body.results).toEqual([
      expect.objectContaining({ outcome: 'HELD_FOR_APPROVAL', incident, status: 'held' }),
    ]);
    expect(held.body.results[0].reason).toMatch(/evacuation failed on every target the policy allows for pet-1/);
    expect(await due(w, 'notify')).toEqual([incident]);
    expect((await record(w, incident)).progress['pet-1']).toBe('failed');

    const writes = w.cloud.writes().length;
    const again = await invoke(w, evacuate, { incident });
    await later(w);
    expect(again.body.results).toEqual([expect.objectContaining({ outcome: 'HELD_FOR_APPROVAL', incident })]);
    expect(w.cloud.writes()).toHaveLength(writes);
    expect((await record(w, incident)).status).toBe('held');
  });

  it('holds after the first failure when the policy allows no retry', async () => {
    const { w, incident } = await failedHost({
      recoveryMethod: 'auto_priority',
      reservedHosts: ['compute3'],
      retries: 0,
    });
    w.cloud.nova.failEvacuationsTo('compute2');
    await reconcile(w, evacuate);
    const held = await later(w);
    expect(held.body.results).toEqual([expect.objectContaining({ outcome: 'HELD_FOR_APPROVAL', incident })]);
    expect(targetsOfEvacuations(w)).toEqual([undefined]);
    expect(w.cloud.callsTo('nova.enableService')).toEqual([]);
  });

  it('never retries on a host that is no longer down and forced down: the operator is told it is alive', async () => {
    const { w, incident } = await failedHost({ recoveryMethod: 'auto_priority', reservedHosts: ['compute3'] });
    w.cloud.nova.failEvacuationsTo('compute2');
    await reconcile(w, evacuate);
    // compute1 back: un-forced, reporting to Nova again
    w.cloud.nova.setService('compute1', { forced_down: false, state: 'up', updated_at: novaTime(w, 0) });
    const res = await later(w);
    expect(res.body.results).toEqual([expect.objectContaining({ outcome: 'HOST_ALIVE', incident })]);
    expect(targetsOfEvacuations(w)).toEqual([undefined]);
    expect(w.cloud.callsTo('nova.enableService')).toEqual([]);
  });
});
