/** Zaqar push, Aodh event alarms fed by Ceilometer from real Nova notifications, Mistral, for real. */
import { type HookListener, startHookListener } from '../support/hook-listener';
import { type LabSession, labLogin, labReset, labSettings, waitFor } from '../support/lab';

const ZAQAR = { 'Client-ID': '3b7f5bde-4c55-4d3c-9a1e-0c6f0e4f8a11' };
let admin: LabSession;
let hooks: HookListener;

beforeAll(async () => {
  labReset();
  admin = await labLogin('stackmend-lab');
  hooks = await startHookListener();
});
afterAll(() => hooks.close());

describe('Zaqar', () => {
  it('pushes a posted message to a webhook subscriber', async () => {
    const q = '/v2/queues/lab-zaqar';
    expect((await admin.call('messaging', 'PUT', q, { headers: ZAQAR, body: {} })).status).toBe(201);
    const sub = await admin.call('messaging', 'POST', `${q}/subscriptions`, {
      headers: ZAQAR,
      body: { subscriber: `${hooks.url}/zaqar`, ttl: 3600, options: {} },
    });
    expect(sub.status).toBe(201);
    const sent = Date.now();
    const post = await admin.call('messaging', 'POST', `${q}/messages`, {
      headers: ZAQAR,
      body: { messages: [{ ttl: 300, body: { hello: 'lab' } }] },
    });
    expect(post.status).toBe(201);
    const pushed = await hooks.next((r) => r.path === '/zaqar', 15_000);
    // Zaqar's push carries the message body, its ttl and the queue name, but no message id
    expect(pushed.json).toMatchObject({
      body: { hello: 'lab' },
      ttl: 300,
      queue_name: 'lab-zaqar',
      Message_Type: 'Notification',
    });
    expect(pushed.receivedAt - sent).toBeLessThan(10_000);
    // the message can also be claimed, which exercises the lab's Redis Lua scripts
    const claim = await admin.call('messaging', 'POST', `${q}/claims`, {
      headers: ZAQAR,
      body: { ttl: 60, grace: 60 },
    });
    expect(claim.status).toBe(201);
    expect(claim.body.messages[0].body).toEqual({ hello: 'lab' });
  });
});

describe('Aodh + Ceilometer', () => {
  it('fires an event alarm on compute.instance.delete.end to a webhook when a real server is deleted', async () => {
    const img = await admin.call('image', 'GET', '/v2/images?name=fake-img');
    const created = await admin.call('compute', 'POST', '/servers', {
      headers: { 'OpenStack-API-Version': 'compute 2.37' },
      body: { server: { name: 'lab-aodh', imageRef: img.body.images[0].id, flavorRef: '1', networks: 'none' } },
    });
    const id = created.body.server.id;
    await waitFor(
      async () => (await admin.call('compute', 'GET', `/servers/${id}`)).body.server.status === 'ACTIVE',
      'server ACTIVE',
    );
    const alarm = await admin.call('alarming', 'POST', '/v2/alarms', {
      body: {
        name: 'lab-delete-alarm',
        type: 'event',
        severity: 'critical',
        repeat_actions: false,
        event_rule: {
          event_type: 'compute.instance.delete.end',
          query: [{ field: 'traits.instance_id', op: 'eq', type: 'string', value: id }],
        },
        alarm_actions: [`${hooks.url}/aodh`],
      },
    });
    expect(alarm.status).toBe(201);
    // aodh-listener caches a project's event alarms: wait past the cache TTL before the event
    const ttl = Number(labSettings().AODH_EVENT_ALARM_CACHE_TTL ?? 5);
    await new Promise((r) => setTimeout(r, (ttl + 1.5) * 1000));
    const deleted = Date.now();
    expect((await admin.call('compute', 'DELETE', `/servers/${id}`)).status).toBe(204);
    const fired = await hooks.next((r) => r.path === '/aodh', 30_000);
    expect(fired.json).toMatchObject({
      alarm_id: alarm.body.alarm_id,
      alarm_name: 'lab-delete-alarm',
      current: 'alarm',
      reason_data: { type: 'event', event: { event_type: 'compute.instance.delete.end' } },
    });
    const traits = Object.fromEntries(
      fired.json.reason_data.event.traits.map((t: [string, number, string]) => [t[0], t[2]]),
    );
    expect(traits.instance_id).toBe(id);
    expect(fired.receivedAt - deleted).toBeLessThan(20_000);
    const after = await admin.call('alarming', 'GET', `/v2/alarms/${alarm.body.alarm_id}`);
    expect(after.body.state).toBe('alarm');
  });
});

describe('Mistral', () => {
  it('runs an uploaded workflow to SUCCESS', async () => {
    const definition = [
      "version: '2.0'",
      'lab_echo:',
      '  input: [name]',
      '  output: {greeting: <% $.greeting %>}',
      '  tasks:',
      '    greet:',
      '      action: std.echo output="hello <% $.name %>"',
      '      publish: {greeting: <% task().result %>}',
      '',
    ].join('\n');
    // Mistral answers 406 unless the request accepts any response type
    const wf = await admin.call('workflowv2', 'POST', '/workflows', {
      rawBody: definition,
      headers: { 'Content-Type': 'text/plain', Accept: '*/*' },
    });
    expect(wf.status).toBe(201);
    const ex = await admin.call('workflowv2', 'POST', '/executions', {
      body: { workflow_name: 'lab_echo', input: JSON.stringify({ name: 'lab' }) },
    });
    expect(ex.status).toBe(201);
    const done = await waitFor(
      async () => {
        const e = (await admin.call('workflowv2', 'GET', `/executions/${ex.body.id}`)).body;
        if (e.state === 'ERROR') throw new Error(`execution ERROR: ${e.state_info}`);
        return e.state === 'SUCCESS' && e;
      },
      'execution SUCCESS',
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    expect(JSON.parse(done.output)).toEqual({ greeting: 'hello lab' });
  });
});
