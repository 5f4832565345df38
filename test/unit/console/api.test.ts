/**
 * The console's API (console/api/routes.ts) on the in-memory cloud and store (test/support/steps.ts):
 * a host monitor's COMPUTE_HOST notification for compute1 (test/events/masakari/run1-compute-host.json)
 * about a host silent for two minutes that nobody fenced, held for a human; compute1 runs two pets.
 * Keystone is a stand-in for the login port (test/support/console.ts): alice holds `admin`, bob only `reader`.
 */
import { parseRuntimeConfig } from '../../../core/runtime/config';
import { step as classify } from '../../../functions/classify-alarm';
import { step as evacuate } from '../../../functions/evacuate';
import { parseConsoleConfig } from '../../../console/config';
import { consoleHandler, consolePorts } from '../../../console/handler';
import { consoleOf, keystone, OPERATOR_TOKEN, signIn, type ConsoleCall } from '../../support/console';
import { due, invoke, novaTime, reconcile, record, recordedEvent, world, type World } from '../../support/steps';

const PETS = ['pet-1', 'pet-2'];

/** compute1 silent for 120 s, not forced down, running two pets; the monitor's alarm arrives: held. */
async function heldHost(): Promise<{ w: World; key: string; call: ConsoleCall }> {
  const w = world();
  for (const id of PETS) w.cloud.nova.addServer({ id, name: id, host: 'compute1', metadata: { HA_Enabled: 'True' } });
  w.cloud.nova.setService('compute1', { state: 'down', updated_at: novaTime(w, 120) });
  const res = await invoke(w, classify, recordedEvent('masakari/run1-compute-host.json'));
  expect(res.body).toMatchObject({ outcome: 'HELD_FOR_APPROVAL' });
  return { w, key: res.body.incident as string, call: consoleOf(w) };
}

