/**
 * Shared bookkeeping of the acting steps: which servers a plan touches, per-server
 * progress, rescheduling, and resolving the incident once every part is finished.
 */
import { planFinished, targetsOf, type StepName } from '../../core/domain/pipeline';
import { isTerminal, type IncidentRecord, type Outcome, type ReplaceTarget } from '../../core/domain/plan';
import type { Deps } from './deps';
import type { StepResult } from './step';

export const replaceTargets = (r: IncidentRecord): readonly ReplaceTarget[] => targetsOf(r.plan).replace;
export const evacuateTargets = (r: IncidentRecord) => targetsOf(r.plan).evacuate;

/** Targets grouped by the root stack to update. */
export function byRoot(targets: readonly ReplaceTarget[]): Map<string, ReplaceTarget[]> {
  const m = new Map<string, ReplaceTarget[]>();
  for (const t of targets) m.set(t.root.id, [...(m.get(t.root.id) ?? []), t]);
  return m;
}

/** Every server of the plan has an end state. */
export const allFinished = (r: IncidentRecord): boolean => planFinished(r.plan, r.progress);

export function alreadyOver(r: IncidentRecord, step: StepName): StepResult[] | undefined {
  if (!isTerminal(r.status)) return undefined;
  return [
    {
      outcome: 'DONE',
      incident: r.key,
      status: r.status,
      reason: `incident is already ${r.status}: ${step} has nothing to do`,
    },
  ];
}

/** Not now: look again after the policy's recheck delay (a later invocation, never a sleep). */
export async function reschedule(d: Deps, step: StepName, r: IncidentRecord, reason: string): Promise<StepResult[]> {
  const next = await d.dispatcher.send(step, r.key, { notBefore: d.now() + d.policy.recheckAfterSec * 1000 });
  const last = r.timeline[r.timeline.length - 1];
  if (!(last?.step === step && last.outcome === 'RESCHEDULED' && last.reason === reason)) {
    await d.incidents.record(r.key, { step, outcome: 'RESCHEDULED', reason });
  }
  return [{ outcome: 'RESCHEDULED', incident: r.key, status: r.status, reason, next: [next] }];
}

/**
 * When all parts are finished: resolved (or failed), and the operator is told. Reads the record
 * afresh: the other acting step (an evacuation's Heat replacements) may have finished its part meanwhile.
 */
export async function resolveIfFinished(d: Deps, step: StepName, key: string): Promise<StepResult | undefined> {
  const r = await d.incidents.require(key);
  if (isTerminal(r.status) || !allFinished(r)) return undefined;
  const failed = Object.entries(r.progress)
    .filter(([, p]) => p === 'failed')
    .map(([id]) => id);
  const outcome: Outcome = failed.length ? 'FAILED' : 'RESOLVED';
  const reason = failed.length ? `repair failed for ${failed.join(', ')}` : 'every affected server is healthy again';
  const updated = await d.incidents.record(key, { step, outcome, reason }, () => ({
    status: failed.length ? 'failed' : 'resolved',
  }));
  const next = await d.dispatcher.send('notify', key);
  return { outcome, incident: key, status: updated.status, reason, next: [next] };
}
