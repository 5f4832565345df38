/**
 * Every call of the OpenStack client core against the real lab services, including the
 * refusals stackmend relies on: evacuate while the source compute is up → SourceHostStillUpError;
 * mark_unhealthy on a busy resource → ResourceBusyError (409).
 * (Un-forcing too early: recorded 400 in test/unit/openstack.)
 */
import { randomUUID } from 'node:crypto';
import { lab } from '../../bench/lab';
import { waitFor } from '../../bench/wait';
import { connectLab, type LabCloud } from '../../bench/openstack/cloud';
import { loadCloudConfig } from '../../core/openstack/config';
import { NotFoundError } from '../../core/openstack/errors';
import { ResourceBusyError, type StackRef } from '../../core/openstack/heat';
import { hostOf, SourceHostStillUpError } from '../../core/openstack/nova';
import { presignedAction } from '../../core/openstack/zaqar';

const c: LabCloud = connectLab(loadCloudConfig({ cloud: 'stackmend-lab' }));
const tag = `client-${Date.now() % 100000}`;
const cleanup: (() => Promise<unknown>)[] = [];
beforeAll(() => lab(['reset'], { quiet: true })); // both computes up, enabled and un-forced, whatever ran before
afterAll(async () => {
  for (const f of cleanup.reverse()) await f().catch(() => undefined);
});

/** A resource that stays UPDATE_IN_PROGRESS for a while (Heat's own OS::Heat::TestResource). */
const SLOW = `heat_template_version: 2018-08-31
parameters:
  v: {type: string, default: a}
resources:
  slow:
    type: OS::Heat::TestResource
    properties: {value: {get_param: v}, action_wait_secs: {update: 15}}
`;

async function stackDone(ref: StackRef, want: string) {
  await waitFor(`${ref.name} ${want}`, async () => (await c.heat.getStack(ref)).stack_status === want, 120, 250);
}

describe('Keystone', () => {
  it('issues a token with a catalog and re-authenticates after invalidation', async () => {
    const first = await c.session.token();
    expect(await c.session.endpoint('orchestration')).toMatch(/8004\/v1\/[0-9a-f]{32}$/);
    c.session.invalidate(first);
    expect(await c.session.token()).not.toBe(first);
  });
});

