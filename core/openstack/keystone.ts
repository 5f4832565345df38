/**
 * Keystone v3: token issue (password or application credential), a token cache
 * that re-authenticates before expiry and after a 401, and catalog lookup.
 */
import type { Agent } from 'node:https';
import * as z from 'zod';
import { ConfigError, StackmendError } from '../domain/errors';
import { silentLogger, type Logger } from '../domain/log';
import type { CloudConfig } from './config';
import { ForbiddenError, NotFoundError, UnauthorizedError } from './errors';
import { definedOnly, ServiceHttp, type TokenSource } from './http';
import { httpsAgentFor } from './tls';

const EndpointSchema = z.object({
  interface: z.string(),
  url: z.string(),
  region: z.string().nullish(),
  region_id: z.string().nullish(),
});
const CatalogEntrySchema = z.object({
  type: z.string(),
  name: z.string().optional(),
  endpoints: z.array(EndpointSchema),
});
/** Recorded: test/fixtures/openstack/keystone-token-issue.json (201, token in X-Subject-Token). */
export const TokenBodySchema = z.object({
  token: z.object({
    expires_at: z.string(),
    user: z.object({ id: z.string(), name: z.string().optional() }),
    project: z.object({ id: z.string(), name: z.string().optional() }).optional(),
    roles: z.array(z.object({ name: z.string() })).optional(),
    catalog: z.array(CatalogEntrySchema).optional(),
  }),
});
export type CatalogEntry = z.infer<typeof CatalogEntrySchema>;

const NamedInDomain = z.object({
  id: z.string(),
  name: z.string(),
  domain: z.object({ id: z.string(), name: z.string().optional() }),
});
/** Recorded: test/fixtures/openstack/keystone-token-validate.json (GET /v3/auth/tokens?nocatalog, 200). */
export const ValidatedTokenBodySchema = z.object({
  token: z.object({
    expires_at: z.string(),
    user: NamedInDomain,
    project: NamedInDomain.optional(),
    roles: z.array(z.object({ id: z.string().optional(), name: z.string() })).default([]),
  }),
});

/** Who a caller's Keystone token says they are, as Keystone itself answered. */
export type ValidatedToken = {
  user: { id: string; name: string; domain: string };
  project?: { id: string; name: string; domain: string };
  roles: string[];
  expiresAt: number; // epoch ms
};

/** A token Keystone does not recognise: forged, revoked or expired (Keystone answers 404 for all three). */
export class InvalidKeystoneTokenError extends StackmendError {
  override readonly status = 401;
  constructor(options?: { cause?: unknown }) {
    super(
      'the X-Auth-Token is not a valid Keystone token (unknown, revoked or expired): send a fresh token, ' +
        'or an Aodh trust+http:// alarm action (Aodh gets one through its trust)',
      options,
    );
  }
}

export type Token = {
  value: string;
  expiresAt: number; // epoch ms
  userId: string;
  /** The Keystone user's name, when Keystone gave it (it does on a password token). */
  userName?: string;
  projectId?: string;
  roles: string[];
  catalog: CatalogEntry[];
};

export type KeystoneOptions = {
  /** Re-authenticate this long before the token expires. */
  refreshMarginMs?: number;
  now?: () => number;
  log?: Logger;
  /** Per Keystone request; an undefined value keeps KEYSTONE_TIMEOUT_MS. */
  timeoutMs?: number;
};

/** Every step needs a token first: a hung Keystone must fail it well inside the action's time limit. */
export const KEYSTONE_TIMEOUT_MS = 10_000;

export function authBody(cfg: CloudConfig): unknown {
  const a = cfg.auth;
  if (a.type === 'application_credential') {
    return {
      auth: {
        identity: { methods: ['application_credential'], application_credential: { id: a.id, secret: a.secret } },
      },
    };
  }
  const user = a.userId
    ? { id: a.userId, password: a.password }
    : { name: a.username, domain: a.userDomain, password: a.password };
  const project = a.project.id ? { id: a.project.id } : { name: a.project.name, domain: a.project.domain };
  return { auth: { identity: { methods: ['password'], password: { user } }, scope: { project } } };
}

/** Picks the endpoint URL for a service type, preferring the configured interface and region. */
export function findEndpoint(
  catalog: CatalogEntry[],
  type: string,
  iface: string,
  region?: string,
): string | undefined {
  const entry = catalog.find((c) => c.type === type);
  if (!entry) return undefined;
  const inRegion = entry.endpoints.filter((e) => !region || e.region === region || e.region_id === region);
  return (inRegion.find((e) => e.interface === iface) ?? inRegion[0])?.url.replace(/\/+$/, '');
}

export class KeystoneSession implements TokenSource {
  private current?: Token;
  private pending?: Promise<Token>;
  private readonly http: ServiceHttp;
  private readonly o: Required<KeystoneOptions>;
  /** The cloud's CA / verify setting; cloud.ts hands it to every service client. */
  readonly httpsAgent: Agent | undefined;

