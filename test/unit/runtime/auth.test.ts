/**
 * The public entry point's caller check (core/runtime/auth.ts), on recorded bodies and recorded Keystone
 * answers: each credential form names its principal, a wrong or missing one is a 401 that repeats nothing
 * the caller sent, nothing configured fails closed, and the body is capped before any of it.
 */
import { createHmac } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { authenticate, type AuthSettings, type AuthPorts } from '../../../core/runtime/auth';
import { AuthConfigSchema } from '../../../core/runtime/config';
import type { RawRequest } from '../../../core/runtime/envelope';
import { KeystoneSession } from '../../../core/openstack/keystone';
import { cloudConfigFromEntry } from '../../../core/openstack/config';
import { recorded, replay, startReplayServer } from '../../support/replay-server';

const EVENTS = path.join(__dirname, '../../events');
const alertmanager = fs.readFileSync(path.join(EVENTS, 'alertmanager/HostDown-firing.json'));
const aodh = fs.readFileSync(path.join(EVENTS, 'aodh/event-webhook-2.json'));

const BEARER = 'alertmanager-bearer-0123456789';
const PASSWORD = 'aodh-basic-password-0123';
const HMAC_SECRET = 'monitor-hmac-secret-0123456789abcdef';
const WEBHOOK = 'the-webhook-token';
const SECRETS = [BEARER, PASSWORD, HMAC_SECRET, WEBHOOK];

function settings(auth: Record<string, unknown> = {}, webhook_token?: string): AuthSettings {
  return { auth: AuthConfigSchema.parse(auth), webhook_token };
}
const configured = settings({
  bearer: [{ name: 'alertmanager', token: BEARER }],
  basic: [{ name: 'aodh-http', username: 'aodh', password: PASSWORD }],
  hmac: [{ name: 'host-monitor', secret: HMAC_SECRET }],
});

function request(headers: Record<string, string> = {}, bytes: Buffer = aodh, query: Record<string, string> = {}) {
  return {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    query,
    bytes,
    input: undefined,
    config: {},
    web: true,
  } satisfies RawRequest;
}
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const signed = (secret: string, bytes: Buffer) => `sha256=${createHmac('sha256', secret).update(bytes).digest('hex')}`;

async function refusal(run: Promise<unknown>) {
  const e = (await run.then(
    () => undefined,
    (error: unknown) => error,
  )) as (Error & { status: number }) | undefined;
  if (!e) throw new Error('expected a refusal');
  for (const s of SECRETS) expect(e.message).not.toContain(s);
  return e;
}

describe('authenticate', () => {
  it('names the principal of a Bearer token (Alertmanager http_config.authorization)', async () => {
    const who = await authenticate(request({ authorization: `Bearer ${BEARER}` }, alertmanager), configured, {});
    expect(who).toEqual({ via: 'bearer', name: 'alertmanager' });
  });

  it('names the principal of Basic credentials (an Aodh http://user:pass@host/ action)', async () => {
    const who = await authenticate(request({ authorization: basic('aodh', PASSWORD) }), configured, {});
    expect(who).toEqual({ via: 'basic', name: 'aodh-http' });
  });

  it('names the principal of an HMAC-SHA256 signature over the raw body, and refuses it once a byte changed', async () => {
    const header = { 'x-stackmend-signature': signed(HMAC_SECRET, aodh) };
    expect(await authenticate(request(header), configured, {})).toEqual({ via: 'hmac', name: 'host-monitor' });

    const tampered = Buffer.from(aodh.toString('utf8').replace('compute', 'c0mpute'));
    const e = await refusal(authenticate(request(header, tampered), configured, {}));
    expect(e.status).toBe(401);
  });

  it.each([
    ['a wrong Bearer token', { authorization: `Bearer ${BEARER}x` }],
    ['a wrong Basic password', { authorization: basic('aodh', `${PASSWORD}x`) }],
    ['a right password under another user', { authorization: basic('root', PASSWORD) }],
    ['a signature made with another secret', { 'x-stackmend-signature': signed('another-secret', aodh) }],
    ['a malformed signature', { 'x-stackmend-signature': 'md5=abc' }],
    ['no credential at all', {}],
  ])('refuses %s with 401, echoing nothing', async (_what, headers) => {
    const e = await refusal(authenticate(request(headers), configured, {}));
    expect(e).toMatchObject({ name: 'AuthenticationRequiredError', status: 401 });
  });

  it('fails closed when no credential is configured, unless insecure_no_auth says so', async () => {
    const closed = await refusal(authenticate(request(), settings(), {}));
    expect(closed.status).toBe(401);
    expect(closed.message).toMatch(/no credential configured/);
    expect(await authenticate(request(), settings({ insecure_no_auth: true }), {})).toEqual({
      via: 'insecure',
      name: 'anonymous',
    });
  });

  it('accepts webhook_token as a Bearer token, X-Stackmend-Token or Basic webhook:<token>, under the name webhook', async () => {
    const s = settings({}, WEBHOOK);
    const forms: Record<string, string>[] = [
      { authorization: `Bearer ${WEBHOOK}` },
      { 'x-stackmend-token': WEBHOOK },
      { authorization: basic('webhook', WEBHOOK) },
    ];
    for (const headers of forms) expect(await authenticate(request(headers), s, {})).toMatchObject({ name: 'webhook' });
  });

  it('takes the webhook token from the query string only when the legacy option is on', async () => {
    const q = request({}, aodh, { token: WEBHOOK });
    expect((await refusal(authenticate(q, settings({}, WEBHOOK), {}))).status).toBe(401);
    expect(await authenticate(q, settings({ legacy_query_token: true }, WEBHOOK), {})).toEqual({
      via: 'legacy-query-token',
      name: 'webhook',
    });
  });

  it('names the platform as the caller of an invocation that did not come over HTTP (a rule, a schedule)', async () => {
    const ruleFired = { ...request(), bytes: undefined, input: { reconcile: true }, web: false };
    expect(await authenticate(ruleFired, settings(), {})).toEqual({ via: 'platform', name: 'platform' });
  });

  it('answers 413 for a body over 1 MB before looking at any credential', async () => {
    const big = Buffer.alloc(1024 * 1024 + 1, 0x20);
    const e = await refusal(authenticate(request({}, big), settings(), {}));
    expect(e).toMatchObject({ name: 'PayloadTooLargeError', status: 413 });
  });
});

