/**
 * evacuate on the in-memory cloud. Its input is the incident record classify-alarm writes for a
 * failed host: here the recorded host monitor notification (test/events/masakari/run1-compute-host.json)
 * for compute1, whose compute service an operator has forced down in Nova, planned as an
 * evacuation of its three pets (HA_Enabled=True) with that fence evidence.
 */
import { newApproval } from '../../../core/domain/approval';
import { ServiceUnavailableError } from '../../../core/openstack/errors';
import { step as evacuate } from '../../../functions/evacuate';
import { due, forcedDownEvacuation, invoke, novaTime, reconcile, record, world, type World } from '../../support/steps';

const PETS = ['pet-1', 'pet-2', 'pet-3'];
const RECHECK_MS = 2000; // the default policy's recheckAfterSec

async function failedHost(): Promise<{ w: World; incident: string }> {
  const w = world();
  const incident = await forcedDownEvacuation(w, PETS);
  expect(await due(w, 'evacuate')).toEqual([incident]);
  return { w, incident };
}

const evacuated = (w: World) => w.cloud.callsTo('nova.evacuate').map((c) => c.args[0]);

describe('evacuate', () => {
  it('disables the forced-down host before evacuating, then confirms every pet ACTIVE on compute2', async () => {
    const { w, incident } = await failedHost();
    const first = await reconcile(w, evacuate);
    expect(first.body.results).toEqual([expect.objectContaining({ outcome: 'RESCHEDULED', incident })]);
    expect(w.cloud.writes().map((c) => c.method)).toEqual([
      'nova.disableService',
      ...PETS.map(() => 'nova.lock'), // locked with a reason while they move
      ...PETS.map(() => 'nova.evacuate'),
    ]);
    expect(w.cloud.nova.service('compute1')).toMatchObject({ forced_down: true, state: 'down', status: 'disabled' });
    expect(evacuated(w).sort()).toEqual(PETS);

    w.cloud.tick();
    w.advance(RECHECK_MS);
    const done = await reconcile(w, evacuate);
    expect(done.body.results).toEqual([expect.objectContaining({ outcome: 'RESOLVED', incident })]);
    for (const id of PETS) expect(w.cloud.nova.server(id)).toMatchObject({ status: 'ACTIVE' });
    expect(
      w.cloud.nova
        .serversOn('compute2')
        .map((s) => s.id)
        .sort(),
    ).toEqual(PETS);
    expect(evacuated(w)).toHaveLength(3); // confirming asks Nova, it does not evacuate again
    expect(w.cloud.callsTo('nova.unlock').map((c) => c.args[0])).toEqual(PETS); // landed: stackmend's lock is off
    for (const id of PETS) expect(w.cloud.nova.server(id)).toMatchObject({ locked: false });
    expect(await due(w, 'notify')).toEqual([incident]);
  });

  it('resumes a partial evacuation: only the servers not yet requested are evacuated', async () => {
    const { w, incident } = await failedHost();
    // What an earlier run left when it stopped after its first request: the host disabled,
    // pet-1's evacuation accepted by Nova and recorded, the others not yet asked for.
    const svc = w.cloud.nova.service('compute1')!;
    await w.cloud.nova.disableService(svc.id, `stackmend: host failure (incident ${incident})`);
    await w.cloud.nova.evacuate('pet-1');
    await w.incidents.patch(incident, (r) => ({
      status: 'acting',
      fence: r.fence,
      progress: { 'host:compute1': 'confirmed', 'pet-1': 'requested' },
    }));

    const res = await reconcile(w, evacuate);
    expect(res.body.results).toEqual([expect.objectContaining({ outcome: 'RESCHEDULED' })]);
    expect(evacuated(w)).toEqual(['pet-1', 'pet-2', 'pet-3']); // pet-1 by the earlier run, once
    expect(w.cloud.callsTo('nova.disableService')).toHaveLength(1);
    expect((await record(w, incident)).progress).toMatchObject({ 'pet-2': 'requested', 'pet-3': 'requested' });

    w.cloud.tick();
    w.advance(RECHECK_MS);
    expect((await reconcile(w, evacuate)).body.results).toEqual([expect.objectContaining({ outcome: 'RESOLVED' })]);
    expect((await record(w, incident)).progress).toMatchObject({
      'pet-1': 'confirmed',
      'pet-2': 'confirmed',
      'pet-3': 'confirmed',
    });
  });

  it('says clearly that the host has no nova-compute service, and changes nothing', async () => {
    const { w, incident } = await failedHost();
    w.cloud.nova.removeService('compute1'); // the service record was deleted after the alarm
    const res = await invoke(w, evacuate, { incident });
    expect(res.statusCode).toBeGreaterThanOrEqual(400);
    expect(JSON.stringify(res.body)).toMatch(/no nova-compute service on host compute1/);
    expect(w.cloud.writes()).toEqual([]);
    expect((await record(w, incident)).status).toBe('acting');
  });

  it('evacuates nothing while the host could not be disabled, and retries on a later reconcile', async () => {
    const { w, incident } = await failedHost();
    const url = 'http://127.0.0.1:8774/v2.1/os-services/4001e822-7ca3-4a18-bb4d-7bd39e1bd030';
    w.cloud.failNext(
      'nova.disableService',
      1,
      new ServiceUnavailableError({ service: 'nova', status: 503, method: 'PUT', url }),
    );
    const res = await reconcile(w, evacuate);
    expect(res.body.results).toEqual([expect.objectContaining({ outcome: 'RESCHEDULED', incident })]);
    expect(w.cloud.callsTo('nova.evacuate')).toEqual([]);
    expect((await record(w, incident)).progress).toEqual({});
    w.advance(5000);
    await reconcile(w, evacuate);
    expect(evacuated(w).sort()).toEqual(PETS);
  });

  it('Nova refuses to evacuate while the source compute service is up (the fake keeps that rule)', async () => {
    const w = world();
    w.cloud.nova.addServer({ id: 'pet-1', name: 'pet-1', host: 'compute1', metadata: { HA_Enabled: 'True' } });
    await expect(w.cloud.nova.evacuate('pet-1')).rejects.toMatchObject({
      name: 'SourceHostStillUpError',
      serviceMessage: 'Compute service of compute1 is still in use.',
    });
    expect(w.cloud.nova.server('pet-1')).toMatchObject({ status: 'ACTIVE', 'OS-EXT-SRV-ATTR:host': 'compute1' });
  });
});

