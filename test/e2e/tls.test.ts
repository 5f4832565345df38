/**
 * Keystone behind a private CA, end to end on the real lab: a TLS-terminating proxy
 * (test/support/tls-proxy.ts, a CA and a certificate for 127.0.0.1 made by openssl for this run)
 * in front of the lab's Keystone at http://127.0.0.1:5000. The functions get `os_auth` with
 * auth_url = the https proxy and `cacert` = the private CA; a real Nova DELETE of a ResourceGroup
 * member is healed through it. Only Keystone is behind TLS: the catalog's other endpoints (Nova,
 * Heat, Aodh, …) stay the lab's plain http ones, so this proves the trust of the identity call
 * (every step's first call); test/unit/openstack/tls.test.ts shows the same agent on a catalog
 * endpoint served over https.
 * Without the CA the step fails with the named TLS error, sends nothing past the handshake, and
 * nothing in the cloud changes.
 */
import axios from 'axios';
import { arm } from '../../triggers/arm';
import { labCloud } from '../support/lab';
import { startTlsProxy, type TlsProxy } from '../support/tls-proxy';
import {
  aodhCacheWait,
  cloud,
  createGroup,
  harness,
  resetLab,
  settledStatus,
  waitIncident,
  type Harness,
  keystoneAlarmUrl,
} from './support';

const KEYSTONE = 'http://127.0.0.1:5000';
let proxy: TlsProxy;
let h: Harness;
beforeAll(async () => {
  resetLab();
  proxy = await startTlsProxy(KEYSTONE);
});
afterAll(async () => {
  await h?.close();
  await proxy?.close();
});

/** The lab's admin entry, its auth_url moved to the https proxy. */
const behindProxy = (tls: Record<string, unknown>) => {
  const lab = labCloud('stackmend-lab');
  return {
    cloud: undefined,
    os_auth: {
      auth: { ...lab.auth, auth_url: `${proxy.url}/v3` },
      region_name: lab.region_name,
      interface: lab.interface,
      ...tls,
    },
  };
};

const direct = cloud(); // the lab's own entry, plain http: the test's view of the cloud
const serverStates = async () =>
  (await direct.nova.listServers({ allTenants: true })).map((s) => `${s.id}:${s.status}`).sort();

describe('a cloud whose Keystone is served over HTTPS with a private CA', () => {
  it('classify-alarm heals a deleted group member, trusting Keystone through cacert', async () => {
    h = await harness(behindProxy({ cacert: proxy.caPath }));
    const stack = await createGroup(h.cloud, 'e2e-tls');
    await arm(h.cloud, h.rt.store, stack, { via: 'http', url: keystoneAlarmUrl(h) });
    const before = await h.cloud.heat.listServers(stack);
    const victim = before.find((s) => s.resourceName === '2')!;
    proxy.forwarded.length = 0;
    await aodhCacheWait();
    await h.cloud.nova.deleteServer(victim.serverId);
    const incident = await waitIncident(
      h.rt,
      (r) =>
        r.incident.subject.type === 'server' && r.incident.subject.serverId === victim.serverId && settledStatus(r),
    );
    expect(incident).toMatchObject({
      status: 'resolved',
      decision: { verdict: 'replace', rule: 'cattle-in-heat-stack' },
      incident: { source: 'aodh', kind: 'server-deleted' },
    });
    const after = await h.cloud.heat.listServers(stack);
    expect(after.filter((a) => !before.some((b) => b.serverId === a.serverId)).map((s) => s.resourceName)).toEqual([
      '2',
    ]);
    const replacement = after.find((s) => s.resourceName === '2')!;
    expect((await h.cloud.nova.getServer(replacement.serverId)).status).toBe('ACTIVE');
    // the functions' tokens came through the TLS proxy (the test's own client talks plain http)
    expect(proxy.forwarded).toContainEqual({ method: 'POST', path: '/v3/auth/tokens' });
  });

  it('without the CA the step fails with the TLS error, nothing passes the handshake, nothing changes', async () => {
    const bad = await harness(behindProxy({}));
    try {
      const servers = await serverStates();
      proxy.forwarded.length = 0;
      const alarm = { ...(await import('../events/aodh/event-webhook-2.json')).default };
      const res = await axios.post(bad.rt.alarmUrl, alarm, { validateStatus: () => true });
      expect(res.status).toBe(503);
      expect(res.data).toMatchObject({
        error: 'OpenStackTlsError',
        message: expect.stringMatching(
          /^keystone at https:\/\/127\.0\.0\.1:\d+\/v3\/auth\/tokens: TLS handshake failed \(UNABLE_TO_VERIFY_LEAF_SIGNATURE/,
        ),
      });
      expect(res.data.message).toMatch(/cacert/);
      expect(proxy.forwarded).toEqual([]);
      expect(await serverStates()).toEqual(servers);
    } finally {
      await bad.close();
    }
  });
});
