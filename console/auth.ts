/**
 * Who is using the console. A login is Keystone credentials (checked by Keystone itself,
 * core/openstack/keystone.ts: the roles of the token decide whether the user may act) or the configured
 * operator credential; it becomes a session kept in the state store (so that every container of a
 * deployed web action knows it), named by a random id in an HttpOnly, SameSite=Strict cookie. Only
 * the id's SHA-256 is stored. Without the operator role a session is read-only.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import * as z from 'zod';
import { StackmendError } from '../core/domain/errors';
import type { Principal } from '../core/domain/fence';
import type { CloudConfig } from '../core/openstack/config';
import { OpenStackApiError } from '../core/openstack/errors';
import { KeystoneSession } from '../core/openstack/keystone';
import type { StateStore } from '../core/state/store';
import type { ConsoleConfig } from './config';

export const COOKIE = 'stackmend_console';
const sessionKey = (id: string) => `console-session:${createHash('sha256').update(id).digest('hex')}`;

export type Session = { who: Principal; roles: string[]; operator: boolean; expiresAt: string };
const SessionSchema = z.object({
  who: z.object({ via: z.string(), name: z.string() }),
  roles: z.array(z.string()),
  operator: z.boolean(),
  expiresAt: z.string(),
});

export class LoginRefusedError extends StackmendError {
  override readonly status = 401;
}
export class NotSignedInError extends StackmendError {
  override readonly status = 401;
  constructor() {
    super('sign in first: POST /ui/api/login with Keystone credentials or the operator credential');
  }
}
export class NotAnOperatorError extends StackmendError {
  override readonly status = 403;
  constructor(s: Session, roles: string[]) {
    super(
      `${s.who.name} (${s.who.via}; roles ${s.roles.join(', ') || 'none'}) may look but not act: ` +
        `an operator holds one of the roles ${roles.join(', ')}, or signs in with the operator credential`,
    );
  }
}

export type KeystoneCredentials = { username: string; password: string; project?: string; domain?: string };
/** Asks Keystone who these credentials are; rejects with UnauthorizedError when it refuses them. */
export type KeystoneLogin = (c: KeystoneCredentials) => Promise<{ name: string; roles: string[] }>;

/** Keystone of `cloud`, asked for a token scoped to `project` (default: the cloud's own project). */
export function keystoneLogin(cloud: CloudConfig): KeystoneLogin {
  return async (c) => {
    const domain = { name: c.domain ?? 'Default' };
    const own = cloud.auth.type === 'password' ? cloud.auth.project : undefined;
    const project = c.project ? { name: c.project, domain } : own;
    if (!project)
      throw new LoginRefusedError('name the project to sign in to: the console cloud uses an application credential');
    const t = await new KeystoneSession({
      ...cloud,
      name: `${cloud.name} (console login of ${c.username})`,
      auth: { type: 'password', username: c.username, password: c.password, userDomain: domain, project },
    }).session();
    return { name: t.userName ?? t.userId, roles: t.roles };
  };
}

export const LoginSchema = z.discriminatedUnion('method', [
  z.object({
    method: z.literal('keystone'),
    username: z.string().min(1).max(255),
    password: z.string().min(1).max(4096),
    project: z.string().min(1).max(255).optional(),
    domain: z.string().min(1).max(255).optional(),
  }),
  /** `name`: who is holding the shared credential, as they say; recorded next to it. */
  z.object({
    method: z.literal('token'),
    token: z.string().min(1).max(4096),
    name: z.string().min(1).max(64).optional(),
  }),
]);
export type Login = z.infer<typeof LoginSchema>;

const sameSecret = (a: string, b: string) => {
  const [x, y] = [Buffer.from(a), Buffer.from(b)];
  return x.length === y.length && timingSafeEqual(x, y);
};

export class Sessions {
  constructor(
    private readonly o: { store: StateStore; config: ConsoleConfig; keystone: KeystoneLogin; now: () => number },
  ) {}

  /** A new session for the login, or LoginRefusedError saying why not. Returns the cookie's id. */
  async login(l: Login): Promise<{ id: string; session: Session }> {
    const c = this.o.config;
    let who: Principal;
    let roles: string[];
    if (l.method === 'token') {
      if (!c.operator_token || !sameSecret(l.token, c.operator_token))
        throw new LoginRefusedError('that is not the operator credential (STACKMEND_CONSOLE_TOKEN): nothing signed in');
      who = { via: 'console-token', name: l.name ?? 'operator' };
      roles = [];
    } else {
      const user = await this.o.keystone(l).catch((e: unknown) => {
        if (e instanceof OpenStackApiError && (e.status === 401 || e.status === 403))
          throw new LoginRefusedError(
            `Keystone refused the credentials of ${l.username} (${e.status}): nothing signed in`,
          );
        throw e;
      });
      who = { via: 'keystone', name: user.name };
      roles = user.roles;
    }
    const operator = who.via === 'console-token' || roles.some((r) => c.operator_roles.includes(r));
    const expiresAt = new Date(this.o.now() + c.session_ttl_sec * 1000).toISOString();
    const session: Session = { who, roles, operator, expiresAt };
    const id = randomBytes(32).toString('base64url');
    await this.o.store.put(sessionKey(id), session, { ttlSeconds: c.session_ttl_sec });
    return { id, session };
  }

  async logout(headers: IncomingHttpHeaders): Promise<void> {
    const id = cookieOf(headers);
    if (id) await this.o.store.delete(sessionKey(id));
  }

  /** The request's session, or undefined (no cookie, unknown, expired). */
  async of(headers: IncomingHttpHeaders): Promise<Session | undefined> {
    const id = cookieOf(headers);
    const s = id && SessionSchema.safeParse(await this.o.store.get(sessionKey(id))).data;
    return s && Date.parse(s.expiresAt) > this.o.now() ? s : undefined;
  }

  async require(headers: IncomingHttpHeaders, operator = false): Promise<Session> {
    const s = await this.of(headers);
    if (!s) throw new NotSignedInError();
    if (operator && !s.operator) throw new NotAnOperatorError(s, this.o.config.operator_roles);
    return s;
  }
}

export function cookieOf(headers: IncomingHttpHeaders): string | undefined {
  for (const part of (headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === COOKIE) return v.join('=') || undefined;
  }
  return undefined;
}

export const setCookie = (id: string, maxAgeSec: number) =>
  `${COOKIE}=${id}; Path=/ui; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSec}`;
export const clearCookie = () => `${COOKIE}=; Path=/ui; HttpOnly; SameSite=Strict; Max-Age=0`;
