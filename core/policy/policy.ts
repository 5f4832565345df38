/**
 * The operator's policy, parsed at the edge (action parameter `policy`, or a YAML file read by the CLI:
 * core/policy/file.ts), with safe defaults: evacuate only servers that opt in, hold when too much fails
 * at once, believe a fence claim only from a fencer the operator names. Each field's `.describe()` is
 * its entry in docs/policy.md (scripts/policy-docs.ts writes it); examples/policy.yaml shows every field.
 */
import * as z from 'zod';
import { FencingPolicySchema } from '../domain/fencing';
import { DEFAULT_EVACUATION, EvacuationPolicySchema } from './evacuation';
import { ServerRecoverySchema, ProcessRestartHookSchema } from './recovery';
import { BlastPolicySchema } from './blast';
import { rulesSchema } from './rules';

const policyFields = z.strictObject({
  haMetadata: z
    .strictObject({
      key: z.string().describe('the metadata key'),
      value: z.string().describe('its value, exactly (a string)'),
    })
    .default({ key: 'HA_Enabled', value: 'True' })
    .describe("Server metadata that marks a pet to evacuate on host failure (Masakari's convention)."),
  evacuateNamePattern: z
    .string()
    .optional()
    .describe('Extra evacuation match: servers whose name matches this regular expression are pets too.'),
  evacuation: EvacuationPolicySchema.default(DEFAULT_EVACUATION).describe(
    'Which servers of a failed host are evacuated, to where, in what order (core/policy/evacuation.ts).',
  ),
  maxOpenIncidents: z
    .number()
    .int()
    .positive()
    .default(5)
    .describe('Circuit breaker (cluster-api maxUnhealthy): more open incidents than this → hold and page a human.'),
  repeatThreshold: z
    .number()
    .int()
    .positive()
    .default(3)
    .describe('This many incidents on one subject within repeatWindowSec → hold for a human.'),
  repeatWindowSec: z.number().int().positive().default(3600).describe('The window of repeatThreshold.'),
  replaceCattle: z.boolean().default(true).describe('Replace Heat-managed (cattle) servers automatically.'),
  evacuatePets: z
    .boolean()
    .default(true)
    .describe('Evacuate pets automatically when fence evidence is accepted; false → always ask a human.'),
  recheckAfterSec: z
    .number()
    .positive()
    .default(2)
    .describe('How long to wait before re-checking a busy stack or a pending evacuation.'),
  reportIntervalSec: z
    .number()
    .positive()
    .default(10)
    .describe("Nova's `[DEFAULT] report_interval` on the computes: how often a nova-compute heartbeats."),
  hostDownAfterSec: z
    .number()
    .positive()
    .optional()
    .describe(
      'A host whose last heartbeat is older than this counts as down. Default 2 × reportIntervalSec; ' +
        'at least reportIntervalSec + 5 (one missed heartbeat is not a failure).',
    ),
  heldRecheckSec: z
    .number()
    .positive()
    .default(30)
    .describe(
      'A held host incident is decided again this often while it is held (functions/classify-alarm/revisit.ts): ' +
        'the host reporting again ends it, new fence evidence evacuates.',
    ),
  lateRechecks: z
    .number()
    .int()
    .nonnegative()
    .default(3)
    .describe('A host that is only late is checked again this many times, then held for a human.'),
  fenceMaxAgeSec: z
    .number()
    .positive()
    .default(120)
    .describe("A monitor's fence claim older than this is not believed."),
  trustedFencers: z
    .array(
      z.strictObject({
        via: z.string().min(1).describe('how the runtime authenticated it: bearer, basic, hmac, keystone'),
        name: z.string().min(1).describe("the credential's name (auth.*[].name) or the Keystone user"),
      }),
    )
    .default([])
    .describe(
      'Who may claim in a notification that a host is fenced: principals as the runtime authenticates ' +
        'them (`via`: bearer, basic, hmac, keystone; `name`). Default: nobody.',
    ),
  approvalTtlSec: z.number().int().positive().default(900).describe("An operator's approval expires after this long."),
  approverRoles: z
    .array(z.string().min(1))
    .default(['admin'])
    .describe(
      'Who may approve a held evacuation (core/policy/approvers.ts): a Keystone user holding one of these ' +
        'roles on the project of the credentials they approve with. Default: the admin role — a project member cannot.',
    ),
  approverUsers: z
    .array(z.string().min(1))
    .default([])
    .describe('Keystone users (name or id) who may approve a held evacuation whatever their roles. Default: none.'),
  fencing: FencingPolicySchema.default({ hosts: {}, aggregates: {}, timeoutSec: 30 }).describe(
    "stackmend's own fencing: the driver per compute host or host aggregate and the read-back timeout " +
      '(core/domain/fencing.ts).',
  ),
  detectHosts: z
    .strictObject({
      enabled: z.boolean().default(false).describe('Switch detection on.'),
      intervalSec: z.number().int().positive().default(10).describe('At most one scan of Nova this often.'),
    })
    .default({ enabled: false, intervalSec: 10 })
    .describe(
      "Detection of its own (functions/classify-alarm/detect.ts): classify-alarm's periodic reconcile reads " +
        "Nova's compute services at most every `intervalSec` and opens a host incident for each enabled host " +
        'that counts as down (core/policy/host-liveness.ts). Off unless switched on.',
    ),
  /** VM failures: the escalation ladder of a pet that stopped or went to ERROR on its own (./recovery.ts). */
  serverRecovery: ServerRecoverySchema,
  /** Process failures: an optional hook called with the host (./recovery.ts); never an evacuation. */
  processRestartHook: ProcessRestartHookSchema,
  blastRadius: BlastPolicySchema.default(BlastPolicySchema.parse({})).describe(
    'Blast-radius limits, the fence cycle and the storm cooldown (core/policy/blast.ts).',
  ),
});

