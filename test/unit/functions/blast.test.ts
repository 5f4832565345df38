/**
 * The blast radius in the steps (core/policy/blast.ts, functions/_shared/blast.ts): classify-alarm holds
 * a host failure while too many hosts are failed, stores the storm in its decision's commit, and a held
 * incident resumes once the count is back under the limit and the storm cooldown has passed; evacuate
 * checks the blast radius again immediately before it writes. On the fake cloud (three computes) with the
 * recorded host monitor notification (test/events/masakari/run1-compute-host.json).
 */
import { step as classify } from '../../../functions/classify-alarm';
import { step as evacuate } from '../../../functions/evacuate';
import { STORMS } from '../../../functions/_shared/blast';
import { Controls } from '../../../functions/_shared/controls';
import { isStormAudit } from '../../../functions/_shared/incidents';
import { invoke, novaTime, petsOn, reconcile, record, recordedEvent, world, type World } from '../../support/steps';

const HELD_RECHECK_MS = 30_000; // the default policy's heldRecheckSec
const COOLDOWN_SEC = 45;

/** The recorded COMPUTE_HOST notification, for `host`. */
const hostDown = (host: string) => {
  const body = recordedEvent('masakari/run1-compute-host.json') as { notification: { hostname: string } };
  body.notification.hostname = host;
  return body;
};

/** compute1..3 (compute3 added to the lab's two), a pet on each of compute1 and compute2. */
function threeHosts(): World {
  const w = world({ config: { policy: { blastRadius: { stormCooldownSec: COOLDOWN_SEC } } } });
  w.cloud.nova.addService({ host: 'compute3' });
  petsOn(w, 'compute1', ['pet-1']);
  petsOn(w, 'compute2', ['pet-2']);
  return w;
}
/** What an external fencing agent does (fence_compute): Nova's forced_down on the host's service. */
const forcedDown = (w: World, host: string) =>
  w.cloud.nova.setService(host, { state: 'down', forced_down: true, updated_at: novaTime(w, 30) });
const silent = (w: World, host: string) => w.cloud.nova.setService(host, { updated_at: novaTime(w, 60) });
const heartbeats = (w: World, host: string) => w.cloud.nova.setService(host, { updated_at: novaTime(w, 1) });

describe('blast radius in classify-alarm and evacuate', () => {
  it('holds a fenced host while 2 of 3 hosts are failed, pages with the numbers, and stores the storm with the decision', async () => {
    const w = threeHosts();
    forcedDown(w, 'compute1');
    silent(w, 'compute2');
    const res = await invoke(w, classify, hostDown('compute1'));
    expect(res.body).toMatchObject({ outcome: 'HELD_FOR_APPROVAL', details: { decision: { rule: 'blast-radius' } } });
    expect(res.body.reason).toMatch(/2 of 3 hosts failed in cloud = 67 % \(compute1, compute2; limit 50%\)/);
    expect(await w.store.get(STORMS)).toEqual({
      cloud: { since: new Date(w.now()).toISOString(), failed: ['compute1', 'compute2'], total: 3, limit: '50%' },
    });
    expect(await w.store.pending('notify')).toEqual([expect.objectContaining({ id: res.body.incident })]);
    expect(w.cloud.writes()).toEqual([]);
  });

  it('resumes once the count is back under the limit and the cooldown has passed: the held host is evacuated', async () => {
    const w = threeHosts();
    forcedDown(w, 'compute1');
    silent(w, 'compute2');
    const key = (await invoke(w, classify, hostDown('compute1'))).body.incident as string;
    // compute2 reports again: 1 of 3 failed, the cooldown starts at this look
    w.advance(HELD_RECHECK_MS);
    heartbeats(w, 'compute2');
    const calm = await reconcile(w, classify);
    expect(calm.body.results).toEqual([expect.objectContaining({ outcome: 'HELD_FOR_APPROVAL', incident: key })]);
    expect(await w.store.get(STORMS)).toMatchObject({ cloud: { calmSince: new Date(w.now()).toISOString() } });
    expect((await record(w, key)).status).toBe('held');
    // still within the cooldown
    w.advance(HELD_RECHECK_MS);
    heartbeats(w, 'compute2');
    await reconcile(w, classify);
    expect((await record(w, key)).status).toBe('held');
    // the cooldown has passed: decided again, handed to evacuate, the storm forgotten
    w.advance(HELD_RECHECK_MS);
    heartbeats(w, 'compute2');
    const resumed = await reconcile(w, classify);
    expect(resumed.body.results).toEqual([
      expect.objectContaining({
        incident: key,
        details: expect.objectContaining({ decision: expect.objectContaining({ rule: 'fenced-host-failure' }) }),
      }),
    ]);
    expect(await w.store.get(STORMS)).toBeUndefined();
    // each of the storm's transitions in the audit log once, when the look that made it was stored
    const storms = (await w.incidents.auditEntries()).filter(isStormAudit);
    expect(storms.map((e) => [e.storm, e.scope, e.failed])).toEqual([
      ['started', 'cloud', ['compute1', 'compute2']],
      ['calming', 'cloud', ['compute1']],
      ['resumed', 'cloud', ['compute1']],
    ]);
    heartbeats(w, 'compute2');
    await reconcile(w, evacuate);
    expect(w.cloud.callsTo('nova.evacuate').map((c) => c.args[0])).toEqual(['pet-1']);
  });

  it('makes evacuate hold, writing nothing, when another host failed between the decision and the action', async () => {
    const w = threeHosts();
    forcedDown(w, 'compute1');
    const res = await invoke(w, classify, hostDown('compute1'));
    expect(res.body).toMatchObject({ outcome: 'DISPATCHED', details: { decision: { rule: 'fenced-host-failure' } } });
    forcedDown(w, 'compute2'); // before evacuate runs
    const ev = await reconcile(w, evacuate);
    expect(ev.body.results).toEqual([expect.objectContaining({ outcome: 'HELD_FOR_APPROVAL' })]);
    expect(ev.body.results[0].reason).toMatch(/checked again before fencing or writing: 2 of 3 hosts failed in cloud/);
    expect(w.cloud.writes()).toEqual([]);
    expect(await w.store.get(STORMS)).toMatchObject({ cloud: { failed: ['compute1', 'compute2'] } });
  });
});

