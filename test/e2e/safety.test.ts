/**
 * Safety on the real lab: the same alarm delivered 20 times heals once; malformed payloads get
 * 400 with the zod issues and change nothing; an unknown server is "not managed"; a dry run
 * decides without writing; an unreachable OpenStack changes nothing: the alarm is kept for later (202).
 */
import axios from 'axios';
import { arm } from '../../triggers/arm';
import { aodhCacheWait, createGroup, harness, resetLab, settledStatus, waitIncident, type Harness } from './support';

let h: Harness;
beforeAll(async () => {
  resetLab();
  h = await harness();
});
afterAll(async () => h?.close());

const post = (body: unknown, url = h.rt.alarmUrl) => axios.post(url, body, { validateStatus: () => true });

async function snapshot() {
  const servers = (await h.cloud.nova.listServers({ allTenants: true }))
    .map((s) => `${s.id}:${s.status}:${s['OS-EXT-SRV-ATTR:host']}`)
    .sort();
  const stacks = (await h.cloud.heat.listStacks()).map((s) => `${s.id}:${s.stack_status}:${s.updated_time}`).sort();
  const services = (await h.cloud.nova.listComputeServices())
    .map((s) => `${s.host}:${s.status}:${s.forced_down}`)
    .sort();
  return { servers, stacks, services };
}

describe('safety', () => {
  let alarmBody: Record<string, unknown>;
  let stack: Awaited<ReturnType<typeof createGroup>>;

  it('heals exactly once when the same real Aodh alarm is delivered 20 times at once', async () => {
    stack = await createGroup(h.cloud, 'e2e-dup');
    await arm(h.cloud, h.rt.store, stack, { via: 'http', url: `${h.hooks.url}/aodh` }); // capture the real alarm first
    const before = await h.cloud.heat.listServers(stack);
    await aodhCacheWait();
    await h.cloud.nova.deleteServer(before.find((s) => s.resourceName === '2')!.serverId);
    alarmBody = (await h.hooks.next((r) => r.path === '/aodh', 60_000)).json;
    const answers = await Promise.all(Array.from({ length: 20 }, () => post(alarmBody)));
    const outcomes = answers.map((a) => a.data.outcome);
    expect(outcomes.filter((o) => o === 'DISPATCHED')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'DUPLICATE')).toHaveLength(19);
    const r = await waitIncident(
      h.rt,
      (x) => x.incident.key === answers.find((a) => a.data.outcome === 'DISPATCHED')!.data.incident && settledStatus(x),
    );
    expect(r.status).toBe('resolved');
    expect(r.timeline.filter((e) => e.step === 'stack-update' && e.outcome === 'DISPATCHED')).toHaveLength(1);
    const after = await h.cloud.heat.listServers(stack);
    expect(after.filter((a) => !before.some((b) => b.serverId === a.serverId)).map((s) => s.resourceName)).toEqual([
      '2',
    ]);
    expect((await h.rt.incidents.list()).filter((x) => x.decision?.verdict === 'replace')).toHaveLength(1);
  });

  it('answers 400 listing the zod issues for a malformed alarm, and changes nothing in the cloud', async () => {
    const before = await snapshot();
    const { reason_data: _drop, ...broken } = alarmBody;
    const res = await post({ ...broken, current: 42 });
    expect(res.status).toBe(400);
    expect(res.data).toMatchObject({
      error: 'InvalidPayloadError',
      issues: expect.arrayContaining([
        expect.objectContaining({ path: expect.any(String), message: expect.any(String) }),
      ]),
    });
    expect(await post('not json at all')).toMatchObject({ status: 415 }); // axios sends a string as a form
    const notJson = await axios.post(h.rt.alarmUrl, 'not json at all', {
      headers: { 'content-type': 'application/json' },
      validateStatus: () => true,
    });
    expect(notJson).toMatchObject({ status: 400 });
    expect(await snapshot()).toEqual(before);
  });

  it('answers NOT_MANAGED every time for alarms about a server unknown to Nova and Heat: nothing held, nobody paged', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    const before = await snapshot();
    const chatBefore = h.hooks.requests.filter((r) => r.path === '/chat').length;
    for (const n of [1, 2, 3]) {
      const body = structuredClone(alarmBody) as {
        reason_data: { event: { message_id: string; traits: [string, number, string][] } };
      };
      body.reason_data.event.message_id = `e2e-unknown-server-${n}`;
      body.reason_data.event.traits = body.reason_data.event.traits.map((t) =>
        t[0] === 'instance_id' || t[0] === 'resource_id' ? [t[0], t[1], unknown] : t,
      );
      const res = await post(body);
      expect(res.status).toBe(200);
      expect(res.data).toMatchObject({
        outcome: 'NOT_MANAGED',
        reason: expect.stringMatching(/unknown to Nova and Heat/),
      });
    }
    await new Promise((r) => setTimeout(r, 3000)); // a notify would have posted by now
    expect(h.hooks.requests.filter((r) => r.path === '/chat')).toHaveLength(chatBefore);
    expect((await h.rt.incidents.list()).filter((x) => JSON.stringify(x.incident.subject).includes(unknown))).toEqual(
      [],
    );
    expect(await snapshot()).toEqual(before);
  });

  it('counts no repeats in dry runs: three dry runs, then the real alarm is acted on, not held', async () => {
    const members = await h.cloud.heat.listServers(stack);
    await h.cloud.nova.deleteServer(members.find((m) => m.resourceName === '1')!.serverId);
    const real = (await h.hooks.next((r) => r.path === '/aodh', 60_000)).json;
    for (let i = 0; i < 3; i++)
      expect((await post(real, `${h.rt.alarmUrl}?dry_run=1`)).data).toMatchObject({ outcome: 'DRY_RUN' });
    const res = await post(real);
    expect(res.data).toMatchObject({ outcome: 'DISPATCHED', details: { decision: { verdict: 'replace' } } });
    const r = await waitIncident(h.rt, (x) => x.key === res.data.incident && settledStatus(x));
    expect(r.status).toBe('resolved');
  });

  it('decides without writing anything in a dry run', async () => {
    const body = structuredClone(alarmBody) as { reason_data: { event: { message_id: string } } };
    body.reason_data.event.message_id = 'e2e-dry-run';
    const before = await snapshot();
    const res = await post(body, `${h.rt.alarmUrl}?dry_run=1`);
    expect(res.data).toMatchObject({ outcome: 'DRY_RUN' });
    expect(await snapshot()).toEqual(before);
  });

  it('keeps the alarm (202 RESCHEDULED) and changes nothing when OpenStack cannot be reached', async () => {
    const down = await harness({
      cloud: undefined,
      os_auth: { auth: { auth_url: 'http://127.0.0.1:1/v3', username: 'admin', password: 'x', project_name: 'admin' } },
    });
    try {
      const body = structuredClone(alarmBody) as { reason_data: { event: { message_id: string } } };
      body.reason_data.event.message_id = 'e2e-down';
      const before = await snapshot();
      const res = await post(body, down.rt.alarmUrl);
      expect(res.status).toBe(202); // Aodh does not send an alarm again after a 5xx (functions/classify-alarm/park.ts)
      expect(res.data).toMatchObject({
        outcome: 'RESCHEDULED',
        reason: expect.stringMatching(
          /^OpenStack did not answer \(keystone is unreachable.*nothing was changed in the cloud$/,
        ),
      });
      expect(await down.rt.incidents.list()).toEqual([]);
      expect(await snapshot()).toEqual(before);
    } finally {
      await down.close();
    }
  });
});
