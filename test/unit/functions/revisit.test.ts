/**
 * Incidents follow the world (functions/classify-alarm/revisit.ts, core/policy/revisit.ts), on the
 * in-memory cloud: a host reported down without fence evidence is held (the recorded COMPUTE_HOST
 * notification, test/events/masakari/run1-compute-host.json, about compute2); while held it is
 * decided again every policy.heldRecheckSec. compute2 runs a pet and member "0" of the Heat group
 * "web", whose deletion Aodh reports (test/events/aodh/event-webhook.json, host trait compute2).
 */
import { newApproval } from '../../../core/domain/approval';
import { step as classify } from '../../../functions/classify-alarm';
import { due, invoke, reconcile, record, recordedEvent, world, type World } from '../../support/steps';

const HELD_RECHECK_MS = 30_000; // the default policy's heldRecheckSec
/** The member the recorded Aodh alarm reports deleted. */
const DELETED = '3bd67d07-7f0a-477c-a869-964e212f5c8d';

const novaTime = (w: World, secondsAgo: number) =>
  new Date(w.now() - secondsAgo * 1000).toISOString().replace('Z', '000');

/** The recorded host monitor notification, about compute2, `n` seconds after its own time (a new alarm each). */
const hostDown = (n = 0) => {
  const body = recordedEvent('masakari/run1-compute-host.json') as {
    notification: { hostname: string; generated_time: string };
  };
  body.notification.hostname = 'compute2';
  body.notification.generated_time = new Date(Date.parse('2026-11-23T01:54:56.603Z') + n * 1000)
    .toISOString()
    .replace('Z', '');
  return body;
};

/** compute2 silent for a minute (down by Nova's record, nothing fences it), a pet and a group member on it. */
function silentCompute2(config: Record<string, unknown> = {}): World {
  const w = world({ config });
  w.cloud.nova.addServer({ id: 'pet-2', name: 'pet-2', host: 'compute2', metadata: { HA_Enabled: 'True' } });
  w.cloud.nova.addServer({ id: 'web-1', name: 'web-1', host: 'compute1' });
  w.cloud.heat.addGroup(w.cloud.heat.addStack('web'), 'group', [DELETED, 'web-1']);
  w.cloud.nova.setService('compute2', { updated_at: novaTime(w, 60) });
  return w;
}

async function held(w: World): Promise<string> {
  const res = await invoke(w, classify, hostDown());
  expect(res.body).toMatchObject({
    outcome: 'HELD_FOR_APPROVAL',
    details: { decision: { rule: 'no-fence-evidence' } },
  });
  const key = res.body.incident as string;
  expect(await w.store.pending('classify-alarm')).toEqual([
    expect.objectContaining({ id: key, dueAt: w.now() + HELD_RECHECK_MS }),
  ]);
  await w.store.ack('notify', key, (await w.store.lease('notify', w.now(), { leaseMs: 1000 }))[0].token); // told
  return key;
}

