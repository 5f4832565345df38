/**
 * Every entry point is authenticated, on the real lab: an Aodh `trust+http://` alarm, created by
 * `stackmend arm` (its default form), reaches classify-alarm with a Keystone token (no secret in the
 * alarm nor in the state store) and heals a deleted member; forged,
 * revoked and unauthorised tokens get 401/403; the internal functions and the REST API answer 401
 * without the runtime's own key (the public guest key included). Outcomes are judged from Heat and Nova.
 */
import axios from 'axios';
import { labCloud, labLogin } from '../support/lab';
import { GUEST_AUTH } from '../../local/whisk';
import { alarmPrefix } from '../../core/runtime/arm/alarms';
import {
  aodhCacheWait,
  CLOUD,
  createGroup,
  harness,
  resetLab,
  settledStatus,
  TOKEN,
  waitIncident,
  type Harness,
} from './support';
import { cli } from './trust-support';

const GUEST = GUEST_AUTH; // OpenWhisk's published development key
const alarm = async () => ({ ...(await import('../events/aodh/event-webhook-2.json')).default });

let h: Harness;
beforeAll(async () => {
  resetLab();
  // Aodh's trusts impersonate the alarm's creator: the token is the user `arm` ran as (the lab's admin)
  h = await harness({ auth: { keystone: { users: ['admin'] } } });
});
afterAll(async () => h?.close());
const STATE = () => ['--state', `file:${h.stateDir}`];

const servers = async () =>
  (await h.cloud.nova.listServers({ allTenants: true })).map((s) => `${s.id}:${s.status}`).sort();
const post = (headers: Record<string, string>, body: unknown, url = h.rt.url('classify-alarm')) =>
  axios.post(url, body, { headers, validateStatus: () => true });

describe('classify-alarm with Keystone tokens', () => {
  it('heals a deleted ResourceGroup member reported by an Aodh trust+http:// alarm `stackmend arm` created', async () => {
    const stack = await createGroup(h.cloud, 'e2e-trust-http');
    const run = await cli(['arm', stack.id, '--url', h.rt.alarmUrl, ...STATE(), '--cloud', CLOUD, '--json']);
    expect(run).toMatchObject({ status: 0, stderr: expect.stringMatching(/user:password@ of --url: left out/) });
    expect(JSON.parse(run.stdout)).toMatchObject({ created: expect.any(Array) });
    expect(JSON.parse(run.stdout).created).toHaveLength(9);
    const alarms = await h.cloud.aodh.listAlarms(alarmPrefix(stack.id));
    expect(new Set(alarms.map((a) => a.alarm_actions[0]!.replace(/\/\/[^@/]*@/, '//')))).toEqual(
      new Set([`trust+${h.rt.url('classify-alarm')}`]), // Aodh shows its trust id as <id>:****@
    );
    const stored = JSON.stringify(await h.rt.store.list('armed:'));
    expect(stored).toContain(`trust+${h.rt.url('classify-alarm')}`);
    expect(stored).not.toContain(TOKEN);
    const before = await h.cloud.heat.listServers(stack);
    const victim = before.find((s) => s.resourceName === '2')!;
    await aodhCacheWait();
    await h.cloud.nova.deleteServer(victim.serverId);
    const incident = await waitIncident(
      h.rt,
      (r) =>
        r.incident.subject.type === 'server' && r.incident.subject.serverId === victim.serverId && settledStatus(r),
    );
    expect(incident).toMatchObject({ status: 'resolved', decision: { verdict: 'replace' } });
    const after = await h.cloud.heat.listServers(stack);
    expect(after.filter((a) => !before.some((b) => b.serverId === a.serverId)).map((s) => s.resourceName)).toEqual([
      '2',
    ]);
  });

  it('answers 401 to a forged and to a revoked token, 403 to a valid token of another user, and changes nothing', async () => {
    const before = await servers();
    const member = await labLogin('stackmend-lab-member');
    const admin = await labLogin('stackmend-lab');
    const body = await alarm();
    const json = { 'content-type': 'application/json' };

    // a second token of the member, revoked before it is sent (a token validated once is believed
    // for auth.keystone.cache_sec: core/runtime/token-cache.ts)
    const later = await labLogin('stackmend-lab-member');
    const valid = await post({ ...json, 'x-auth-token': member.token }, body);
    const forged = await post({ ...json, 'x-auth-token': `${member.token.slice(0, -4)}AAAA` }, body);
    const revoke = await fetch(`${labCloud().auth.auth_url}/auth/tokens`, {
      method: 'DELETE',
      headers: { 'X-Auth-Token': admin.token, 'X-Subject-Token': later.token },
    });
    const revoked = await post({ ...json, 'x-auth-token': later.token }, body);

    expect(valid.status).toBe(403);
    expect(valid.data).toMatchObject({ error: 'CallerNotAllowedError' });
    expect(forged.status).toBe(401);
    expect(revoke.status).toBe(204);
    expect(revoked.status).toBe(401);
    expect(revoked.data).toMatchObject({ error: 'InvalidKeystoneTokenError' });
    expect(await servers()).toEqual(before);
  });
});

describe('the internal functions and the REST API', () => {
  it.each(['mark-unhealthy', 'stack-update', 'evacuate', 'notify'])(
    '%s answers 401 without the runtime key, with or without a browser Origin',
    async (fn) => {
      const before = await servers();
      const activations = h.rt.whisk.activations().length;
      const body = { incident: 'server:00000000-0000-0000-0000-000000000000' };
      const plain = await post({ 'content-type': 'application/json' }, body, h.rt.url(fn as never));
      const browser = await post(
        { 'content-type': 'text/plain', origin: 'https://evil.example' },
        JSON.stringify(body),
        h.rt.url(fn as never),
      );
      const guest = await post(
        { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(GUEST).toString('base64')}` },
        body,
        h.rt.url(fn as never),
      );
      for (const res of [plain, browser, guest]) {
        expect(res.status).toBe(401);
        expect(res.headers['access-control-allow-origin']).toBeUndefined();
      }
      expect(h.rt.whisk.activations()).toHaveLength(activations);
      expect(await servers()).toEqual(before);
    },
  );

  it("refuses OpenWhisk's public guest key on the REST API (no parameter, no action deployed)", async () => {
    const guest = { Authorization: `Basic ${Buffer.from(GUEST).toString('base64')}` };
    const read = await fetch(`${h.rt.whisk.url}/api/v1/namespaces/guest/actions/stackmend/classify-alarm`, {
      headers: guest,
    });
    const deploy = await fetch(`${h.rt.whisk.url}/api/v1/namespaces/guest/actions/stackmend/evil`, {
      method: 'PUT',
      headers: { ...guest, 'content-type': 'application/json' },
      body: JSON.stringify({ exec: { kind: 'nodejs:20', code: 'function main(){return {env: process.env}}' } }),
    });
    expect(read.status).toBe(401);
    expect(deploy.status).toBe(401);
    expect(await read.text()).not.toContain('webhook_token');
  });
});
