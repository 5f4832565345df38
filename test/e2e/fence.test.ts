/**
 * stackmend fences a failed host itself through the lab's Ironic (fake hardware, one node per compute
 * host, test/lab/etc/ironic/ironic-lab.conf) when the policy names the driver: nova-compute of
 * compute1 killed and nobody reporting it → detect-hosts opens the incident, Ironic's node compute1 is
 * powered off and read back off, the compute service forced down and disabled, the pets ACTIVE on
 * compute2 — judged from Nova and Ironic. A driver Ironic refuses → nothing evacuated, the operator told.
 */
import axios from 'axios';
import { hostDownNotification } from '../../bench/scenario';
import type { IncidentRecord } from '../../core/domain/plan';
import { hostOf } from '../../core/openstack/nova';
import { bootServer, harness, lab, resetLab, settledStatus, waitIncident, type Harness } from './support';
import { waitSilent } from './trust-support';

const fencing = (node: string) => ({ policy: { fencing: { hosts: { compute1: { driver: 'ironic', node } } } } });
const report = (h: Harness) =>
  axios.post(h.rt.alarmUrl, hostDownNotification('compute1'), { validateStatus: () => true });
const service = async (h: Harness, host: string) => (await h.cloud.nova.listComputeServices(host))[0];

let h: Harness | undefined;
beforeAll(() => resetLab());
afterEach(async () => {
  await h?.close();
  h = undefined;
  resetLab(); // revives compute1, un-forces and re-enables it, powers the Ironic nodes on
});

describe('stackmend fences a failed host through Ironic', () => {
  it('evacuates nothing when Ironic refuses the power-off (the policy names a node Ironic does not have)', async () => {
    h = await harness(fencing('no-such-node'));
    const pet = await bootServer(h.cloud, 'e2e-fence-refused', 'compute1', { HA_Enabled: 'True' });
    lab(['kill-host', 'compute1'], { quiet: true });
    await waitSilent(h, 'compute1');
    const res = await report(h);
    expect(res.data).toMatchObject({ details: { decision: { rule: 'fence-then-evacuate' } } });
    const r = await waitIncident(h.rt, (x) => x.key === res.data.incident && x.status === 'held', 60);
    expect(r.timeline.at(-1)?.reason).toMatch(/ironic node no-such-node refused the power-off.*could not be found/);
    const told = await h.hooks.next((q) => q.path === '/chat' && q.json?.stackmend?.status === 'held', 30_000);
    expect(told.json.text).toMatch(/refused the power-off/);
    expect(hostOf(await h.cloud.nova.getServer(pet))).toBe('compute1');
    expect(await service(h, 'compute1')).toMatchObject({ forced_down: false, status: 'enabled' });
    expect((await h.cloud.ironic.getPowerStates('compute1')).power_state).toBe('power on');
  });

  it('detects compute1 silent with no report at all, powers it off, forces it down, and the pets are ACTIVE on compute2', async () => {
    h = await harness({ policy: { ...fencing('compute1').policy, detectHosts: { enabled: true, intervalSec: 5 } } });
    const pets = [
      await bootServer(h.cloud, 'e2e-fence-pet-1', 'compute1', { HA_Enabled: 'True' }),
      await bootServer(h.cloud, 'e2e-fence-pet-2', 'compute1', { HA_Enabled: 'True' }),
    ];
    const t0 = Date.now();
    lab(['kill-host', 'compute1'], { quiet: true }); // and nobody reports it
    const detected = (x: IncidentRecord) => x.key.startsWith('stackmend:host-down:compute1:');
    const r = await waitIncident(h.rt, (x) => detected(x) && settledStatus(x), 150);
    const seconds = (Date.now() - t0) / 1000;
    expect(r.status).toBe('resolved');
    expect(r.decision).toMatchObject({ rule: 'fence-then-evacuate' });
    expect((await h.cloud.ironic.getPowerStates('compute1')).power_state).toBe('power off');
    expect(await service(h, 'compute1')).toMatchObject({ forced_down: true, status: 'disabled' });
    for (const id of pets) {
      const s = await h.cloud.nova.getServer(id);
      expect(s.status).toBe('ACTIVE');
      expect(hostOf(s)).toBe('compute2');
    }
    expect(r.fence).toMatchObject({ source: 'stackmend-fence', by: 'stackmend via ironic node compute1' });
    expect(r.fencing).toMatchObject({ host: 'compute1', lastState: 'power off' });
    // the power-off was asked before anything was written to Nova
    const asked = r.timeline.findIndex((e) => /power-off asked of ironic node compute1/.test(e.reason));
    const isolated = r.timeline.findIndex((e) => /forced down compute1/.test(e.reason));
    expect(asked).toBeGreaterThan(0);
    expect(isolated).toBeGreaterThan(asked);
    expect((await h.rt.incidents.list()).filter(detected)).toHaveLength(1); // one outage, one incident
    process.stdout.write(
      `host death → detected, fenced through Ironic, all ACTIVE on compute2: ${seconds.toFixed(1)} s\n`,
    );
  });
});
