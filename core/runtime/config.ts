/**
 * Runtime configuration, parsed from an action's (default) parameters. Nothing reads
 * process.env here: adapters pass parameters in, the CLI builds them from flags/env.
 */
import * as z from 'zod';
import { toSchemaIssues } from '../domain/alarms/issues';
import { ConfigError } from '../domain/errors';
import { CloudEntrySchema } from '../openstack/config';
import { PolicySchema } from '../policy/policy';

/** `queue`: the state store's due queue (picked up by reconcile); `inprocess` only inside `stackmend serve`. */
export const TRANSPORT_NAMES = ['queue', 'inprocess', 'http', 'openwhisk', 'zaqar'] as const;

export const DispatchConfigSchema = z.object({
  transport: z.enum(TRANSPORT_NAMES).default('queue'),
  /** http: base URL of the web actions, e.g. http://127.0.0.1:3233/api/v1/web/guest/stackmend */
  base_url: z.string().optional(),
  /**
   * openwhisk: REST API host, namespace and "uuid:key" auth for trigger fires (http: the auth of the web actions).
   * Deployed on OpenWhisk, each defaults to the activation's own (`__OW_API_HOST`, `__OW_NAMESPACE`, and the
   * key OpenWhisk hands an action annotated `provide-api-key: true`; core/runtime/adapters.ts).
   */
  api_host: z.string().optional(),
  namespace: z.string().optional(),
  auth: z.string().optional(),
  /** zaqar: queue name prefix; one queue per step (`<prefix><step>`). */
  queue_prefix: z.string().default('stackmend-'),
});

export const NotifyConfigSchema = z.object({
  webhook_url: z.string().url().optional(),
  zaqar_queue: z.string().optional(),
});

/** A credential's name is the principal name a policy refers to (e.g. a trusted fencer). */
const CredentialName = z
  .string()
  .regex(/^[A-Za-z0-9][\w.@:-]{0,63}$/, { message: 'a name is 1-64 letters, digits, _ . @ : -' });
const Secret = (min: number) => z.string().min(min, { message: `must be at least ${min} characters` });

/**
 * Who may call classify-alarm, the one public entry point (core/runtime/auth.ts checks it).
 * Each credential is named; the name is the caller's principal.
 */
export const AuthConfigSchema = z.object({
  /** `Authorization: Bearer <token>` (Alertmanager `http_config.authorization`). */
  bearer: z.array(z.object({ name: CredentialName, token: Secret(16) })).default([]),
  /** `Authorization: Basic` (Alertmanager `basic_auth`; Aodh and Zaqar send it for `http://user:pass@host/` URLs). */
  basic: z
    .array(
      z.object({
        name: CredentialName,
        username: z.string().regex(/^[^:]+$/, { message: 'a Basic username holds no colon' }),
        password: Secret(16),
      }),
    )
    .default([]),
  /** `X-Stackmend-Signature: sha256=<hex HMAC-SHA256 of the raw body>` (a monitor that signs what it sends). */
  hmac: z.array(z.object({ name: CredentialName, secret: Secret(32) })).default([]),
  /**
   * Keystone tokens in `X-Auth-Token`, accepted for these users (name or id) or roles only. Aodh `trust+http://`
   * actions send a token of the alarm's creator (its trust impersonates them): the user `stackmend arm` runs as.
   */
  keystone: z
    .object({
      users: z.array(z.string().min(1)).default([]),
      roles: z.array(z.string().min(1)).default([]),
      /**
       * How long a validation Keystone answered is believed without asking again (core/runtime/token-cache.ts),
       * never past the token's expiry; also how long a revoked token is still accepted. 0: ask every time.
       */
      cache_sec: z.number().int().min(0).max(300).default(30),
    })
    .refine((k) => k.users.length + k.roles.length > 0, {
      message: 'name the Keystone users (name or id) or roles whose tokens classify-alarm accepts',
    })
    .optional(),
  /** Also accept `webhook_token` as `?token=`: it then sits in alarm definitions and Aodh's INFO log. */
  legacy_query_token: z.boolean().default(false),
  /** Accept requests that carry no credential at all (the principal is `insecure`). For a lab only. */
  insecure_no_auth: z.boolean().default(false),
});
export type AuthConfig = z.infer<typeof AuthConfigSchema>;
const NO_AUTH = { bearer: [], basic: [], hmac: [], legacy_query_token: false, insecure_no_auth: false };

export const RuntimeConfigSchema = z.object({
  /** A clouds.yaml entry name (local runs) … */
  cloud: z.string().optional(),
  /** … or the entry itself (deployed actions get it as a default parameter). */
  os_auth: CloudEntrySchema.optional(),
  state_url: z.string().default('file:.stackmend/state'),
  /**
   * Lets a deployed bundle (OpenWhisk `main`, Lambda `handler`) use a `file:` or `memory:` state_url, which it
   * refuses otherwise (functions/_shared/deps.ts): only for a bundle run by hand in one process on one machine.
   */
  allow_local_state: z.boolean().default(false),
  dispatch: DispatchConfigSchema.default({ transport: 'queue', queue_prefix: 'stackmend-' }),
  notify: NotifyConfigSchema.default({}),
  /**
   * A shared secret for classify-alarm, named `webhook`: `Authorization: Bearer`, `X-Stackmend-Token`, or Basic
   * `webhook:<token>`; `?token=` only with `auth.legacy_query_token`.
   */
  webhook_token: z
    .string()
    .optional()
    .transform((t) => t || undefined), // a stage's `${env:…, ''}`: none, so classify-alarm fails closed
  auth: AuthConfigSchema.default(NO_AUTH),
  /** Basic credentials of Redfish BMCs, named by the policy's `fencing.hosts.<host>.credential`. */
  fencing_credentials: z
    .array(z.object({ name: CredentialName, username: z.string().min(1), password: z.string().min(1) }))
    .default([]),
  dry_run: z.boolean().default(false),
  policy: PolicySchema.default(PolicySchema.parse({})),
  log_level: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
});
export type RuntimeConfig = z.infer<typeof RuntimeConfigSchema>;
export type DispatchConfig = z.infer<typeof DispatchConfigSchema>;

/** Parameters that configure stackmend, as opposed to the step's own input. */
export const CONFIG_KEYS = Object.keys(RuntimeConfigSchema.shape) as (keyof RuntimeConfig)[];

/** The runtime configuration from an action's parameters, or a ConfigError naming each invalid key. */
export function parseRuntimeConfig(params: Record<string, unknown>): RuntimeConfig {
  const parsed = RuntimeConfigSchema.safeParse(params);
  if (parsed.success) return parsed.data;
  const issues = toSchemaIssues(parsed.error).map((i) => `${i.path}: ${i.message}`);
  throw new ConfigError(`stackmend parameters are invalid: ${issues.join('; ')}`);
}
