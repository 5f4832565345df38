/**
 * The pipeline, declared once as data: the steps (which module handles each, whether a periodic
 * reconcile visits it, whom it may hand on to) and the plan actions (the verdict that starts each,
 * its first step, the servers it touches, when it is finished, the incident's status meanwhile).
 * The CLI, the local runtime, the build script and the dispatcher read these tables;
 * test/unit/pipeline.test.ts checks them and the serverless descriptors against each other. Pure data.
 */
import type { IncidentRecord, IncidentStatus, Outcome, ServerProgress, StackRef, Verdict } from './plan';

export const STEP_NAMES = [
  'classify-alarm',
  'mark-unhealthy',
  'stack-update',
  'evacuate',
  'restart',
  'notify',
] as const;
export type StepName = (typeof STEP_NAMES)[number];

export type StepSpec = {
  /** The module (from the repository root) that exports `step`, `main` (OpenWhisk) and `handler` (Lambda). */
  readonly handler: string;
  /** `{reconcile: true}` runs the step's due work; the periodic reconcile visits it. */
  readonly reconciles: boolean;
  /** The steps it may hand on to, itself included when it reschedules (the dispatcher refuses others). */
  readonly handsOnTo: readonly StepName[];
};

export const STEPS = {
  'classify-alarm': {
    handler: 'functions/classify-alarm/index.ts',
    reconciles: true, // a late host is decided again (functions/classify-alarm/recheck.ts)
    handsOnTo: ['classify-alarm', 'mark-unhealthy', 'evacuate', 'restart', 'notify'],
  },
  'mark-unhealthy': {
    handler: 'functions/mark-unhealthy/index.ts',
    reconciles: true,
    handsOnTo: ['mark-unhealthy', 'stack-update', 'notify'],
  },
  'stack-update': {
    handler: 'functions/stack-update/index.ts',
    reconciles: true,
    handsOnTo: ['stack-update', 'notify'],
  },
  evacuate: {
    handler: 'functions/evacuate/index.ts',
    reconciles: true,
    handsOnTo: ['evacuate', 'mark-unhealthy', 'notify'],
  },
  // a pet server's stop/start (Masakari's VM recovery) and a process restart hook; the ladder's next rung
  // (functions/restart/index.ts)
  restart: {
    handler: 'functions/restart/index.ts',
    reconciles: true,
    handsOnTo: ['restart', 'evacuate', 'notify'],
  },
  // a failed channel send is tried again through notify's own due queue (functions/notify/index.ts)
  notify: { handler: 'functions/notify/index.ts', reconciles: true, handsOnTo: ['notify'] },
} as const satisfies Record<StepName, StepSpec>;

/**
 * Web actions deployed beside the steps that are no step (no hand-offs, no due queue, no reconcile): the operator
 * console (console/action.ts), on OpenWhisk only. scripts/build.mjs bundles them; serverless.yml declares them
 * (test/unit/pipeline.test.ts).
 */
export const WEB_ACTIONS = {
  console: { handler: 'console/action.ts' },
} as const satisfies Record<string, { readonly handler: string }>;
export type WebActionName = keyof typeof WEB_ACTIONS;

/** Steps a periodic reconcile visits (due rechecks). */
export const RECONCILING: readonly StepName[] = STEP_NAMES.filter((s) => STEPS[s].reconciles);
/** Steps another step hands on to (a deployment binds a trigger or an event rule to each). */
export const HANDED_ON: readonly StepName[] = STEP_NAMES.filter((s) =>
  STEP_NAMES.some((from) => from !== s && (STEPS[from].handsOnTo as readonly StepName[]).includes(s)),
);
export const isStepName = (s: string): s is StepName => (STEP_NAMES as readonly string[]).includes(s);

/** A Heat-managed server to replace: mark its resource unhealthy in `stack`, then update `root`. */
export type ReplaceTarget = { serverId: string; root: StackRef; stack: StackRef; resourceName: string };
/**
 * What `restart` recovers: a pet server stopped or in ERROR (stop, then start: Masakari's VM recovery), or a
 * process on a host (the policy's restart hook is called with the host; never an evacuation).
 */
export type RestartTarget =
  | { kind: 'server'; serverId: string; name?: string; host?: string }
  | { kind: 'process'; host: string; process: string };
/** A pet server to evacuate off a failed host. */
export type EvacuateTarget = {
  serverId: string;
  name?: string;
  vcpus?: number;
  ramMb?: number;
  /** Nova's status at the decision: a SHUTOFF server is confirmed SHUTOFF where it lands. */
  status?: string;
  /** Why the policy evacuates it (core/policy/evacuable.ts). */
  because?: string;
};

export type Plan =
  | { action: 'replace'; targets: ReplaceTarget[] }
  | { action: 'evacuate'; host: string; servers: EvacuateTarget[]; replace: ReplaceTarget[]; untouched: string[] }
  | { action: 'restart'; target: RestartTarget }
  | { action: 'notify' };
