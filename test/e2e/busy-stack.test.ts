/**
 * Never barge into someone else's update: Heat's convergence engine would accept stackmend's update
 * and cancel the operator's ("Stack UPDATE cancelled"). With an operator's update in flight, the
 * repair waits (RESCHEDULED), the operator's update completes, then the member is replaced.
 * Also: wrong credentials give a clear error and change nothing.
 */
import axios from 'axios';
import { arm } from '../../triggers/arm';
import {
  aodhCacheWait,
  harness,
  resetLab,
  settledStatus,
  waitFor,
  waitIncident,
  type Harness,
  keystoneAlarmUrl,
} from './support';

const TEMPLATE = `heat_template_version: 2018-08-31
parameters:
  release: {type: string, default: v1}
resources:
  group:
    type: OS::Heat::ResourceGroup
    properties:
      count: 2
      resource_def:
        type: OS::Nova::Server
        properties: {name: busy-%index%, image: fake-img, flavor: m1.tiny, networks: [{allocate_network: none}]}
  rollout:   # an operator's slow change: 20 s per update
    type: OS::Heat::TestResource
    properties: {value: {get_param: release}, action_wait_secs: {update: 20}}
`;

let h: Harness;
beforeAll(async () => {
  resetLab();
  h = await harness();
});
afterAll(async () => h?.close());

describe("a stack busy with an operator's update", () => {
  it("waits for the operator's update to finish, then replaces the member; nothing is cancelled", async () => {
    const stack = await h.cloud.heat.createStack('e2e-busy', TEMPLATE);
    await waitFor(
      'CREATE_COMPLETE',
      async () => (await h.cloud.heat.getStack(stack)).stack_status === 'CREATE_COMPLETE',
      120,
      250,
    );
    await arm(h.cloud, h.rt.store, stack, { via: 'http', url: keystoneAlarmUrl(h) });
    const before = await h.cloud.heat.listServers(stack);
    await aodhCacheWait();
    await h.cloud.heat.updateExisting(stack, { release: 'v2' }); // the operator's rollout
    await waitFor(
      'operator update in progress',
      async () => (await h.cloud.heat.getStack(stack)).stack_status === 'UPDATE_IN_PROGRESS',
      30,
      100,
    );
    await h.cloud.nova.deleteServer(before.find((s) => s.resourceName === '0')!.serverId);
    const waiting = await waitIncident(
      h.rt,
      (r) => r.timeline.some((e) => e.outcome === 'RESCHEDULED' && /UPDATE_IN_PROGRESS/.test(e.reason)),
      60,
    );
    expect(waiting.timeline.some((e) => e.step === 'stack-update' && e.outcome === 'DISPATCHED')).toBe(false);
    const r = await waitIncident(h.rt, (x) => x.key === waiting.key && settledStatus(x), 120);
    expect(r.status).toBe('resolved');
    const events = await h.cloud.heat.events(stack, { limit: 200 });
    expect(events.some((e) => /cancel/i.test(e.resource_status_reason ?? ''))).toBe(false);
    const s = await h.cloud.heat.getStack(stack);
    expect(s.stack_status).toBe('UPDATE_COMPLETE');
    const after = await h.cloud.heat.listServers(stack);
    expect(after.filter((a) => !before.some((b) => b.serverId === a.serverId)).map((x) => x.resourceName)).toEqual([
      '0',
    ]);
  });
});

describe('wrong credentials', () => {
  it('answer with a clear Keystone 401 error and change nothing', async () => {
    const bad = await harness({
      cloud: undefined,
      os_auth: {
        auth: { auth_url: 'http://127.0.0.1:5000/v3', username: 'admin', password: 'wrong', project_name: 'admin' },
      },
    });
    try {
      const servers = (await h.cloud.nova.listServers({ allTenants: true })).map((s) => `${s.id}:${s.status}`).sort();
      const alarm = { ...(await import('../events/aodh/event-webhook-2.json')).default };
      const res = await axios.post(bad.rt.alarmUrl, alarm, { validateStatus: () => true });
      expect(res.status).toBe(502);
      expect(res.data).toMatchObject({
        error: 'UnauthorizedError',
        service: 'keystone',
        serviceStatus: 401,
        message: expect.stringMatching(/credentials/),
      });
      expect((await h.cloud.nova.listServers({ allTenants: true })).map((s) => `${s.id}:${s.status}`).sort()).toEqual(
        servers,
      );
    } finally {
      await bad.close();
    }
  });
});
