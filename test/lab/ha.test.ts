/**
 * Masakari (the reference instance-HA service) with the lab's two computes, a real host failure
 * (`kill-host`), `revive-host`, and `reset` bringing the cloud back: computes up, un-forced,
 * enabled, Masakari hosts out of maintenance, every server/stack/alarm/queue gone.
 */
import { type LabSession, lab, labLogin, labReset, labSettings, waitFor } from '../support/lab';

const NOVA = { 'OpenStack-API-Version': 'compute 2.74' };
let admin: LabSession;

const computes = async (): Promise<Record<string, any>> =>
  Object.fromEntries(
    (await admin.call('compute', 'GET', '/os-services?binary=nova-compute', { headers: NOVA })).body.services.map(
      (s: any) => [s.host, s],
    ),
  );

beforeAll(async () => {
  labReset();
  admin = await labLogin('stackmend-lab');
});
afterAll(() => {
  labReset();
});

describe('Masakari', () => {
  it('has segment lab-seg (auto recovery, COMPUTE) with compute1, compute2 and compute3 reserved, out of maintenance', async () => {
    const segs = (await admin.call('instance-ha', 'GET', '/segments')).body.segments;
    const seg = segs.find((x: any) => x.name === 'lab-seg');
    expect(seg).toMatchObject({ recovery_method: 'auto', service_type: 'COMPUTE' });
    const hosts = (await admin.call('instance-ha', 'GET', `/segments/${seg.uuid}/hosts`)).body.hosts;
    expect(hosts.map((h: any) => [h.name, h.type, h.on_maintenance, h.reserved]).sort()).toEqual([
      ['compute1', 'COMPUTE', false, false],
      ['compute2', 'COMPUTE', false, false],
      ['compute3', 'COMPUTE', false, true],
    ]);
    expect(Number(labSettings().MASAKARI_WAIT_PERIOD_AFTER_SERVICE_UPDATE)).toBeGreaterThan(0);
  });

  it('evacuates an HA_Enabled server from a killed, fenced host; reset then restores the computes', async () => {
    const img = await admin.call('image', 'GET', '/v2/images?name=fake-img');
    const created = await admin.call('compute', 'POST', '/servers', {
      headers: NOVA,
      body: {
        server: {
          name: 'lab-ha',
          imageRef: img.body.images[0].id,
          flavorRef: '1',
          networks: 'none',
          availability_zone: 'nova:compute2',
          metadata: { HA_Enabled: 'True' },
        },
      },
    });
    const id = created.body.server.id;
    await waitFor(
      async () => (await admin.call('compute', 'GET', `/servers/${id}`)).body.server.status === 'ACTIVE',
      'ACTIVE',
    );

    // the host dies; an operator (or stackmend) fences it in Nova; Masakari is told
    const killed = lab('kill-host', 'compute2');
    expect(killed.status).toBe(0);
    expect(lab('status').stdout).toMatch(/^nova-compute2\s+-\s+-\s+DOWN \(kill-host\)/m);
    const svc = (await computes()).compute2;
    const fenced = await admin.call('compute', 'PUT', `/os-services/${svc.id}`, {
      headers: NOVA,
      body: { forced_down: true },
    });
    expect(fenced.status).toBe(200);
    const notified = await admin.call('instance-ha', 'POST', '/notifications', {
      body: {
        notification: {
          type: 'COMPUTE_HOST',
          hostname: 'compute2',
          generated_time: new Date().toISOString(),
          payload: { event: 'STOPPED', host_status: 'NORMAL', cluster_status: 'OFFLINE' },
        },
      },
    });
    expect(notified.status).toBe(202);
    const nid = notified.body.notification.notification_uuid;
    const moved = await waitFor(
      async () => {
        const s = (await admin.call('compute', 'GET', `/servers/${id}`, { headers: NOVA })).body.server;
        return s.status === 'ACTIVE' && s['OS-EXT-SRV-ATTR:host'] === 'compute1' && !s['OS-EXT-STS:task_state'] && s;
      },
      'server evacuated to compute1',
      { timeoutMs: 90_000, intervalMs: 500 },
    );
    expect(moved.id).toBe(id);
    await waitFor(
      async () =>
        (await admin.call('instance-ha', 'GET', `/notifications/${nid}`)).body.notification.status === 'finished',
      'notification finished',
      { timeoutMs: 30_000 },
    );
    const after = await computes();
    expect(after.compute2).toMatchObject({ status: 'disabled', forced_down: true, state: 'down' });

    // reset: compute2 restarted, un-forced once its evacuation is cleaned up, re-enabled; all gone
    const t0 = Date.now();
    labReset();
    const resetMs = Date.now() - t0;
    const restored = await computes();
    for (const h of ['compute1', 'compute2']) {
      expect(restored[h]).toMatchObject({ status: 'enabled', state: 'up', forced_down: false });
    }
    expect(restored.compute3).toMatchObject({ status: 'disabled', state: 'up', forced_down: false });
    const seg = (await admin.call('instance-ha', 'GET', '/segments')).body.segments.find(
      (x: any) => x.name === 'lab-seg',
    );
    const hosts = (await admin.call('instance-ha', 'GET', `/segments/${seg.uuid}/hosts`)).body.hosts;
    expect(hosts.every((h: any) => !h.on_maintenance)).toBe(true);
    expect((await admin.call('instance-ha', 'GET', '/notifications')).body.notifications).toEqual([]);
    expect((await admin.call('compute', 'GET', '/servers?all_tenants=1')).body.servers).toEqual([]);
    expect(resetMs).toBeLessThan(90_000);
  });

  it('kill-host / revive-host stop and restart one nova-compute', async () => {
    expect(lab('kill-host', 'compute1').status).toBe(0);
    expect(lab('status').stdout).toMatch(/^nova-compute1\s+-\s+-\s+DOWN \(kill-host\)/m);
    const revived = lab('revive-host', 'compute1');
    expect(revived.status).toBe(0);
    expect(revived.stdout).toMatch(/compute1 .*state=up/);
    expect(lab('status').stdout).toMatch(/^nova-compute1\s+-\s+\d+\s+running/m);
  });
});