describe('Nova', () => {
  let server: string;
  it('boots with networks none, reads, sets metadata, locks, stops and starts', async () => {
    const image = await c.glance.findImage('fake-img');
    server = (
      await c.nova.createServer({
        name: `${tag}-vm`,
        imageRef: image!.id,
        flavorRef: '1',
        availabilityZone: 'nova:compute1',
      })
    ).id;
    cleanup.push(() => c.nova.deleteServer(server));
    await waitFor('ACTIVE', async () => (await c.nova.getServer(server)).status === 'ACTIVE', 60, 250);
    await c.nova.setMetadata(server, { HA_Enabled: 'True' });
    expect((await c.nova.getServer(server)).metadata).toMatchObject({ HA_Enabled: 'True' });
    expect((await c.nova.listServers({ host: 'compute1', allTenants: true })).map((s) => s.id)).toContain(server);
    await c.nova.lock(server, 'client test');
    expect((await c.nova.getServer(server)).locked).toBe(true);
    await c.nova.unlock(server);
    await c.nova.stop(server);
    await waitFor('SHUTOFF', async () => (await c.nova.getServer(server)).status === 'SHUTOFF', 60, 250);
    await c.nova.start(server);
    await waitFor('ACTIVE again', async () => (await c.nova.getServer(server)).status === 'ACTIVE', 60, 250);
  });

  it("lists every server across Nova's pages (servers_links rel next, by marker)", async () => {
    const image = await c.glance.findImage('fake-img');
    for (const n of [1, 2]) {
      const id = (await c.nova.createServer({ name: `${tag}-page-${n}`, imageRef: image!.id, flavorRef: '1' })).id;
      cleanup.push(() => c.nova.deleteServer(id));
    }
    const onePage = (await c.nova.listServers({ name: `^${tag}-` })).map((s) => s.id).sort();
    expect(onePage).toHaveLength(3);
    expect((await c.nova.listServers({ name: `^${tag}-`, pageSize: 1 })).map((s) => s.id).sort()).toEqual(onePage);
  });

  it('refuses to evacuate while the source compute service is up (typed error)', async () => {
    await expect(c.nova.evacuate(server)).rejects.toBeInstanceOf(SourceHostStillUpError);
    expect(hostOf(await c.nova.getServer(server))).toBe('compute1');
  });

  it('lists compute services and hypervisors, disables and re-enables a service', async () => {
    const services = await c.nova.listComputeServices();
    expect(services.map((s) => s.host).sort()).toEqual(['compute1', 'compute2', 'compute3']);
    const svc2 = services.find((s) => s.host === 'compute2')!;
    expect(await c.nova.disableService(svc2.id, 'client test')).toMatchObject({
      status: 'disabled',
      disabled_reason: 'client test',
    });
    expect(await c.nova.enableService(svc2.id)).toMatchObject({ status: 'enabled' });
    expect((await c.nova.listHypervisors()).every((h) => h.vcpus > 0)).toBe(true);
  });

  it('answers NotFoundError for a server that does not exist', async () => {
    await expect(c.nova.getServer(randomUUID())).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('Heat', () => {
  it("creates, lists, finds a server's owner, marks it unhealthy, PATCH-updates it away and lists events", async () => {
    const tpl = `heat_template_version: 2018-08-31
resources:
  server:
    type: OS::Nova::Server
    properties: {image: fake-img, flavor: m1.tiny, networks: [{allocate_network: none}]}
`;
    const ref = await c.heat.createStack(`${tag}-srv`, tpl);
    cleanup.push(() => c.heat.deleteStack(ref));
    await stackDone(ref, 'CREATE_COMPLETE');
    expect((await c.heat.listStacks()).map((s) => s.id)).toContain(ref.id);
    const [owned] = await c.heat.listServers(ref);
    expect(await c.heat.findServerOwner(owned.serverId)).toMatchObject({
      root: ref,
      stack: ref,
      resourceName: 'server',
    });
    await c.heat.markUnhealthy(ref, 'server', 'client test');
    expect((await c.heat.getResource(ref, 'server')).resource_status).toBe('CHECK_FAILED');
    await c.heat.updateExisting(ref);
    await waitFor(
      'replaced',
      async () => {
        const s = await c.heat.getStack(ref);
        return (
          s.stack_status === 'UPDATE_COMPLETE' &&
          (await c.heat.getResource(ref, 'server')).physical_resource_id !== owned.serverId
        );
      },
      120,
      250,
    );
    expect((await c.heat.events(ref, { resourceName: 'server' })).length).toBeGreaterThan(0);
  });

  it('answers 409 ResourceBusyError to mark_unhealthy on a resource in the middle of an update', async () => {
    const ref = await c.heat.createStack(`${tag}-slow`, SLOW);
    cleanup.push(() => c.heat.deleteStack(ref));
    await stackDone(ref, 'CREATE_COMPLETE');
    await c.heat.updateExisting(ref, { v: 'b' });
    await waitFor(
      'resource busy',
      async () => (await c.heat.getResource(ref, 'slow')).resource_status === 'UPDATE_IN_PROGRESS',
      30,
      100,
    );
    await expect(c.heat.markUnhealthy(ref, 'slow', 'client test')).rejects.toBeInstanceOf(ResourceBusyError);
  });
});

describe('Zaqar', () => {
  const q = `${tag}-q`;
  afterAll(() => c.zaqar.deleteQueue(q).catch(() => undefined));

  it('creates a queue, posts, claims, deletes a message, lists queues and shares a pre-signed URL', async () => {
    await c.zaqar.createQueue(q);
    expect(await c.zaqar.listQueues()).toContain(q);
    await c.zaqar.post(q, [{ body: { hello: 'lab' } }]);
    const [m] = await c.zaqar.claim(q, { limit: 1 });
    expect(m).toMatchObject({ body: { hello: 'lab' }, claimId: expect.any(String) });
    await c.zaqar.deleteMessage(q, m);
    expect(await c.zaqar.claim(q)).toEqual([]);
    const share = await c.zaqar.share(q, { expires: new Date(Date.now() + 3600_000).toISOString().slice(0, 19) });
    expect(presignedAction(share)).toMatch(/^zaqar:\/\/\?queue_name=.*&signature=[0-9a-f]+/);
  });

  it('deletes a trust+ subscription together with the Keystone trust it created', async () => {
    const id = await c.zaqar.subscribe(q, 'trust+http://127.0.0.1:9/nowhere', { ttl: 600 });
    const [sub] = (await c.zaqar.listSubscriptions(q)).filter((s) => s.id === id);
    const trust = sub.options.trust_id as string;
    expect(trust).toEqual(expect.any(String));
    await c.zaqar.deleteSubscription(q, id);
    await expect(c.session.identity.get(`OS-TRUST/trusts/${trust}`)).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('Aodh, Masakari, Mistral', () => {
  it('creates, lists and deletes an event alarm', async () => {
    const a = await c.aodh.createEventAlarm({
      name: `${tag}-alarm`,
      eventType: 'compute.instance.delete.end',
      query: [{ field: 'traits.instance_id', op: 'eq', type: 'string', value: randomUUID() }],
      actions: ['http://127.0.0.1:9/x'],
    });
    expect((await c.aodh.listAlarms(tag)).map((x) => x.alarm_id)).toContain(a.alarm_id);
    await c.aodh.deleteAlarm(a.alarm_id);
    expect(await c.aodh.listAlarms(tag)).toEqual([]);
  });

  it('reads the Masakari segment with the three computes, compute3 reserved, and its notifications', async () => {
    const [seg] = (await c.masakari.listSegments()).filter((s) => s.name === 'lab-seg');
    const hosts = await c.masakari.listHosts(seg.uuid);
    expect(hosts.map((h) => [h.name, h.reserved]).sort()).toEqual([
      ['compute1', false],
      ['compute2', false],
      ['compute3', true],
    ]);
  });

  it('uploads a workflow and runs an execution to SUCCESS', async () => {
    const name = `client_${tag.replace('-', '_')}`;
    await c.mistral.putWorkflows(`---\nversion: '2.0'\n${name}:\n  tasks:\n    t1:\n      action: std.noop\n`);
    const ex = await c.mistral.startExecution(name, {});
    await waitFor('SUCCESS', async () => (await c.mistral.getExecution(ex.id)).state === 'SUCCESS', 60, 250);
    expect((await c.mistral.listExecutions(name)).map((e) => e.id)).toContain(ex.id);
  });
});
