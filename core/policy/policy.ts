/**
 * The operator's policy, parsed at the edge (action parameter `policy` or a file),
 * with safe defaults: evacuate only servers that opt in, hold when too much fails at once,
 * believe a fence claim only from a fencer the operator names.
 */
import * as z from 'zod';
import { FencingPolicySchema } from '../domain/fencing';
import { DEFAULT_EVACUATION, EvacuationPolicySchema } from './evacuation';
import { ServerRecoverySchema, ProcessRestartHookSchema } from './recovery';
import { BlastPolicySchema } from './blast';

const policyFields = z.object({
  /** Server metadata that marks a pet to evacuate on host failure (Masakari's convention). */
  haMetadata: z.object({ key: z.string(), value: z.string() }).default({ key: 'HA_Enabled', value: 'True' }),
  /** Extra evacuation match: server names matching this regex are pets too. */
  evacuateNamePattern: z.string().optional(),
  /** Which servers of a failed host are evacuated, to where, in what order (core/policy/evacuation.ts). */
  evacuation: EvacuationPolicySchema.default(DEFAULT_EVACUATION),
  /** Circuit breaker (cluster-api maxUnhealthy): more open incidents than this → hold and page a human. */
  maxOpenIncidents: z.number().int().positive().default(5),
  /** Repeat threshold (FLT014): this many incidents on one subject within the window → hold for a human. */
  repeatThreshold: z.number().int().positive().default(3),
  repeatWindowSec: z.number().int().positive().default(3600),
  /** Replace Heat-managed (cattle) servers automatically. */
  replaceCattle: z.boolean().default(true),
  /** Evacuate pets automatically when fence evidence is accepted; false → always ask a human. */
  evacuatePets: z.boolean().default(true),
  /** How long to wait before re-checking a busy stack or a pending evacuation. */
  recheckAfterSec: z.number().positive().default(2),
  /** Nova's `[DEFAULT] report_interval` on the computes: how often a nova-compute heartbeats. */
  reportIntervalSec: z.number().positive().default(10),
  /**
   * A host whose last heartbeat is older than this counts as down. Default 2 × reportIntervalSec;
   * at least reportIntervalSec + 5 (one missed heartbeat is not a failure).
   */
  hostDownAfterSec: z.number().positive().optional(),
  /**
   * A held host incident is decided again this often while it is held (functions/classify-alarm/revisit.ts):
   * the host reporting again ends it, new fence evidence evacuates.
   */
  heldRecheckSec: z.number().positive().default(30),
  /** A host that is only late is checked again this many times, then held for a human. */
  lateRechecks: z.number().int().nonnegative().default(3),
  /** A monitor's fence claim older than this is not believed. */
  fenceMaxAgeSec: z.number().positive().default(120),
  /**
   * Who may claim in a notification that a host is fenced: principals as the runtime authenticates
   * them (`via`: bearer, basic, hmac, keystone; `name`). Default: nobody.
   */
  trustedFencers: z.array(z.object({ via: z.string().min(1), name: z.string().min(1) })).default([]),
  /** An operator's approval expires after this long. */
  approvalTtlSec: z.number().int().positive().default(900),
  /**
   * Who may approve a held evacuation (core/policy/approvers.ts): a Keystone user holding one of these
   * roles on the project of the credentials they approve with, or named in approverUsers (name or id).
   * Default: the admin role, nobody by name — a project member cannot approve.
   */
  approverRoles: z.array(z.string().min(1)).default(['admin']),
  approverUsers: z.array(z.string().min(1)).default([]),
  /** stackmend's own fencing: the driver per compute host and the read-back timeout (core/domain/fencing.ts). */
  fencing: FencingPolicySchema.default({ hosts: {}, timeoutSec: 30 }),
  /**
   * Detection of its own (functions/classify-alarm/detect.ts): classify-alarm's periodic reconcile reads
   * Nova's compute services at most every `intervalSec` and opens a host incident for each enabled host
   * that counts as down (core/policy/host-liveness.ts). Off unless switched on.
   */
  detectHosts: z
    .object({ enabled: z.boolean().default(false), intervalSec: z.number().int().positive().default(10) })
    .default({ enabled: false, intervalSec: 10 }),
  /** VM failures: the escalation ladder of a pet that stopped or went to ERROR on its own (./recovery.ts). */
  serverRecovery: ServerRecoverySchema,
  /** Process failures: an optional hook called with the host (./recovery.ts); never an evacuation. */
  processRestartHook: ProcessRestartHookSchema,
  /** Blast-radius limits, the fence cycle and the storm cooldown (core/policy/blast.ts). */
  blastRadius: BlastPolicySchema.default(BlastPolicySchema.parse({})),
});

export const PolicySchema = policyFields
  .transform((p) => ({ ...p, hostDownAfterSec: p.hostDownAfterSec ?? 2 * p.reportIntervalSec }))
  .refine((p) => p.hostDownAfterSec >= p.reportIntervalSec + 5, {
    path: ['hostDownAfterSec'],
    message: 'Expected hostDownAfterSec of at least reportIntervalSec + 5: one late heartbeat is not a failure',
  });
export type Policy = z.infer<typeof PolicySchema>;
export const DEFAULT_POLICY: Policy = PolicySchema.parse({});