/** The flat settings a rule may override for what it matches (core/policy/rules.ts `settings`): no default there. */
const f = policyFields.shape;
const inRule = <T extends z.ZodType>(field: z.ZodDefault<T> | z.ZodOptional<T>) =>
  field
    .unwrap()
    .optional()
    .describe(field.description ?? '');
/** The evacuation section as a rule overrides it: each field as inRule makes it, what a rule leaves out kept. */
const EvacuationSettingsSchema = z.strictObject(
  Object.fromEntries(
    Object.entries(EvacuationPolicySchema.shape).map(([k, v]) => [k, inRule(v as z.ZodDefault<z.ZodType>)]),
  ) as {
    [K in keyof typeof EvacuationPolicySchema.shape]: z.ZodOptional<
      ReturnType<(typeof EvacuationPolicySchema.shape)[K]['unwrap']>
    >;
  },
);
export const RuleSettingsSchema = z.strictObject({
  repeatThreshold: inRule(f.repeatThreshold),
  evacuatePets: inRule(f.evacuatePets),
  replaceCattle: inRule(f.replaceCattle),
  haMetadata: inRule(f.haMetadata),
  evacuateNamePattern: inRule(f.evacuateNamePattern),
  lateRechecks: inRule(f.lateRechecks),
  evacuation: EvacuationSettingsSchema.optional().describe(
    'Fields of the evacuation section for what the rule matches (which servers, recovery method, reserved hosts, ' +
      'locks, parallelism); the fields it leaves out keep the policy value. The evacuate step applies the rule its ' +
      "incident's decision recorded (policyOfRule)",
  ),
});
export type RuleSettings = z.infer<typeof RuleSettingsSchema>;

export const PolicySchema = policyFields
  .extend({ rules: rulesSchema(RuleSettingsSchema) })
  .transform((p) => ({ ...p, hostDownAfterSec: p.hostDownAfterSec ?? 2 * p.reportIntervalSec }))
  .refine((p) => p.hostDownAfterSec >= p.reportIntervalSec + 5, {
    path: ['hostDownAfterSec'],
    message: 'Expected hostDownAfterSec of at least reportIntervalSec + 5: one late heartbeat is not a failure',
  });
export type Policy = z.infer<typeof PolicySchema>;
export const DEFAULT_POLICY: Policy = PolicySchema.parse({});

/** The policy with a matched rule's settings over the flat ones (the evacuation section field by field). */
export const withSettings = (p: Policy, settings: RuleSettings | undefined): Policy =>
  settings ? { ...p, ...settings, evacuation: { ...p.evacuation, ...settings.evacuation } } : p;

/** The policy as the named rule (a decision's `matched.rule`) sets it; the flat policy when no rule has that name. */
export const policyOfRule = (p: Policy, rule: string | undefined): Policy =>
  withSettings(p, rule === undefined ? undefined : p.rules.find((r) => r.name === rule)?.settings);

/** Every host the policy or one of its rules keeps in reserve, in policy order (facts read them all). */
export const reservedHostsOf = (p: Policy): string[] => [
  ...new Set([...p.evacuation.reservedHosts, ...p.rules.flatMap((r) => r.settings?.evacuation?.reservedHosts ?? [])]),
];
