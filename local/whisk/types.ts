/**
 * Shapes of the local OpenWhisk-compatible runtime: the REST bodies it accepts (zod, parsed at the
 * edge), the entities it keeps, and the activation records it answers with.
 *
 * Sample action PUT, as `osls deploy` sends it (code shortened):
 *   {"exec":{"main":"main","kind":"nodejs:20","code":"UEsDBBQAAAAIA…"},
 *    "limits":{"timeout":30000,"memory":256,"concurrency":1},"parameters":[],
 *    "annotations":[{"key":"web-export","value":true},{"key":"final","value":true}]}
 */
import * as z from 'zod';

const KeyValueSchema = z.object({ key: z.string().min(1), value: z.unknown() });
export type KeyValue = z.infer<typeof KeyValueSchema>;
const KeyValues = z.array(KeyValueSchema);

const identifier = /^[A-Za-z_$][\w$]*$/;

export const CodeExecSchema = z.object({
  kind: z.string().regex(/^nodejs(:[\w.]+)?$/, {
    message: 'only nodejs:* kinds (and sequences) run in the local runtime; rebuild the action for nodejs:20',
  }),
  code: z.string(),
  main: z
    .string()
    .regex(identifier, { message: 'exec.main must be a JavaScript identifier such as "main"' })
    .optional(),
  binary: z.boolean().optional(),
});
export const SequenceExecSchema = z.object({
  kind: z.literal('sequence'),
  components: z.array(z.string().min(1)).min(1),
});
const ExecSchema = z.union([SequenceExecSchema, CodeExecSchema]);
export type SequenceExec = z.infer<typeof SequenceExecSchema>;
export type CodeExec = z.infer<typeof CodeExecSchema>;
export type Exec = z.infer<typeof ExecSchema>;
export const isSequence = (exec: Exec): exec is SequenceExec => exec.kind === 'sequence';

const LimitsSchema = z
  .object({
    timeout: z.number().int().positive(),
    memory: z.number().int().positive(),
    concurrency: z.number().int().positive(),
    logs: z.number().int().nonnegative(),
  })
  .partial();
export type Limits = Required<z.infer<typeof LimitsSchema>>;
export const DEFAULT_LIMITS: Limits = { timeout: 60_000, memory: 256, concurrency: 1, logs: 10 };

const common = {
  parameters: KeyValues.optional(),
  annotations: KeyValues.optional(),
  publish: z.boolean().optional(),
  version: z.string().optional(),
};
export const ActionPutSchema = z.object({ exec: ExecSchema.optional(), limits: LimitsSchema.optional(), ...common });
export const PackagePutSchema = z.object({ binding: z.looseObject({}).optional(), ...common });
export const TriggerPutSchema = z.object({ limits: z.unknown().optional(), ...common });
export const RulePutSchema = z.object({
  trigger: z.string().min(1),
  action: z.string().min(1),
  status: z.enum(['active', 'inactive']).optional(),
  ...common,
});
export const RuleStatusSchema = z.object({ status: z.enum(['active', 'inactive']) });
export type RuleStatus = z.infer<typeof RuleStatusSchema>['status'];
export type ActionPut = z.infer<typeof ActionPutSchema>;
export type PackagePut = z.infer<typeof PackagePutSchema>;
export type TriggerPut = z.infer<typeof TriggerPutSchema>;
export type RulePut = z.infer<typeof RulePutSchema>;

/** A loaded action entry point: `main(params)` as OpenWhisk's Node runtime calls it. */
export type UserMain = (params: Record<string, unknown>) => unknown;

/** A namespace-qualified entity name; `name` may be `pkg/action` (literal slash). */
export interface EntityRef {
  namespace: string;
  name: string;
}

interface EntityBase extends EntityRef {
  version: string;
  publish: boolean;
  parameters: KeyValue[];
  annotations: KeyValue[];
  updated: number;
}
export interface ActionEntity extends EntityBase {
  exec: Exec;
  limits: Limits;
  /** an in-process action (registerAction, system feeds): called directly, no bundle */
  handler?: UserMain;
}
export type PackageEntity = EntityBase;
export type TriggerEntity = EntityBase;
export interface RuleEntity extends EntityBase {
  trigger: EntityRef;
  action: EntityRef;
  status: RuleStatus;
}

/** The four outcomes of an activation, as OpenWhisk names and numbers them. */
export const ActivationStatus = {
  success: { status: 'success', statusCode: 0 },
  applicationError: { status: 'application error', statusCode: 1 },
  developerError: { status: 'action developer error', statusCode: 2 },
  internalError: { status: 'whisk internal error', statusCode: 3 },
} as const;
export type ActivationOutcome = (typeof ActivationStatus)[keyof typeof ActivationStatus];
export const outcomeOf = (statusCode: number): ActivationOutcome =>
  Object.values(ActivationStatus).find((s) => s.statusCode === statusCode) ?? ActivationStatus.internalError;

export interface ActivationRecord {
  activationId: string;
  /** the short name (`notify`); the full path (`guest/stackmend/notify`) is the `path` annotation */
  name: string;
  namespace: string;
  subject: string;
  version: string;
  publish: false;
  start: number;
  end: number;
  duration: number;
  response: ActivationOutcome & { success: boolean; result: Record<string, unknown> };
  logs: string[];
  annotations: KeyValue[];
  /** the activation (sequence or trigger) that caused this one */
  cause?: string;
}

/** One structured log line of the runtime (activation finished, server started, …). */
export type LogLine = Record<string, unknown>;
export type LogSink = (line: LogLine) => void;

export function annotation(entity: { annotations: KeyValue[] }, key: string): unknown {
  return entity.annotations.find((a) => a.key === key)?.value;
}

export function toDictionary(kvs: KeyValue[]): Record<string, unknown> {
  return Object.fromEntries(kvs.map((kv) => [kv.key, kv.value]));
}

/** Realm-safe: bundles run in Node's main context, so `instanceof Object` is not reliable. */
export function isDictionary(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
