/**
 * Host failure on the real lab: kill the nova-compute of the host that runs a pet server and
 * wait until Nova's record shows it silent. Without fence evidence nothing is evacuated and the
 * operator is told why; with an operator's approval (`stackmend approve`) the pet is evacuated and
 * ACTIVE on the other host; without a healthy host with room the evacuation is held; a host an
 * external fencing agent forced down in Nova is evacuated at once.
 */
import { fencedNow, fenceInNova, hostDownNotification, type Fenced } from '../../bench/scenario';
import { hostOf } from '../../core/openstack/nova';
import {
  bootServer,
  CLOUD,
  computeService,
  harness,
  lab,
  postAlarm,
  resetLab,
  settledStatus,
  waitFor,
  waitIncident,
  type Harness,
} from './support';
import { cli, waitSilent } from './trust-support';

const hostDown = (host: string, fenced?: Fenced) => hostDownNotification(host, fenced);

const post = postAlarm;
const service = computeService;

let h: Harness;
beforeAll(async () => {
  resetLab();
  h = await harness();
});
afterAll(async () => {
  await h?.close();
  resetLab(); // revives both computes, un-forces and re-enables them for the next test file
});

describe('evacuating the pets of a failed host', () => {
  let pet: string;
  let heldKey: string;

  it('holds a host failure reported without fence evidence: nothing is evacuated, the operator is told why', async () => {
    pet = await bootServer(h.cloud, 'e2e-pet-db', 'compute1', { HA_Enabled: 'True' });
    const bystander = await bootServer(h.cloud, 'e2e-bystander', 'compute1');
    lab(['kill-host', 'compute1'], { quiet: true });
    await waitSilent(h, 'compute1'); // a host heard from moments ago is alive, not failed
    const res = await post(h, hostDown('compute1'));
    expect(res.status).toBe(202);
    expect(res.data).toMatchObject({
      outcome: 'HELD_FOR_APPROVAL',
      reason: expect.stringMatching(/nothing asserts it is powered off or isolated/),
    });
    heldKey = res.data.incident;
    const told = await h.hooks.next((r) => r.path === '/chat' && r.json?.stackmend?.status === 'held', 30_000);
    expect(told.json.text).toMatch(/powered off or isolated/);
    expect(hostOf(await h.cloud.nova.getServer(pet))).toBe('compute1');
    expect(await service(h, 'compute1')).toMatchObject({ forced_down: false, status: 'enabled' });
    expect((await h.cloud.nova.getServer(bystander)).status).toBe('ACTIVE');
  });

  it('evacuates the pet to compute2 once an operator approves with stackmend approve, and leaves the rest alone', async () => {
    const approved = await cli([
      'approve',
      heldKey,
      '--fenced-by',
      'e2e operator',
      '--method',
      'power-off',
      '--cloud',
      CLOUD,
      '--state',
      `file:${h.stateDir}`,
    ]);
    expect(approved.status).toBe(0);
    const r = await waitIncident(h.rt, (x) => x.key === heldKey && settledStatus(x), 90);
    expect(r.status).toBe('resolved');
    const moved = await h.cloud.nova.getServer(pet);
    expect(moved).toMatchObject({ status: 'ACTIVE' });
    expect(hostOf(moved)).toBe('compute2');
    expect(await service(h, 'compute1')).toMatchObject({ forced_down: true, status: 'disabled' });
    expect(r.timeline.map((e) => e.outcome)).toEqual(
      expect.arrayContaining(['HELD_FOR_APPROVAL', 'APPROVED', 'DISPATCHED', 'RESOLVED']),
    );
    expect(r.fence).toMatchObject({ source: 'operator-approval', by: 'e2e operator', vouchedBy: 'operator admin' });
  });

  it('holds when no healthy enabled host can receive the servers (compute1 is down too)', async () => {
    const pet2 = await bootServer(h.cloud, 'e2e-pet-2', 'compute2', { HA_Enabled: 'True' });
    lab(['kill-host', 'compute2'], { quiet: true });
    await waitSilent(h, 'compute2');
    // the monitor's claim is believed: this runtime names the webhook credential a trusted fencer. With
    // compute1 and compute2 down, 2 of the lab's 3 hosts have failed: the blast radius (default 50 %) would
    // hold first (test/e2e/blast.test.ts pins that); lifted here, so that the capacity check is what answers
    const trusted = await harness({
      policy: { trustedFencers: [{ via: 'basic', name: 'webhook' }], blastRadius: { cloud: '100%' } },
    });
    const res = await post(trusted, hostDown('compute2', fencedNow('e2e ipmi'))).finally(() => trusted.close());
    expect(res.data).toMatchObject({
      outcome: 'HELD_FOR_APPROVAL',
      details: { decision: { rule: 'no-spare-capacity' } },
    });
    expect(hostOf(await h.cloud.nova.getServer(pet2))).toBe('compute2');
    expect(await service(h, 'compute2')).toMatchObject({ forced_down: false });
  });

  it('evacuates at once a dead host that an external fencing agent forced down in Nova', async () => {
    await h.close();
    resetLab(); // both computes back, un-forced and enabled
    h = await harness();
    const pet3 = await bootServer(h.cloud, 'e2e-pet-3', 'compute1', { HA_Enabled: 'True' });
    lab(['kill-host', 'compute1'], { quiet: true });
    // what Pacemaker's fence_compute does after powering the host off: PUT os-services forced_down
    await fenceInNova(h.cloud, 'compute1');
    const t0 = Date.now();
    const res = await post(h, hostDown('compute1'));
    expect(res.data).toMatchObject({ outcome: 'DISPATCHED', details: { decision: { verdict: 'evacuate' } } });
    await waitFor(
      'pet ACTIVE on compute2',
      async () => {
        const s = await h.cloud.nova.getServer(pet3);
        return s.status === 'ACTIVE' && hostOf(s) === 'compute2';
      },
      90,
      250,
    );
    const r = await waitIncident(h.rt, (x) => x.key === res.data.incident && settledStatus(x), 60);
    expect(r.status).toBe('resolved');
    expect(Date.now() - t0).toBeGreaterThan(0);
  });
});