describe('console API', () => {
  it('answers nothing but the login to a caller who has not signed in', async () => {
    const { call, key } = await heldHost();
    for (const [method, path] of [
      ['GET', '/ui/api/incidents'],
      ['GET', '/ui/api/fleet'],
      ['POST', `/ui/api/incidents/${key}/approve`],
    ])
      expect((await call(method, path, method === 'POST' ? { fencedBy: 'x' } : undefined)).status).toBe(401);
    expect((await call('GET', '/ui/api/me')).json).toEqual({ who: null });
  });

  it('refuses credentials Keystone refuses, and a wrong operator credential', async () => {
    const { call } = await heldHost();
    const wrong = await call('POST', '/ui/api/login', { method: 'keystone', username: 'alice', password: 'guess' });
    expect(wrong).toMatchObject({ status: 401, json: { error: 'LoginRefusedError' } });
    expect(wrong.cookie).toBeUndefined();
    const token = await call('POST', '/ui/api/login', { method: 'token', token: 'not-the-operator-credential' });
    expect(token.status).toBe(401);
    const malformed = await call('POST', '/ui/api/login', { method: 'keystone', username: 'alice' });
    expect(malformed).toMatchObject({ status: 400, json: { error: 'InvalidPayloadError' } });
  });

  it('lists the held incident with its phases, filtered by status, kind and host', async () => {
    const { call, key, w } = await heldHost();
    const bob = await signIn(call, 'bob');
    w.advance(30_000);
    const held = await call('GET', '/ui/api/incidents?status=held&kind=host-down&host=compute1', undefined, bob);
    expect(held.json.incidents).toEqual([
      expect.objectContaining({ key, status: 'held', host: 'compute1', approvable: true, rule: 'no-fence-evidence' }),
    ]);
    expect(held.json.incidents[0].segments.map((s: { phase: string }) => s.phase)).toEqual(['detect', 'decide']);
    expect(held.json.incidents[0].segments[1].ms).toBe(30_000); // held since the decision: decide runs on
    expect(held.json.facets).toEqual({ kinds: ['host-down'], hosts: ['compute1'], stacks: [] });
    for (const q of ['status=resolved', 'host=compute2', 'kind=server-error'])
      expect((await call('GET', `/ui/api/incidents?${q}`, undefined, bob)).json.incidents).toEqual([]);
    expect((await call('GET', '/ui/api/incidents?status=lost', undefined, bob)).status).toBe(400);
    const detail = (await call('GET', `/ui/api/incidents/${key}`, undefined, bob)).json;
    expect(detail.times.ms).toHaveLength(detail.record.timeline.length);
    expect(detail.times.openForMs).toBe(30_000); // held: waiting since its last entry
  });

  it('lets a user without the operator role look but not approve, deny or change a control', async () => {
    const { call, key, w } = await heldHost();
    const bob = await signIn(call, 'bob');
    expect((await call('GET', '/ui/api/me', undefined, bob)).json).toMatchObject({ operator: false });
    const approve = await call('POST', `/ui/api/incidents/${key}/approve`, { fencedBy: 'bob' }, bob);
    expect(approve).toMatchObject({ status: 403, json: { error: 'NotAnOperatorError' } });
    expect((await call('POST', `/ui/api/incidents/${key}/deny`, { reason: 'no' }, bob)).status).toBe(403);
    expect((await call('POST', '/ui/api/controls', { control: 'pause', on: true }, bob)).status).toBe(403);
    expect((await record(w, key)).status).toBe('held');
    expect(await w.store.get('control:pause')).toBeUndefined();
    expect(w.cloud.writes()).toEqual([]);
  });

  it('approves a held evacuation as the Keystone operator, bound to the incident, and evacuate carries it out', async () => {
    const { call, key, w } = await heldHost();
    const alice = await signIn(call, 'alice');
    const res = await call('POST', `/ui/api/incidents/${key}/approve`, { fencedBy: 'alice, IPMI power off' }, alice);
    expect(res).toMatchObject({ status: 202, json: { approval: { incident: key, host: 'compute1' } } });
    const r = await record(w, key);
    expect(r.approval).toMatchObject({
      approvedBy: { via: 'keystone', name: 'alice', roles: ['admin', 'member'] },
      fencedBy: 'alice, IPMI power off',
    });
    expect(r.timeline.at(-1)).toMatchObject({ step: 'evacuate', outcome: 'APPROVED' });
    expect(await due(w, 'evacuate')).toEqual([key]);
    await reconcile(w, evacuate);
    expect(w.cloud.callsTo('nova.evacuate').map((c) => c.args[0])).toEqual(PETS);
    w.cloud.tick();
    w.advance(2000);
    await reconcile(w, evacuate);
    for (const id of PETS) expect(w.cloud.nova.server(id)).toMatchObject({ status: 'ACTIVE' });
    expect(w.cloud.nova.serversOn('compute2').map((s) => s.id)).toEqual(PETS);
    expect((await record(w, key)).status).toBe('resolved');
    const list = await call('GET', '/ui/api/incidents?status=resolved', undefined, alice);
    expect(list.json.mttr).toEqual([expect.objectContaining({ key })]);
    expect(list.json.incidents[0].segments.map((s: { phase: string }) => s.phase)).toEqual([
      'detect',
      'decide',
      'act',
      'verify',
    ]);
  });

  it('refuses an approval signed with the operator credential: only a Keystone approver approves (policy approverRoles)', async () => {
    const { call, key, w } = await heldHost();
    const login = await call('POST', '/ui/api/login', { method: 'token', token: OPERATOR_TOKEN, name: 'carol' });
    const res = await call('POST', `/ui/api/incidents/${key}/approve`, { fencedBy: 'carol' }, login.cookie);
    expect(res).toMatchObject({ status: 403, json: { error: 'NotAnApproverError' } });
    expect(res.json.message).toMatch(/carol was not authenticated by Keystone.*nothing approved/);
    expect((await w.incidents.require(key)).approval).toBeUndefined();
    expect(w.cloud.writes()).toEqual([]);
  });

  it('denies a held evacuation as the operator credential: closed, who said no in the audit log', async () => {
    const { call, key, w } = await heldHost();
    const login = await call('POST', '/ui/api/login', { method: 'token', token: OPERATOR_TOKEN, name: 'carol' });
    const res = await call('POST', `/ui/api/incidents/${key}/deny`, { reason: 'host is being replaced' }, login.cookie);
    expect(res).toMatchObject({ status: 200, json: { status: 'ignored' } });
    expect((await w.incidents.auditLog()).at(-1)?.reason).toBe(
      'denied by carol (console-token): host is being replaced; nothing done',
    );
    const alice = await signIn(call, 'alice');
    const again = await call('POST', `/ui/api/incidents/${key}/approve`, { fencedBy: 'alice' }, alice);
    expect(again).toMatchObject({ status: 409, json: { error: 'NothingToApproveError' } });
    expect(w.cloud.writes()).toEqual([]);
  });

  it('shows the fleet as Nova reports it: service state, heartbeat, servers, pets, open incidents, breaker', async () => {
    const { call, key, w } = await heldHost();
    w.cloud.nova.addServer({ id: 'cattle-1', name: 'cattle-1', host: 'compute2' });
    w.cloud.nova.setService('compute2', { updated_at: novaTime(w, 4) });
    const fleet = (await call('GET', '/ui/api/fleet', undefined, await signIn(call, 'bob'))).json;
    expect(fleet.hosts).toEqual([
      expect.objectContaining({
        host: 'compute1',
        state: 'down',
        forcedDown: false,
        liveness: 'down',
        heartbeatAgeSec: 120,
        servers: 2,
        evacuable: 2,
        openIncidents: [key],
      }),
      expect.objectContaining({ host: 'compute2', state: 'up', liveness: 'alive', servers: 1, evacuable: 0 }),
    ]);
    expect(fleet.breaker).toEqual({ open: 1, limit: 5, tripped: false });
  });
});

