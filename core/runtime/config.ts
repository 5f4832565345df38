/**
 * Runtime configuration, parsed from an action's (default) parameters. Nothing reads
 * process.env here: adapters pass parameters in, the CLI builds them from flags/env.
 */
import * as z from 'zod';
import { CloudEntrySchema } from '../openstack/config';
import { PolicySchema } from '../policy/policy';

/** `queue`: the state store's due queue (picked up by reconcile); `inprocess` only inside `stackmend serve`. */
export const TRANSPORT_NAMES = ['queue', 'inprocess', 'http', 'openwhisk', 'zaqar'] as const;

export const DispatchConfigSchema = z.object({
  transport: z.enum(TRANSPORT_NAMES).default('queue'),
  /** http: base URL of the web actions, e.g. http://127.0.0.1:3233/api/v1/web/guest/stackmend */
  base_url: z.string().optional(),
  /** openwhisk: REST API host, namespace and "uuid:key" auth for trigger fires. */
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

export const RuntimeConfigSchema = z.object({
  /** A clouds.yaml entry name (local runs) … */
  cloud: z.string().optional(),
  /** … or the entry itself (deployed actions get it as a default parameter). */
  os_auth: CloudEntrySchema.optional(),
  state_url: z.string().default('file:.stackmend/state'),
  dispatch: DispatchConfigSchema.default({ transport: 'queue', queue_prefix: 'stackmend-' }),
  notify: NotifyConfigSchema.default({}),
  /** When set, classify-alarm requires `?token=` (or X-Stackmend-Token) to match. */
  webhook_token: z.string().optional(),
  dry_run: z.boolean().default(false),
  policy: PolicySchema.default(PolicySchema.parse({})),
  log_level: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
});
export type RuntimeConfig = z.infer<typeof RuntimeConfigSchema>;
export type DispatchConfig = z.infer<typeof DispatchConfigSchema>;

/** Parameters that configure stackmend, as opposed to the step's own input. */
export const CONFIG_KEYS = Object.keys(RuntimeConfigSchema.shape) as (keyof RuntimeConfig)[];
