/**
 * What decide() returns, and one builder per kind of ruling it makes (core/policy/decide.ts).
 */
import type { Decision, Outcome, Plan } from '../domain/plan';

/**
 * The decision and the plan it carries out. `quiet`: the answer is recorded nowhere and pages
 * nobody (an alarm about a server stackmend does not know). `outcome`: what classify-alarm reports
 * instead of the verdict's usual outcome (core/domain/pipeline.ts verdictSpec).
 */
export type Ruling = { decision: Decision; plan: Plan; quiet?: true; outcome?: Outcome };

const NOTHING: Plan = { action: 'notify' };

/** Not an incident to act on (maintenance, a stale alarm): nothing done, nobody told. */
export const ignore = (rule: string, reason: string): Ruling => ({
  decision: { verdict: 'ignore', rule, reason },
  plan: NOTHING,
});

/** Folded into the open incident that already covers it. */
export const group = (rule: string, reason: string): Ruling => ({
  decision: { verdict: 'group', rule, reason },
  plan: NOTHING,
});

/** Nothing for stackmend to repair: the operator is told. */
export const tellOperator = (rule: string, reason: string): Ruling => ({
  decision: { verdict: 'notify', rule, reason },
  plan: NOTHING,
});

/** The host said to have failed is alive by Nova's record: nothing to repair, the operator is told. */
export const hostAlive = (reason: string): Ruling => ({ ...tellOperator('host-alive', reason), outcome: 'HOST_ALIVE' });

/** Nothing for stackmend to repair and nobody to tell: answered, not recorded. */
export const answerOnly = (rule: string, reason: string): Ruling => ({ ...tellOperator(rule, reason), quiet: true });

/** Automation must not decide alone: a human is asked; `plan` is what approval would carry out. */
export const hold = (rule: string, reason: string, plan: Plan = NOTHING): Ruling => ({
  decision: { verdict: 'hold', rule, reason },
  plan,
});

/** Too early to tell: decide again after `recheckAfterSec`; `plan` is what would be carried out. */
export const recheck = (rule: string, reason: string, recheckAfterSec: number, plan: Plan): Ruling => ({
  decision: { verdict: 'recheck', rule, reason, recheckAfterSec },
  plan,
});

/** Repair: replace, evacuate or restart as `plan` says. */
export const act = (verdict: 'replace' | 'evacuate' | 'restart', rule: string, reason: string, plan: Plan): Ruling => ({
  decision: { verdict, rule, reason },
  plan,
});
