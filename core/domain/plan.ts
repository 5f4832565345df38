/**
 * Decisions, plans and the incident record: what classify decides and the other
 * steps carry out. Pure data.
 */
import type { FenceEvidence, Incident } from './incident';

export type StackRef = { name: string; id: string };

export const STEPS = ['classify-alarm', 'mark-unhealthy', 'stack-update', 'evacuate', 'notify'] as const;
export type StepName = (typeof STEPS)[number];

/** What a step reports. Expected non-actions are outcomes, not exceptions. */
export const OUTCOMES = [
  'DISPATCHED', // acted and handed on to the next step
  'DONE', // this step's work is complete
  'RESOLVED', // the whole incident is healed
  'DUPLICATE', // the same alarm was already handled
  'GROUPED', // folded into an open incident of the same host or server
  'NOT_MANAGED', // nothing stackmend manages failed: the operator is told
  'HELD_FOR_APPROVAL', // automation must not decide alone: a human is asked
  'RESCHEDULED', // busy now (stack in progress, resource busy): checked again later
  'IGNORED', // not an incident (alarm back to ok, resolved alert, maintenance)
  'DRY_RUN', // decided and reported, nothing written to the cloud
  'FAILED', // the repair failed: the operator is told
] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** A Heat-managed server to replace: mark its resource unhealthy in `stack`, then update `root`. */
export type ReplaceTarget = { serverId: string; root: StackRef; stack: StackRef; resourceName: string };
/** A pet server to evacuate off a failed host. */
export type EvacuateTarget = { serverId: string; name?: string; vcpus?: number; ramMb?: number };

export type Plan =
  | { action: 'replace'; targets: ReplaceTarget[] }
  | { action: 'evacuate'; host: string; servers: EvacuateTarget[]; replace: ReplaceTarget[]; untouched: string[] }
  | { action: 'notify' };

export const VERDICTS = ['replace', 'evacuate', 'notify', 'hold', 'recheck', 'ignore', 'group'] as const;
export type Verdict = (typeof VERDICTS)[number];

/** A decision is data (cluster-api's needsRemediation): verdict, why, which rule, when to look again. */
export type Decision = { verdict: Verdict; reason: string; rule: string; recheckAfterSec?: number };

export type ServerProgress = 'pending' | 'requested' | 'confirmed' | 'failed';

export type TimelineEntry = {
  at: string;
  step: StepName;
  outcome: Outcome;
  reason: string;
  requestIds?: string[];
  details?: Record<string, unknown>;
};

export const INCIDENT_STATUSES = ['open', 'acting', 'waiting', 'held', 'resolved', 'failed', 'ignored'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

export type IncidentRecord = {
  key: string;
  incident: Incident;
  status: IncidentStatus;
  decision?: Decision;
  plan?: Plan;
  /** Fence evidence accepted for this incident (from the alarm, Nova, or an operator's approval). */
  fence?: FenceEvidence;
  /** Per-server progress so a retry resumes where it stopped. */
  progress: Record<string, ServerProgress>;
  /**
   * Root stacks whose update stackmend started: stack id → the stack's updated_time before it
   * (to tell ours finished).
   */
  updates: Record<string, { stack: StackRef; previousUpdatedTime: string; requestId?: string }>;
  timeline: TimelineEntry[];
  dryRun: boolean;
  createdAt: string;
  updatedAt: string;
};

export const isTerminal = (s: IncidentStatus) => s === 'resolved' || s === 'failed' || s === 'ignored';