describe('a held host incident follows the world', () => {
  it('ends recovered once the host reports again: host and breaker slot released, operator told, nothing written', async () => {
    const w = silentCompute2();
    const key = await held(w);
    expect(await w.incidents.openCount()).toBe(1);
    w.advance(HELD_RECHECK_MS);
    w.cloud.nova.setService('compute2', { updated_at: novaTime(w, 2) }); // nova-compute heartbeats again
    const res = await reconcile(w, classify);
    expect(res.body.results).toEqual([expect.objectContaining({ outcome: 'RECOVERED', incident: key })]);
    expect(await record(w, key)).toMatchObject({ status: 'recovered' });
    expect(await w.incidents.openCount()).toBe(0);
    expect(await w.incidents.openHostIncident('compute2')).toBeUndefined();
    expect(await due(w, 'notify')).toEqual([key]);
    expect(await due(w, 'classify-alarm')).toEqual([]);
    expect(w.cloud.writes()).toEqual([]);
    // the next failure of that host is an incident of its own, not grouped into the old one
    w.cloud.nova.setService('compute2', { updated_at: novaTime(w, 60), forced_down: true, state: 'down' });
    const next = await invoke(w, classify, hostDown(120));
    expect(next.body).toMatchObject({ outcome: 'DISPATCHED', details: { decision: { verdict: 'evacuate' } } });
    expect(next.body.incident).not.toBe(key);
  });

  it('is decided again and evacuated when a fencing agent forces the host down in Nova', async () => {
    const w = silentCompute2();
    const key = await held(w);
    w.advance(HELD_RECHECK_MS);
    w.cloud.nova.setService('compute2', { forced_down: true, state: 'down' }); // fence_compute after power-off
    const res = await reconcile(w, classify);
    expect(res.body.results).toEqual([expect.objectContaining({ outcome: 'DISPATCHED', incident: key })]);
    expect(await record(w, key)).toMatchObject({
      status: 'acting',
      decision: { verdict: 'evacuate', rule: 'fenced-host-failure' },
      fence: { source: 'nova-forced-down', vouchedBy: 'nova' },
      plan: { action: 'evacuate', host: 'compute2', servers: [expect.objectContaining({ serverId: 'pet-2' })] },
    });
    expect(await due(w, 'evacuate')).toEqual([key]);
    expect(await due(w, 'classify-alarm')).toEqual([]);
    expect(w.cloud.writes()).toEqual([]); // classify-alarm only decides; evacuate writes
  });

  it('stays held, records nothing and pages nobody again while nothing changed, and is looked at again later', async () => {
    const w = silentCompute2();
    const key = await held(w);
    const before = (await record(w, key)).timeline.length;
    for (let i = 1; i <= 3; i++) {
      w.advance(HELD_RECHECK_MS);
      const res = await reconcile(w, classify);
      expect(res.body.results).toEqual([expect.objectContaining({ outcome: 'HELD_FOR_APPROVAL', incident: key })]);
    }
    expect((await record(w, key)).timeline).toHaveLength(before);
    expect(await due(w, 'notify')).toEqual([]);
    expect(await w.store.pending('classify-alarm')).toEqual([
      expect.objectContaining({ id: key, dueAt: w.now() + HELD_RECHECK_MS }),
    ]);
  });

  it('keeps a circuit-breaker hold for a human even when evidence appears; ends it when the host reports again', async () => {
    const w = silentCompute2({ policy: { maxOpenIncidents: 1 } });
    await invoke(w, classify, recordedEvent('aodh/event-webhook.json')); // a replace in progress: one open
    const res = await invoke(w, classify, hostDown());
    expect(res.body).toMatchObject({ details: { decision: { rule: 'circuit-breaker' } } });
    const key = res.body.incident as string;
    w.advance(HELD_RECHECK_MS);
    w.cloud.nova.setService('compute2', { forced_down: true, state: 'down' });
    expect((await reconcile(w, classify)).body.results).toEqual([
      expect.objectContaining({ outcome: 'HELD_FOR_APPROVAL', incident: key }),
    ]);
    expect(await due(w, 'evacuate')).toEqual([]);
    w.advance(HELD_RECHECK_MS);
    w.cloud.nova.setService('compute2', { forced_down: false, state: 'up', updated_at: novaTime(w, 1) });
    expect((await reconcile(w, classify)).body.results).toEqual([
      expect.objectContaining({ outcome: 'RECOVERED', incident: key }),
    ]);
  });

  it('leaves an incident an operator approved to evacuate', async () => {
    const w = silentCompute2();
    const key = await held(w);
    const approvedBy = { via: 'keystone', name: 'operator admin', roles: ['admin'] };
    const approval = newApproval(
      { incident: key, host: 'compute2', fencedBy: 'alice', method: 'power-off', approvedBy },
      w.now(),
      900,
    );
    await w.incidents.patch(key, () => ({ approval }));
    w.advance(HELD_RECHECK_MS);
    expect((await reconcile(w, classify)).body.results).toEqual([
      expect.objectContaining({ outcome: 'IGNORED', reason: expect.stringMatching(/approved by operator admin/) }),
    ]);
    expect(await due(w, 'classify-alarm')).toEqual([]);
  });
});

describe('a server alarm on a host whose incident is held', () => {
  it('is decided on its own: the Heat member is replaced, not grouped into the held incident', async () => {
    const w = silentCompute2();
    const hostKey = await held(w);
    const res = await invoke(w, classify, recordedEvent('aodh/event-webhook.json'));
    expect(res.body).toMatchObject({ outcome: 'DISPATCHED', details: { decision: { verdict: 'replace' } } });
    expect(res.body.incident).not.toBe(hostKey);
    expect(await due(w, 'mark-unhealthy')).toEqual([res.body.incident]);
  });

  it('is grouped into the host incident once that incident is evacuating the host', async () => {
    const w = silentCompute2();
    const hostKey = await held(w);
    w.advance(HELD_RECHECK_MS);
    w.cloud.nova.setService('compute2', { forced_down: true, state: 'down' });
    await reconcile(w, classify);
    const res = await invoke(w, classify, recordedEvent('aodh/event-webhook.json'));
    expect(res.body).toMatchObject({ outcome: 'GROUPED', incident: hostKey });
  });
});
