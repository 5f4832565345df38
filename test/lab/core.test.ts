/** Keystone, Glance, Nova (fake driver, no network) and Heat, for real. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type LabSession, labLogin, labReset, waitFor } from '../support/lab';

const NOVA = { 'OpenStack-API-Version': 'compute 2.74' };
let admin: LabSession;

beforeAll(async () => {
  labReset();
  admin = await labLogin('stackmend-lab');
});

describe('Keystone', () => {
  it('issues admin and member tokens whose catalog lists every lab service on 127.0.0.1', async () => {
    const member = await labLogin('stackmend-lab-member');
    expect(member.token).not.toBe('');
    expect(member.projectId).not.toBe(admin.projectId);
    const types = admin.catalog.map((e) => e.type).sort();
    expect(types).toEqual([
      'alarming',
      'baremetal',
      'compute',
      'identity',
      'image',
      'instance-ha',
      'messaging',
      'network',
      'orchestration',
      'placement',
      'workflowv2',
    ]);
    for (const t of types) expect(admin.endpoint(t)).toMatch(/^http:\/\/127\.0\.0\.1:\d+/);
    const me = await member.call('identity', 'GET', '/auth/tokens', { headers: { 'X-Subject-Token': member.token } });
    expect(me.status).toBe(200);
    expect(me.body.token.roles.map((r: { name: string }) => r.name)).toContain('member');
  });
});

describe('Nova', () => {
  it('has the fake-img image, flavor 1, two enabled, up computes and compute3 up but disabled (reserved)', async () => {
    const img = await admin.call('image', 'GET', '/v2/images?name=fake-img');
    expect(img.body.images[0]).toMatchObject({ status: 'active', visibility: 'public', disk_format: 'raw' });
    const fl = await admin.call('compute', 'GET', '/flavors/1');
    expect(fl.body.flavor.name).toBe('m1.tiny');
    const svcs = await admin.call('compute', 'GET', '/os-services?binary=nova-compute', { headers: NOVA });
    expect(svcs.body.services.map((s: any) => [s.host, s.status, s.state, s.forced_down]).sort()).toEqual([
      ['compute1', 'enabled', 'up', false],
      ['compute2', 'enabled', 'up', false],
      ['compute3', 'disabled', 'up', false],
    ]);
  });

  it('boots a server with "networks": "none" (microversion 2.37+) as the member user, to ACTIVE, and deletes it', async () => {
    const member = await labLogin('stackmend-lab-member');
    const img = await member.call('image', 'GET', '/v2/images?name=fake-img');
    const created = await member.call('compute', 'POST', '/servers', {
      headers: { 'OpenStack-API-Version': 'compute 2.37' },
      body: { server: { name: 'lab-boot', imageRef: img.body.images[0].id, flavorRef: '1', networks: 'none' } },
    });
    expect(created.status).toBe(202);
    const id = created.body.server.id;
    const server = await waitFor(
      async () => {
        const s = (await admin.call('compute', 'GET', `/servers/${id}`, { headers: NOVA })).body.server;
        if (s.status === 'ERROR') throw new Error(`server went to ERROR: ${JSON.stringify(s.fault)}`);
        return s.status === 'ACTIVE' && s;
      },
      'server ACTIVE',
      { timeoutMs: 60_000 },
    );
    expect(['compute1', 'compute2']).toContain(server['OS-EXT-SRV-ATTR:host']);
    expect((await member.call('compute', 'DELETE', `/servers/${id}`)).status).toBe(204);
    await waitFor(async () => (await member.call('compute', 'GET', `/servers/${id}`)).status === 404, 'server gone');
  });
});

describe('Heat', () => {
  it('creates a stack with a server to CREATE_COMPLETE and deletes it', async () => {
    const template = readFileSync(join(__dirname, 'templates', 'server-stack.yaml'), 'utf8');
    const created = await admin.call('orchestration', 'POST', '/stacks', {
      body: { stack_name: 'lab-heat', template, timeout_mins: 5 },
    });
    expect(created.status).toBe(201);
    const id = created.body.stack.id;
    const stack = await waitFor(
      async () => {
        const s = (await admin.call('orchestration', 'GET', `/stacks/lab-heat/${id}`)).body.stack;
        if (s.stack_status.endsWith('FAILED')) throw new Error(`${s.stack_status}: ${s.stack_status_reason}`);
        return s.stack_status === 'CREATE_COMPLETE' && s;
      },
      'CREATE_COMPLETE',
      { timeoutMs: 90_000 },
    );
    const outputs = Object.fromEntries(stack.outputs.map((o: any) => [o.output_key, o.output_value]));
    expect(['compute1', 'compute2']).toContain(outputs.host);
    const server = await admin.call('compute', 'GET', `/servers/${outputs.server_id}`);
    expect(server.body.server.status).toBe('ACTIVE');
    expect((await admin.call('orchestration', 'DELETE', `/stacks/lab-heat/${id}`)).status).toBe(204);
    await waitFor(
      async () => {
        const r = await admin.call('orchestration', 'GET', `/stacks/lab-heat/${id}`);
        return r.status === 404 || r.body.stack?.stack_status === 'DELETE_COMPLETE';
      },
      'stack deleted',
      { timeoutMs: 60_000 },
    );
  });
});
