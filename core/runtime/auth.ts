/**
 * Who is calling a public entry point, decided from the headers (and, for a signature, the raw
 * bytes) before anything parses the body. Every comparison is constant-time over SHA-256 digests
 * and visits every configured credential; no error message repeats what the caller sent.
 * No credential configured fails closed unless `auth.insecure_no_auth` says otherwise. Invocations that
 * did not come over HTTP (rules, triggers, schedules) were authenticated by the platform: `platform`.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { ConfigError, StackmendError } from '../domain/errors';
import type { ValidatedToken } from '../openstack/keystone';
import { capBody } from './body';
import type { AuthConfig } from './config';
import type { RawRequest } from './envelope';

export const PRINCIPAL_KINDS = [
  'bearer',
  'basic',
  'hmac',
  'keystone',
  'legacy-query-token',
  'insecure',
  'platform',
] as const;
export type PrincipalKind = (typeof PRINCIPAL_KINDS)[number];
/** `name` is the credential's configured name (Keystone: the user's name); a policy refers to callers by it. */
export type Principal = { via: PrincipalKind; name: string; roles?: string[]; project?: string };

export const SIGNATURE_HEADER = 'x-stackmend-signature';
/** The name `webhook_token` is known by, as a Bearer token, X-Stackmend-Token, Basic user or legacy query token. */
export const WEBHOOK = 'webhook';

export interface TokenValidator {
  validateToken(token: string): Promise<ValidatedToken>;
}
export type AuthPorts = { keystone?: () => TokenValidator };
export type AuthSettings = { auth: AuthConfig; webhook_token?: string };

export class AuthenticationRequiredError extends StackmendError {
  override readonly status = 401;
}
export class CallerNotAllowedError extends StackmendError {
  override readonly status = 403;
}

type Presented = { kind: Exclude<PrincipalKind, 'insecure' | 'platform'>; value: string };
/** Invoked by the platform, not over HTTP: OpenWhisk checked the namespace key, Lambda the IAM policy. */
export const PLATFORM: Principal = { via: 'platform', name: 'platform' };

const digest = (v: string | Buffer) => createHash('sha256').update(v).digest();
const same = (a: string | Buffer, b: string | Buffer) => timingSafeEqual(digest(a), digest(b));
/** The first item that passes, after testing every item (no early exit on a match). */
function matching<T>(items: readonly T[], test: (item: T) => boolean): T | undefined {
  let found: T | undefined;
  for (const item of items) if (test(item) && found === undefined) found = item;
  return found;
}

/** The configured credentials, `webhook_token` included under the name `webhook`. */
function credentials({ auth, webhook_token: token }: AuthSettings) {
  const bearer = token ? [...auth.bearer, { name: WEBHOOK, token }] : auth.bearer;
  const basic = token ? [...auth.basic, { name: WEBHOOK, username: WEBHOOK, password: token }] : auth.basic;
  return {
    bearer,
    basic,
    hmac: auth.hmac,
    keystone: auth.keystone,
    query: auth.legacy_query_token ? token : undefined,
  };
}

function presented(req: RawRequest, c: ReturnType<typeof credentials>): Presented[] {
  const out: Presented[] = [];
  const authz = /^(bearer|basic)\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  if (authz) out.push({ kind: authz[1]!.toLowerCase() as 'bearer' | 'basic', value: authz[2]! });
  if (req.headers['x-stackmend-token']) out.push({ kind: 'bearer', value: req.headers['x-stackmend-token'] });
  if (req.headers[SIGNATURE_HEADER]) out.push({ kind: 'hmac', value: req.headers[SIGNATURE_HEADER] });
  if (c.keystone && req.headers['x-auth-token']) out.push({ kind: 'keystone', value: req.headers['x-auth-token'] });
  if (c.query && req.query.token) out.push({ kind: 'legacy-query-token', value: req.query.token });
  return out;
}

const refused = (what: string) =>
  new AuthenticationRequiredError(`${what} was not accepted: check the credential configured for this sender`);