describe('console page', () => {
  it('serves the page same-origin only, and names what it does not have', async () => {
    const w = world();
    const handle = consoleHandler(
      consolePorts({
        factory: w.factory,
        runtime: parseRuntimeConfig(w.config),
        config: parseConsoleConfig({}),
        keystone,
      }),
      async () => ({ html: '<main id="app"></main>', js: 'void 0', css: '' }),
    );
    const get = (path: string) =>
      handle({ method: 'GET', url: new URL(`http://console${path}`), headers: {}, body: Buffer.alloc(0) });
    const page = await get('/ui');
    expect(page).toMatchObject({ status: 200, body: '<main id="app"></main>' });
    expect(page.headers?.['content-security-policy']).toMatch(/default-src 'self'.*frame-ancestors 'none'/);
    expect((await get('/ui/app.js')).headers?.['content-type']).toMatch(/^text\/javascript/);
    expect((await get('/ui/nothing')).status).toBe(404);
    const api = await get('/ui/api/nothing');
    expect(api.status).toBe(404);
    expect(JSON.parse(String(api.body))).toMatchObject({ error: 'ApiNotFoundError' });
  });
});

describe('console controls, honoured by the next alarm', () => {
  /** compute1 (in aggregate rack-a) forced down by a fencing agent, with a pet: evacuated at once. */
  async function fencedHost() {
    const w = world();
    w.cloud.nova.addAggregate({ name: 'rack-a', hosts: ['compute1'] });
    w.cloud.nova.addServer({ id: 'pet-1', name: 'pet-1', host: 'compute1', metadata: { HA_Enabled: 'True' } });
    w.cloud.nova.setService('compute1', { state: 'down', forced_down: true, updated_at: novaTime(w, 60) });
    const call = consoleOf(w);
    return { w, call, alice: await signIn(call, 'alice') };
  }
  const alarm = () => recordedEvent('masakari/run1-compute-host.json');

  it.each([
    [
      { control: 'maintenance', subject: 'host:compute1', on: true },
      'IGNORED',
      'maintenance of host:compute1 turned on',
    ],
    [{ control: 'maintenance', subject: 'all', on: true }, 'IGNORED', 'maintenance of all turned on'],
    [{ control: 'dry-run', on: true }, 'DRY_RUN', 'dry-run turned on'],
    [{ control: 'pause', on: true }, 'HELD_FOR_APPROVAL', 'pause turned on'],
    [
      { control: 'maintenance', subject: 'aggregate:rack-a', on: true },
      'IGNORED',
      'maintenance of aggregate:rack-a turned on',
    ],
    [{ control: 'pause', subject: 'host:compute1', on: true }, 'HELD_FOR_APPROVAL', 'pause of host:compute1 turned on'],
    [
      { control: 'pause', subject: 'aggregate:rack-a', on: true },
      'HELD_FOR_APPROVAL',
      'pause of aggregate:rack-a turned on',
    ],
  ])('%j: the next alarm is %s, nothing written, the change audited with who', async (change, outcome, said) => {
    const { w, call, alice } = await fencedHost();
    const res = await call('POST', '/ui/api/controls', change, alice);
    expect(res.status).toBe(200);
    expect(res.json.audit).toMatchObject({
      by: { via: 'keystone', name: 'alice' },
      reason: `${said} by alice (keystone)`,
    });
    expect((await w.incidents.auditEntries()).at(-1)).toEqual(res.json.audit);
    const next = await invoke(w, classify, alarm());
    expect(next.body.outcome).toBe(outcome);
    expect(await due(w, 'evacuate')).toEqual([]);
    expect(w.cloud.writes()).toEqual([]);
  });

  it('holds what would have been evacuated while paused, with its plan, and acts again once resumed', async () => {
    const { w, call, alice } = await fencedHost();
    await call('POST', '/ui/api/controls', { control: 'pause', on: true }, alice);
    const held = await invoke(w, classify, alarm());
    expect(held.body).toMatchObject({
      details: { decision: { rule: 'automation-paused' }, plan: { action: 'evacuate' } },
    });
    expect((await call('GET', '/ui/api/controls', undefined, alice)).json.paused).toMatchObject({
      by: { name: 'alice' },
    });
    await call('POST', '/ui/api/controls', { control: 'pause', on: false }, alice);
    await call('POST', `/ui/api/incidents/${held.body.incident}/deny`, { reason: 'paused for the upgrade' }, alice);
    const body = alarm() as { notification: { generated_time: string } };
    body.notification.generated_time = '2026-11-23T01:54:59.000000'; // a new alarm, not a redelivery
    expect((await invoke(w, classify, body)).body.outcome).toBe('DISPATCHED');
  });

  it('refuses a maintenance subject that is neither a host, a stack id nor everything', async () => {
    const { call, alice } = await fencedHost();
    const res = await call(
      'POST',
      '/ui/api/controls',
      { control: 'maintenance', subject: 'compute1', on: true },
      alice,
    );
    expect(res).toMatchObject({ status: 400, json: { error: 'InvalidPayloadError' } });
  });
});