export type PlanAction = Plan['action'];
type PlanOf<A extends PlanAction> = Extract<Plan, { action: A }>;

/** The servers a plan touches, by how they are repaired. */
export type Targets = { replace: readonly ReplaceTarget[]; evacuate: readonly EvacuateTarget[] };
type Progress = IncidentRecord['progress'];

export type ActionSpec<A extends PlanAction> = {
  /** The verdict that carries the plan out. */
  readonly verdict: Verdict;
  /** The step classify-alarm hands the incident to. */
  readonly firstStep: StepName;
  /** The incident's status while the action runs, and classify-alarm's outcome. */
  readonly status: IncidentStatus;
  readonly outcome: Outcome;
  readonly targets: (plan: PlanOf<A>) => Targets;
  /** Every part of the plan has an end state: the incident can be resolved (or failed). */
  readonly finished: (plan: PlanOf<A>, progress: Progress) => boolean;
};

/** The progress key of a restart target: the server's id, or `process:<host>`. */
export const restartKey = (t: RestartTarget) => (t.kind === 'server' ? t.serverId : `process:${t.host}`);

const ended = (p?: ServerProgress) => p === 'confirmed' || p === 'failed';
const allEnded = (ts: readonly { serverId: string }[], progress: Progress) =>
  ts.every((t) => ended(progress[t.serverId]));

export const ACTIONS = {
  replace: {
    verdict: 'replace',
    firstStep: 'mark-unhealthy',
    status: 'acting',
    outcome: 'DISPATCHED',
    targets: (plan) => ({ replace: plan.targets, evacuate: [] }),
    finished: (plan, progress) => allEnded(plan.targets, progress),
  },
  evacuate: {
    verdict: 'evacuate',
    firstStep: 'evacuate',
    status: 'acting',
    outcome: 'DISPATCHED',
    targets: (plan) => ({ replace: plan.replace, evacuate: plan.servers }),
    finished: (plan, progress) => allEnded([...plan.servers, ...plan.replace], progress),
  },
  restart: {
    verdict: 'restart',
    firstStep: 'restart',
    status: 'acting',
    outcome: 'DISPATCHED',
    targets: () => ({ replace: [], evacuate: [] }),
    finished: (plan, progress) => ended(progress[restartKey(plan.target)]),
  },
  notify: {
    verdict: 'notify',
    firstStep: 'notify',
    status: 'notify-only', // telling the operator is the whole of the repair
    outcome: 'NOT_MANAGED',
    targets: () => ({ replace: [], evacuate: [] }),
    finished: () => true,
  },
} as const satisfies { [A in PlanAction]: ActionSpec<A> };

/** The servers the plan touches (none without a plan). */
export function targetsOf(plan: Plan | undefined): Targets {
  if (!plan) return { replace: [], evacuate: [] };
  switch (plan.action) {
    case 'replace':
      return ACTIONS.replace.targets(plan);
    case 'evacuate':
      return ACTIONS.evacuate.targets(plan);
    case 'restart':
      return ACTIONS.restart.targets();
    case 'notify':
      return ACTIONS.notify.targets();
    default: {
      const unreachable: never = plan;
      return unreachable;
    }
  }
}

/** Every server of the plan has an end state. */
export function planFinished(plan: Plan | undefined, progress: Progress): boolean {
  if (!plan) return true;
  switch (plan.action) {
    case 'replace':
      return ACTIONS.replace.finished(plan, progress);
    case 'evacuate':
      return ACTIONS.evacuate.finished(plan, progress);
    case 'restart':
      return ACTIONS.restart.finished(plan, progress);
    case 'notify':
      return ACTIONS.notify.finished();
    default: {
      const unreachable: never = plan;
      return unreachable;
    }
  }
}

/** What classify-alarm makes of a verdict: the incident's status, its outcome, and the step it hands on to. */
export type VerdictSpec = { status: IncidentStatus; outcome: Outcome; next?: StepName };

const fromAction = (a: { status: IncidentStatus; outcome: Outcome; firstStep: StepName }): VerdictSpec => ({
  status: a.status,
  outcome: a.outcome,
  next: a.firstStep,
});

export function verdictSpec(v: Verdict): VerdictSpec {
  switch (v) {
    case 'replace':
      return fromAction(ACTIONS.replace);
    case 'evacuate':
      return fromAction(ACTIONS.evacuate);
    case 'restart':
      return fromAction(ACTIONS.restart);
    case 'notify':
      return fromAction(ACTIONS.notify);
    case 'hold': // a human is asked
      return { status: 'held', outcome: 'HELD_FOR_APPROVAL', next: 'notify' };
    case 'recheck': // too early to tell: classify-alarm decides again after the decision's recheckAfterSec
      return { status: 'acting', outcome: 'RESCHEDULED', next: 'classify-alarm' };
    case 'ignore':
      return { status: 'ignored', outcome: 'IGNORED' };
    case 'group':
      return { status: 'notify-only', outcome: 'GROUPED', next: 'notify' };
    default: {
      const unreachable: never = v;
      return unreachable;
    }
  }
}