async function check(p: Presented, req: RawRequest, c: ReturnType<typeof credentials>, ports: AuthPorts) {
  switch (p.kind) {
    case 'bearer': {
      const hit = matching(c.bearer, (b) => same(b.token, p.value));
      if (!hit) throw refused('the Bearer token');
      return { via: p.kind, name: hit.name };
    }
    case 'basic': {
      const [user = '', ...rest] = Buffer.from(p.value, 'base64').toString('utf8').split(':');
      const password = rest.join(':');
      const hit = matching(c.basic, (b) => [same(b.username, user), same(b.password, password)].every(Boolean));
      if (!hit) throw refused('the Basic username and password');
      return { via: p.kind, name: hit.name };
    }
    case 'hmac': {
      const given = /^sha256=([0-9a-f]{64})$/i.exec(p.value.trim())?.[1];
      if (!given || !req.bytes)
        throw refused(`${SIGNATURE_HEADER} (sha256=<hex>, over the raw body of a raw-http web action)`);
      const sig = Buffer.from(given, 'hex');
      const hit = matching(c.hmac, (h) => same(createHmac('sha256', h.secret).update(req.bytes!).digest(), sig));
      if (!hit) throw refused(`the ${SIGNATURE_HEADER} signature`);
      return { via: p.kind, name: hit.name };
    }
    case 'keystone':
      return keystone(p.value, c.keystone!, ports);
    case 'legacy-query-token':
      if (!same(c.query!, p.value)) throw refused('the ?token= query parameter');
      return { via: p.kind, name: WEBHOOK };
    default: {
      const unreachable: never = p.kind;
      return unreachable;
    }
  }
}

async function keystone(token: string, allowed: NonNullable<AuthConfig['keystone']>, ports: AuthPorts) {
  if (!ports.keystone)
    throw new ConfigError('auth.keystone is configured but no cloud is: set cloud or os_auth to validate tokens');
  const t = await ports.keystone().validateToken(token);
  const byUser = allowed.users.includes(t.user.id) || allowed.users.includes(t.user.name);
  if (!byUser && !t.roles.some((r) => allowed.roles.includes(r)))
    throw new CallerNotAllowedError(
      `Keystone user ${t.user.name} (project ${t.project?.name ?? 'none'}, roles ${t.roles.join(', ') || 'none'}) ` +
        'is not among auth.keystone.users or auth.keystone.roles: add it there if it may report alarms',
    );
  return { via: 'keystone' as const, name: t.user.name, roles: t.roles, project: t.project?.name };
}

/** Whether any credential is configured (else classify-alarm fails closed, or is explicitly insecure). */
export function credentialsConfigured(settings: AuthSettings): boolean {
  const c = credentials(settings);
  return c.bearer.length + c.basic.length + c.hmac.length > 0 || !!c.keystone;
}

/** The caller's principal, or a 401/403/413; the body is capped first and never parsed here. */
export async function authenticate(req: RawRequest, settings: AuthSettings, ports: AuthPorts): Promise<Principal> {
  if (!req.web) return PLATFORM; // its reconcile tick, a rule: the platform already authenticated the caller
  capBody(req.bytes);
  const c = credentials(settings);
  const offered = presented(req, c);
  if (!credentialsConfigured(settings) && !settings.auth.insecure_no_auth)
    throw new AuthenticationRequiredError(
      'classify-alarm has no credential configured, so it accepts no caller: configure auth (bearer, basic, hmac, ' +
        'keystone) or webhook_token, or set auth.insecure_no_auth: true for a lab',
    );
  let first: unknown;
  for (const p of offered) {
    try {
      return await check(p, req, c, ports);
    } catch (e) {
      first ??= e;
    }
  }
  if (first) throw first;
  if (settings.auth.insecure_no_auth) return { via: 'insecure', name: 'anonymous' };
  throw new AuthenticationRequiredError(
    'no credential: send Authorization (Bearer or Basic), X-Stackmend-Signature, or a Keystone X-Auth-Token',
  );
}