describe('pause of one host', () => {
  it('holds what would act on that host, and the audit log says who paused it', async () => {
    const w = threeHosts();
    forcedDown(w, 'compute1');
    const controls = new Controls(w.store, w.now);
    await controls.set('pause', true, { via: 'keystone', name: 'alice' }, 'host:compute1');
    const res = await invoke(w, classify, hostDown('compute1'));
    expect(res.body).toMatchObject({
      outcome: 'HELD_FOR_APPROVAL',
      details: { decision: { rule: 'automation-paused' } },
    });
    expect(res.body.reason).toMatch(/paused by an operator for host:compute1: would evacuate/);
    expect((await controls.state()).pauses).toEqual([
      expect.objectContaining({ subject: 'host:compute1', by: { via: 'keystone', name: 'alice' } }),
    ]);
    expect(await w.incidents.auditEntries()).toContainEqual(
      expect.objectContaining({
        control: 'pause',
        subject: 'host:compute1',
        on: true,
        reason: 'pause of host:compute1 turned on by alice (keystone)',
      }),
    );
    expect(w.cloud.writes()).toEqual([]);
  });
});

describe('pause and maintenance of a host aggregate', () => {
  const rackA = (w: World) => w.cloud.nova.addAggregate({ name: 'rack-a', hosts: ['compute1'] });
  const by = { via: 'keystone', name: 'alice' };

  it('holds what would act on a host of a paused aggregate', async () => {
    const w = threeHosts();
    rackA(w);
    forcedDown(w, 'compute1');
    await new Controls(w.store, w.now).set('pause', true, by, 'aggregate:rack-a');
    const res = await invoke(w, classify, hostDown('compute1'));
    expect(res.body).toMatchObject({
      outcome: 'HELD_FOR_APPROVAL',
      details: { decision: { rule: 'automation-paused' } },
    });
    expect(res.body.reason).toMatch(/paused by an operator for aggregate:rack-a/);
    expect(w.cloud.writes()).toEqual([]);
  });

  it('ignores a host of an aggregate in maintenance, and judges the others', async () => {
    const w = threeHosts();
    rackA(w);
    forcedDown(w, 'compute1');
    await new Controls(w.store, w.now).set('maintenance', true, by, 'aggregate:rack-a');
    expect((await invoke(w, classify, hostDown('compute1'))).body).toMatchObject({ outcome: 'IGNORED' });
    w.cloud.nova.setService('compute1', { state: 'up', forced_down: false, updated_at: novaTime(w, 1) }); // back
    forcedDown(w, 'compute2');
    const other = await invoke(w, classify, hostDown('compute2'));
    expect(other.body).toMatchObject({ outcome: 'DISPATCHED', details: { decision: { rule: 'fenced-host-failure' } } });
  });
});
