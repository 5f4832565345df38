/**
 * Trust before force on the real lab, judged from Nova's own records: a fencing claim about a live,
 * heartbeating host changes nothing (host-alive); the same claim from a sender the policy does not
 * name a trusted fencer, about a host really killed, is held; a Masakari PROCESS notification and
 * an Alertmanager alert with only a host label never evacuate.
 */
import axios from 'axios';
import { fencedNow, hostDownNotification } from '../../bench/scenario';
import { bootServer, harness, lab, resetLab, waitIncident, type Harness } from './support';
import { novaView, waitSilent } from './trust-support';
import { recordedEvent } from '../support/steps';

const TRUSTED = { policy: { trustedFencers: [{ via: 'basic', name: 'webhook' }] } };
const post = (h: Harness, body: unknown) => axios.post(h.rt.alarmUrl, body, { validateStatus: () => true });
/** Nova left as it was: not forced down, enabled, the pet where it was, never migrated. */
const untouched = { service: { forced_down: false, status: 'enabled' }, serverHost: 'compute1', migrations: 0 };

let trusted: Harness;
let plain: Harness;
let pet: string;
beforeAll(async () => {
  resetLab();
  [trusted, plain] = await Promise.all([harness(TRUSTED), harness()]);
  pet = await bootServer(trusted.cloud, 'e2e-trust-pet', 'compute1', { HA_Enabled: 'True' });
});
afterAll(async () => {
  await Promise.all([trusted?.close(), plain?.close()]);
  resetLab();
});

describe('trust before force', () => {
  it('changes nothing in Nova for a trusted fencing claim about a live, heartbeating host: host-alive', async () => {
    const before = await novaView(trusted, 'compute1', pet);
    const res = await post(trusted, hostDownNotification('compute1', fencedNow('e2e ipmi')));
    expect(res.status).toBeLessThan(300);
    const key = res.data.incident as string;
    const r = await waitIncident(
      trusted.rt,
      (x) => x.key === key && x.timeline.some((e) => e.outcome === 'HOST_ALIVE'),
    );
    expect(r.decision).toMatchObject({ rule: 'host-alive' });
    const told = await trusted.hooks.next((q) => q.path === '/chat' && /host-alive/.test(q.json?.text ?? ''), 30_000);
    expect(told.json.stackmend).toMatchObject({ rule: 'host-alive', subject: 'host compute1' });
    const after = await novaView(trusted, 'compute1', pet);
    expect(after).toMatchObject(untouched);
    expect(after.actions).toEqual(before.actions);
  });

  it('holds the same claim from a sender not trusted as a fencer, about a host really killed', async () => {
    lab(['kill-host', 'compute1'], { quiet: true });
    await waitSilent(plain, 'compute1');
    const before = await novaView(plain, 'compute1', pet);
    const res = await post(plain, hostDownNotification('compute1', fencedNow('e2e ipmi')));
    expect(res.data).toMatchObject({
      outcome: 'HELD_FOR_APPROVAL',
      details: { decision: { rule: 'no-fence-evidence' } },
      reason: expect.stringMatching(/not name a trusted fencer/),
    });
    const after = await novaView(plain, 'compute1', pet);
    expect(after).toMatchObject(untouched);
    expect(after.actions).toEqual(before.actions);
  });

  it('never evacuates on a Masakari PROCESS notification or an Alertmanager alert with only a host label', async () => {
    const process = recordedEvent('masakari/generated-process-nova-compute-stopped.json') as {
      notification: { generated_time: string };
    };
    process.notification.generated_time = new Date().toISOString().replace('Z', '');
    const alert = recordedEvent('alertmanager/HostDown-firing.json') as {
      alerts: { startsAt: string; fingerprint: string }[];
    };
    alert.alerts[0]!.startsAt = new Date().toISOString();
    alert.alerts[0]!.fingerprint = Date.now().toString(16).padStart(16, '0');
    for (const body of [process, alert]) {
      const res = await post(trusted, body);
      expect(res.data).toMatchObject({
        outcome: 'NOT_MANAGED',
        details: { decision: { rule: 'host-service-unwell' } },
      });
      await waitIncident(trusted.rt, (x) => x.key === res.data.incident && x.status === 'ignored'); // operator told
    }
    const after = await novaView(trusted, 'compute1', pet);
    expect(after).toMatchObject(untouched);
    expect(after.actions).toEqual(['create']);
  });
});
