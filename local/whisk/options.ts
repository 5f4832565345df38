/**
 * The programmatic surface of the local runtime: its options (validated with zod at the edge) and
 * the handle `startLocalWhisk` returns.
 */
import * as z from 'zod';
import type { HttpReply, WhiskRequest } from './http';
import type { ActivationRecord, LogSink } from './types';

/**
 * OpenWhisk's well-known development key for the `guest` namespace. It is published in OpenWhisk's
 * repository, so anyone holding it could read actions' parameters and deploy code: refused here.
 */
export const GUEST_AUTH =
  '23bc46b1-71f6-4ed5-8c54-816aa4f8c502:123zO3xZCLrMN6v2BKK1dXYFpXlPkccOFqm12CdAsMgRU4VrNZ9lyGVCGuMDGIwP';

const OptionsSchema = z.object({
  /** 0 picks a free port */
  port: z.number().int().min(0).max(65535).default(3233),
  host: z.string().min(1).default('127.0.0.1'),
  namespace: z
    .string()
    .regex(/^[\w@.-]+$/, { message: 'namespace may hold letters, digits, @ . _ -' })
    .default('guest'),
  /** `uuid:key`, checked as Basic auth on the REST API; generated at start (see ./api-key.ts) when absent */
  auth: z
    .string()
    .regex(/^[^:]+:.{32,}$/, { message: 'auth must look like uuid:key, the key at least 32 characters' })
    .refine((a) => a !== GUEST_AUTH, {
      message: "is OpenWhisk's public guest key: leave it out to get a generated one",
    })
    .optional(),
  /** where the generated key is kept (mode 0600) and read back on the next start; memory only when absent */
  keyFile: z.string().min(1).optional(),
  /** the runtime's own files; a temporary directory (removed on close) when absent */
  dataDir: z.string().min(1).optional(),
  /** containers per action version (each runs one activation at a time; OpenWhisk scales the same way) */
  containerConcurrency: z.number().int().positive().default(4),
  /** how long a warm container is kept unused before it is destroyed (OpenWhisk: 10 minutes) */
  containerIdleMs: z.number().int().positive().default(600_000),
  /** structured JSON log sink; silent when absent */
  log: z
    .custom<LogSink>((v) => typeof v === 'function', { message: 'log must be a function' })
    .default(() => () => undefined),
  /** how long close() waits for invocations in flight to finish */
  closeGraceMs: z.number().int().nonnegative().default(65_000),
  /** how many activation records are kept (oldest dropped first) */
  activationsKept: z.number().int().positive().default(1000),
});

export type LocalWhiskOptions = z.input<typeof OptionsSchema>;

export function parseOptions(options: LocalWhiskOptions) {
  const parsed = OptionsSchema.safeParse(options);
  if (!parsed.success) {
    throw new TypeError(
      `startLocalWhisk options are not valid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  return parsed.data;
}

export interface ActionDefinition {
  main: (params: Record<string, unknown>) => Promise<unknown> | unknown;
  annotations?: Record<string, unknown>;
  parameters?: Record<string, unknown>;
  timeoutMs?: number;
}

export interface LocalWhisk {
  /** `http://127.0.0.1:3233`: use as OW_APIHOST / apihost */
  url: string;
  namespace: string;
  /** `uuid:key`: use as OW_AUTH / api_key (a secret: never log it) */
  auth: string;
  /** where `auth` is stored (mode 0600), when the runtime was given a keyFile */
  keyFile?: string;
  /** Hosts an in-process action (no bundle); `name` is `package/action` or `action`. Replaces an existing one. */
  registerAction(name: string, def: ActionDefinition): void;
  /**
   * Serves `prefix` (`/ui`) and everything under it with `handle` (the request unauthenticated by the
   * runtime: the handler checks its own callers). Replaces an earlier mount at the same prefix.
   */
  mount(prefix: string, handle: (req: WhiskRequest) => Promise<HttpReply>): void;
  /** Blocking invoke; resolves with the record also when the action failed. Rejects if it does not exist. */
  invoke(name: string, params: Record<string, unknown>): Promise<ActivationRecord>;
  /** Fires the trigger: every active rule's action starts (not awaited; see `settled`). */
  fireTrigger(name: string, params: Record<string, unknown>): Promise<{ activationId: string }>;
  /** Activation records, oldest first. */
  activations(): ActivationRecord[];
  /** The pids of the action's live containers (a process each; none for in-process actions). */
  containerPids(name: string): number[];
  /** Resolves once no activation is running (e.g. after firing a trigger). */
  settled(): Promise<void>;
  /** `http://127.0.0.1:3233/api/v1/web/guest/stackmend/classify-alarm` for `stackmend/classify-alarm`. */
  webActionUrl(name: string): string;
  close(): Promise<void>;
}