describe('evacuate checks the host in Nova again before it writes', () => {
  const approve = (w: World, incident: string, ttlSec = 900) =>
    w.incidents.record(
      incident,
      { step: 'evacuate', outcome: 'APPROVED', reason: 'approved by the operator alice' },
      () => ({
        approval: newApproval(
          {
            incident,
            host: 'compute1',
            approvedBy: { via: 'keystone', name: 'alice', roles: ['admin'] },
            fencedBy: 'alice',
            method: 'power-off',
          },
          w.now(),
          ttlSec,
        ),
      }),
    );
  /** The incident held for a human (no fence evidence), as classify-alarm leaves it. */
  const held = async (w: World, incident: string) =>
    w.incidents.patch(incident, () => ({
      status: 'held',
      fence: undefined,
      decision: { verdict: 'hold', rule: 'no-fence-evidence', reason: 'nothing asserts compute1 is fenced' },
    }));

  it('writes nothing to Nova and tells the operator host-alive while compute1 is up and heartbeating', async () => {
    const { w, incident } = await failedHost();
    w.cloud.nova.setService('compute1', { forced_down: false, state: 'up', updated_at: novaTime(w, 3) });
    const res = await invoke(w, evacuate, { incident });
    expect(res.body.results).toEqual([expect.objectContaining({ outcome: 'HOST_ALIVE', incident })]);
    expect(res.body.reason).toMatch(/compute1 up.*alive, nothing written to Nova/);
    expect(w.cloud.writes()).toEqual([]);
    expect(await due(w, 'notify')).toEqual([incident]);
    expect((await record(w, incident)).timeline.map((e) => e.outcome)).toEqual(['DISPATCHED', 'HOST_ALIVE']);
  });

  it('holds a silent host that nobody has fenced: nothing forced down, disabled or evacuated', async () => {
    const { w, incident } = await failedHost();
    w.cloud.nova.setService('compute1', { forced_down: false, state: 'up', updated_at: novaTime(w, 60) });
    const res = await invoke(w, evacuate, { incident });
    expect(res.body.results).toEqual([expect.objectContaining({ outcome: 'HELD_FOR_APPROVAL' })]);
    expect(res.body.reason).toMatch(/nothing asserts it is powered off or isolated.*stackmend approve/);
    expect(w.cloud.writes()).toEqual([]);
    expect((await record(w, incident)).status).toBe('held');
  });

  it('evacuates a held incident on a valid approval, and records who vouched for the evidence', async () => {
    const { w, incident } = await failedHost();
    w.cloud.nova.setService('compute1', { forced_down: false, state: 'up', updated_at: novaTime(w, 60) });
    await held(w, incident);
    await approve(w, incident);
    await invoke(w, evacuate, { incident });
    expect(w.cloud.writes().map((c) => c.method)).toEqual([
      'nova.forceDown',
      'nova.disableService',
      ...PETS.map(() => 'nova.lock'),
      ...PETS.map(() => 'nova.evacuate'),
    ]);
    const r = await record(w, incident);
    expect(r.fence).toMatchObject({ source: 'operator-approval', by: 'alice', vouchedBy: 'operator alice' });
    expect(r.timeline.find((e) => e.reason.startsWith('host check'))?.reason).toMatch(
      /source operator-approval, vouched for by operator alice/,
    );
    expect((await w.incidents.auditLog()).some((e) => /vouched for by operator alice/.test(e.reason))).toBe(true);
  });

  it('does not evacuate a held incident on Nova forced_down alone: a human was asked', async () => {
    const { w, incident } = await failedHost();
    await held(w, incident);
    const res = await invoke(w, evacuate, { incident });
    expect(res.body.reason).toMatch(/held for a human \(rule no-fence-evidence\): no operator has approved it/);
    expect(w.cloud.writes()).toEqual([]);
  });

  it('refuses an expired approval: held, nothing written', async () => {
    const { w, incident } = await failedHost();
    w.cloud.nova.setService('compute1', { forced_down: false, state: 'up', updated_at: novaTime(w, 60) });
    await held(w, incident);
    await approve(w, incident, 60);
    w.advance(61_000);
    const res = await invoke(w, evacuate, { incident });
    expect(res.body.results).toEqual([expect.objectContaining({ outcome: 'HELD_FOR_APPROVAL' })]);
    expect(res.body.reason).toMatch(/approval by alice expired/);
    expect(w.cloud.writes()).toEqual([]);
  });

  it('refuses an approval for a host that came back up: host-alive, nothing written', async () => {
    const { w, incident } = await failedHost();
    w.cloud.nova.setService('compute1', { forced_down: false, state: 'up', updated_at: novaTime(w, 60) });
    await held(w, incident);
    await approve(w, incident);
    w.cloud.nova.setService('compute1', { updated_at: novaTime(w, 1) }); // nova-compute reports again
    const res = await invoke(w, evacuate, { incident });
    expect(res.body.results).toEqual([expect.objectContaining({ outcome: 'HOST_ALIVE' })]);
    expect(w.cloud.writes()).toEqual([]);
  });

  it('answers a dry run without writing the cloud or the incident record', async () => {
    const { w, incident } = await failedHost();
    w.cloud.nova.setService('compute1', { forced_down: false, state: 'up', updated_at: novaTime(w, 3) });
    const before = await record(w, incident);
    const res = await invoke(w, evacuate, { incident, dry_run: true });
    expect(res.body.results).toEqual([expect.objectContaining({ outcome: 'DRY_RUN' })]);
    expect(w.cloud.writes()).toEqual([]);
    expect(await record(w, incident)).toEqual(before);
  });
});
