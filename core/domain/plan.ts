/**
 * Decisions, plans and the incident record: what classify decides and the other
 * steps carry out. Pure data.
 */
import type { Approval } from './approval';
import type { AcceptedFence, Principal } from './fence';
import type { FenceRun } from './fencing';
import type { Incident } from './incident';
import type { Plan, StepName } from './pipeline';

export type { EvacuateTarget, Plan, ReplaceTarget, RestartTarget, StepName } from './pipeline';
export type StackRef = { name: string; id: string };

/** What a step reports. Expected non-actions are outcomes, not exceptions. */
export const OUTCOMES = [
  'DISPATCHED', // acted and handed on to the next step
  'DONE', // this step's work is complete
  'RESOLVED', // the whole incident is healed
  'DUPLICATE', // the same alarm was already handled
  'GROUPED', // folded into an open incident of the same host or server
  'NOT_MANAGED', // nothing stackmend manages failed: the operator is told
  'HOST_ALIVE', // the host said to have failed is alive by Nova's record: nothing written, the operator is told
  'APPROVED', // an operator approved the held action (stackmend approve)
  'HELD_FOR_APPROVAL', // automation must not decide alone: a human is asked
  'RECOVERED', // a held host reports to Nova again: the incident ends, nothing was written to the cloud
  'RESCHEDULED', // busy now (stack in progress, resource busy): checked again later
  'IGNORED', // not an incident (alarm back to ok, resolved alert, maintenance)
  'DRY_RUN', // decided and reported, nothing written to the cloud
  'FAILED', // the repair failed: the operator is told
] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const VERDICTS = ['replace', 'evacuate', 'restart', 'notify', 'hold', 'recheck', 'ignore', 'group'] as const;
export type Verdict = (typeof VERDICTS)[number];

/** A decision is data (cluster-api's needsRemediation): verdict, why, which rule, when to look again. */
export type Decision = {
  verdict: Verdict;
  reason: string;
  rule: string;
  recheckAfterSec?: number;
  /** The policy file's rule that matched (core/policy/rules.ts), and why it matched. */
  matched?: { rule: string; why: string };
};

/**
 * Where a restart plan is on its ladder (core/policy/recovery.ts `serverRecovery.ladder`): the rung index,
 * its phase (`pending`: nothing written yet; a restart rung is `stopping` until Nova reports the server
 * stopped, then `starting` until ACTIVE; `handed-on`: the evacuate step or a human has it) and when the
 * rung began (ISO-8601), against its timeout.
 */
export type RestartRun = { rung: number; phase: 'pending' | 'stopping' | 'starting' | 'handed-on'; since: string };

/** Where one evacuation of a server was asked to go: Nova's scheduler, or a reserved host by name. */
export type Attempted = { kind: 'auto' } | { kind: 'reserved'; host: string };

/**
 * A server's evacuations (functions/evacuate/retry.ts): the targets asked, in order; `next`, the target
 * chosen after the last one failed, not yet asked; `gaveUp`, why no further target is tried (a human has it),
 * and when (ISO-8601).
 */
export type EvacuationAttempts = { tried: Attempted[]; next?: Attempted; gaveUp?: string; gaveUpAt?: string };

/** A server's repair: asked of OpenStack, then seen done or failed. */
export type ServerProgress = 'requested' | 'confirmed' | 'failed';

export type TimelineEntry = {
  at: string;
  step: StepName;
  outcome: Outcome;
  reason: string;
  requestIds?: string[];
  details?: Record<string, unknown>;
};

/**
 * `notify-only`: nothing stackmend manages failed; telling the operator is the whole of the repair.
 * `recovered`: a held host reported to Nova again (functions/classify-alarm/revisit.ts); nothing was repaired.
 * Every status but the terminal ones counts as live (the incident repository's `open:` index).
 */
export const INCIDENT_STATUSES = [
  'notify-only',
  'acting',
  'held',
  'resolved',
  'recovered',
  'failed',
  'ignored',
] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

export type IncidentRecord = {
  key: string;
  incident: Incident;
  status: IncidentStatus;
  decision?: Decision;
  plan?: Plan;
  /** Fence evidence stackmend accepted for this incident: its source, who fenced and who vouched. */
  fence?: AcceptedFence;
  /** stackmend's own fencing of the host (functions/evacuate/fence.ts): asked, read back. */
  fencing?: FenceRun;
  /** Who sent the alarm, as the runtime authenticated it (a monitor's fence claim is believed by it). */
  reportedBy?: Principal;
  /** An operator's approval (stackmend approve), bound to this incident and its host, expiring. */
  approval?: Approval;
  /** The escalation ladder of a restart plan (functions/restart/index.ts): the rung, its phase, since when. */
  restart?: RestartRun;
  /** Rechecks of a late host made so far (classify-alarm decides again after each). */
  rechecks?: number;
  /** Times the sweeper found it acting with no step due and handed it on again (functions/_shared/sweep.ts). */
  swept?: number;
  /** Evacuations per server: the targets tried, the next one after a failure (functions/evacuate/retry.ts). */
  evacuations?: Record<string, EvacuationAttempts>;
  /** Per-server progress so a retry resumes where it stopped. */
  progress: Record<string, ServerProgress>;
  /**
   * Root stacks whose update stackmend started: stack id → the stack's updated_time before it
   * (to tell ours finished). `joined`: the incident whose update this one joined instead of
   * starting its own (functions/stack-update/root-lease.ts).
   */
  updates: Record<string, { stack: StackRef; previousUpdatedTime: string; requestId?: string; joined?: string }>;
  timeline: TimelineEntry[];
  dryRun: boolean;
  createdAt: string;
  updatedAt: string;
};

export const isTerminal = (s: IncidentStatus) =>
  s === 'resolved' || s === 'recovered' || s === 'failed' || s === 'ignored';