  constructor(
    readonly config: CloudConfig,
    opts: KeystoneOptions = {},
  ) {
    this.o = {
      refreshMarginMs: 5 * 60_000,
      now: Date.now,
      log: silentLogger,
      timeoutMs: KEYSTONE_TIMEOUT_MS,
      ...definedOnly(opts),
    };
    this.httpsAgent = httpsAgentFor(config.name, config.tls, this.o.log);
    this.http = new ServiceHttp({
      service: 'keystone',
      baseUrl: async () => config.authUrl,
      log: this.o.log,
      timeoutMs: this.o.timeoutMs,
      httpsAgent: this.httpsAgent,
    });
  }

  /** Bound of one Keystone request (ms). */
  get timeoutMs(): number {
    return this.o.timeoutMs;
  }

  /** A valid token, issuing a new one when none is cached or it is about to expire. */
  async token(): Promise<string> {
    return (await this.session()).value;
  }

  async session(): Promise<Token> {
    const t = this.current;
    if (t && t.expiresAt - this.o.refreshMarginMs > this.o.now()) return t;
    this.pending ??= this.issue().finally(() => (this.pending = undefined)); // one re-auth for concurrent callers
    return this.pending;
  }

  invalidate(token: string): void {
    if (this.current?.value === token) this.current = undefined;
  }

  async endpoint(serviceType: string): Promise<string> {
    const t = await this.session();
    const url = findEndpoint(t.catalog, serviceType, this.config.interface, this.config.region);
    if (!url) {
      throw new ConfigError(
        `the Keystone catalog of cloud "${this.config.name}" has no ${this.config.interface} endpoint for service type "${serviceType}"` +
          `${this.config.region ? ` in region ${this.config.region}` : ''}: register the service or pick another interface/region`,
      );
    }
    return url;
  }

  async projectId(): Promise<string> {
    const t = await this.session();
    if (!t.projectId)
      throw new ConfigError(`cloud "${this.config.name}" gives an unscoped token: set project_name or project_id`);
    return t.projectId;
  }

  private identityHttp?: ServiceHttp;
  /** Keystone's API with this session's token (trust clean-up), through the same retrying client. */
  get identity(): ServiceHttp {
    this.identityHttp ??= new ServiceHttp({
      service: 'keystone',
      baseUrl: async () => this.config.authUrl,
      auth: this,
      log: this.o.log,
      timeoutMs: this.o.timeoutMs,
      httpsAgent: this.httpsAgent,
    });
    return this.identityHttp;
  }

  /**
   * Asks Keystone who a caller's token belongs to (`GET /v3/auth/tokens`, X-Auth-Token: this session's
   * token, X-Subject-Token: the caller's). Needs `identity:validate_token` (admin or service role).
   */
  async validateToken(subjectToken: string): Promise<ValidatedToken> {
    if (!subjectToken) throw new InvalidKeystoneTokenError();
    let data: unknown;
    try {
      data = (
        await this.identity.get<unknown>('auth/tokens', {
          query: { nocatalog: true },
          headers: { 'X-Subject-Token': subjectToken },
        })
      ).data;
    } catch (e) {
      if (e instanceof NotFoundError || e instanceof UnauthorizedError)
        throw new InvalidKeystoneTokenError({ cause: e });
      if (e instanceof ForbiddenError)
        throw new ConfigError(
          `cloud "${this.config.name}" may not validate tokens (identity:validate_token): give its user the admin or service role`,
          { cause: e },
        );
      throw e;
    }
    const t = ValidatedTokenBodySchema.parse(data).token;
    const expiresAt = Date.parse(t.expires_at);
    if (!(expiresAt > this.o.now())) throw new InvalidKeystoneTokenError();
    const named = (x: z.infer<typeof NamedInDomain>) => ({
      id: x.id,
      name: x.name,
      domain: x.domain.name ?? x.domain.id,
    });
    return {
      user: named(t.user),
      project: t.project ? named(t.project) : undefined,
      roles: t.roles.map((r) => r.name),
      expiresAt,
    };
  }

  private async issue(): Promise<Token> {
    const res = await this.http.post<unknown>('auth/tokens', authBody(this.config), { idempotent: true });
    const value = res.headers['x-subject-token'];
    const body = TokenBodySchema.parse(res.data);
    if (!value)
      throw new ConfigError(
        'Keystone issued a token without the X-Subject-Token header; is auth_url a Keystone v3 endpoint?',
      );
    const t = body.token;
    this.current = {
      value,
      expiresAt: Date.parse(t.expires_at),
      userId: t.user.id,
      userName: t.user.name,
      projectId: t.project?.id,
      roles: (t.roles ?? []).map((r) => r.name),
      catalog: t.catalog ?? [],
    };
    this.o.log.debug('keystone token issued', {
      cloud: this.config.name,
      expiresAt: t.expires_at,
      requestId: res.requestId,
    });
    return this.current;
  }
}
