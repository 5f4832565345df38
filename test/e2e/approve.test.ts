/**
 * `stackmend approve` on the real lab, refused four ways, each judged from Nova's own records: an
 * operator whose credentials Keystone refuses approves nothing, nor does a valid Keystone user without an
 * approver role (policy approverRoles, default admin); an approval used after it expired
 * is refused; an approval for a host whose nova-compute came back up is refused (host-alive).
 */
import axios from 'axios';
import { hostDownNotification } from '../../bench/scenario';
import { bootServer, CLOUD, harness, lab, resetLab, type Harness } from './support';
import { cli, novaView, waitSilent, wrongCredentials } from './trust-support';

let h: Harness;
let pet: string;
let key: string;
const untouched = { service: { forced_down: false, status: 'enabled' }, serverHost: 'compute1', migrations: 0 };
const approve = (args: string[], env?: NodeJS.ProcessEnv) =>
  cli(['approve', key, '--fenced-by', 'e2e operator', '--state', `file:${h.stateDir}`, ...args], env);

beforeAll(async () => {
  resetLab();
  h = await harness();
  pet = await bootServer(h.cloud, 'e2e-approve-pet', 'compute1', { HA_Enabled: 'True' });
  lab(['kill-host', 'compute1'], { quiet: true });
  await waitSilent(h, 'compute1');
  const res = await axios.post(h.rt.alarmUrl, hostDownNotification('compute1'));
  expect(res.data).toMatchObject({ outcome: 'HELD_FOR_APPROVAL' });
  key = res.data.incident;
});
afterAll(async () => {
  await h?.close();
  resetLab();
});

describe('stackmend approve refuses', () => {
  it('an operator whose credentials Keystone refuses: exit 2, nothing approved, nothing changed', async () => {
    const run = await approve(['--cloud', 'stackmend-wrong'], wrongCredentials());
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/Keystone refused the credentials of cloud "stackmend-wrong".*nothing approved/);
    expect((await h.rt.incidents.require(key)).approval).toBeUndefined();
    expect(await novaView(h, 'compute1', pet)).toMatchObject(untouched);
  });

  it('a valid Keystone user without an approver role: exit 2, nothing approved, nothing changed', async () => {
    const run = await approve(['--cloud', 'stackmend-lab-member']);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/holds none of the approver roles \(admin\).*nothing approved/);
    expect((await h.rt.incidents.require(key)).approval).toBeUndefined();
    expect(await novaView(h, 'compute1', pet)).toMatchObject(untouched);
  });

  it('an approval used after it expired: held, nothing changed', async () => {
    const stored = await approve(['--cloud', CLOUD, '--policy', '{"approvalTtlSec": 1}', '--no-evacuate']);
    expect(stored.status).toBe(0);
    expect((await h.rt.incidents.require(key)).approval).toMatchObject({
      approvedBy: { via: 'keystone', name: 'admin' },
      host: 'compute1',
    });
    await new Promise((r) => setTimeout(r, 1500));
    const res = await h.rt.whisk.invoke('stackmend/evacuate', { incident: key });
    expect(res.response.result).toMatchObject({
      body: { outcome: 'HELD_FOR_APPROVAL', reason: expect.stringMatching(/approval by admin expired/) },
    });
    expect(await novaView(h, 'compute1', pet)).toMatchObject(untouched);
  });

  it('an approval for a host that came back up: exit 3, host-alive, nothing changed', async () => {
    lab(['revive-host', 'compute1'], { quiet: true });
    const run = await approve(['--cloud', CLOUD]);
    expect(run.status).toBe(3);
    expect(JSON.parse(run.stdout)).toMatchObject({ outcome: 'HOST_ALIVE' });
    expect(await novaView(h, 'compute1', pet)).toMatchObject(untouched);
  });
});