describe('authenticate with Keystone tokens (Aodh trust+http:// actions send X-Auth-Token)', () => {
  const member = recorded('keystone-token-validate').response.body as { token: { expires_at: string } };
  let keystone: Awaited<ReturnType<typeof startReplayServer>>;
  let ports: AuthPorts;
  beforeAll(async () => {
    keystone = await startReplayServer((r) => {
      if (r.method === 'POST') {
        const issued = replay('keystone-token-issue') as Exclude<ReturnType<typeof replay>, 'reset'>;
        return { ...issued, headers: { ...issued.headers, 'X-Subject-Token': 'own' } };
      }
      const known = r.headers['x-subject-token'] === 'member-token';
      return replay(known ? 'keystone-token-validate' : 'keystone-token-validate-unknown');
    });
    const session = new KeystoneSession(
      cloudConfigFromEntry('lab', {
        auth: { auth_url: keystone.url, username: 'admin', password: 'admin', project_name: 'admin' },
      }),
      { now: () => Date.parse(member.token.expires_at) - 60_000 },
    );
    ports = { keystone: () => session };
  });
  afterAll(() => keystone.close());

  it("accepts a token whose user holds a configured role, named after Keystone's user", async () => {
    const who = await authenticate(
      request({ 'x-auth-token': 'member-token' }),
      settings({ keystone: { roles: ['member'] } }),
      ports,
    );
    expect(who).toEqual({ via: 'keystone', name: 'stackmend-member', roles: ['member', 'reader'], project: 'demo' });
  });

  it('refuses a valid token of a user that is neither a configured user nor holds a configured role (403)', async () => {
    const e = await refusal(
      authenticate(request({ 'x-auth-token': 'member-token' }), settings({ keystone: { users: ['aodh'] } }), ports),
    );
    expect(e).toMatchObject({ name: 'CallerNotAllowedError', status: 403 });
  });

  it('refuses a forged token with 401', async () => {
    const e = await refusal(
      authenticate(request({ 'x-auth-token': 'forged' }), settings({ keystone: { roles: ['member'] } }), ports),
    );
    expect(e).toMatchObject({ name: 'InvalidKeystoneTokenError', status: 401 });
  });

  it('ignores X-Auth-Token when Keystone callers are not configured', async () => {
    const e = await refusal(authenticate(request({ 'x-auth-token': 'member-token' }), configured, ports));
    expect(e.status).toBe(401);
    expect(keystone.requests.filter((r) => r.method === 'GET')).toHaveLength(3);
  });

  it('needs a user or a role to be configured', () => {
    expect(AuthConfigSchema.safeParse({ keystone: {} }).success).toBe(false);
  });
});
