/**
 * The sweeper, part of each step's reconcile (./reconcile.ts): an incident left `acting` whose work
 * is this step's, with nothing due or leased for it in any acting step's queue and unchanged for
 * SWEEP_AFTER_MS, lost its hand-off (a process killed between two commits, a record written before
 * hand-offs were durable). It is handed to this step again through the due queue, in the same commit
 * as a timeline entry; after MAX_ATTEMPTS such sweeps it ends `failed` and the operator is told why.
 */
import { STEP_NAMES, targetsOf, type StepName } from '../../core/domain/pipeline';
import type { IncidentRecord, ServerProgress } from '../../core/domain/plan';
import type { Deps } from './deps';
import type { StepResult } from './step';

/** How long an acting incident may sit with nothing due before it counts as lost. */
export const SWEEP_AFTER_MS = 300_000;
/** Incidents one sweep hands on or fails. */
export const SWEEP_BATCH = 20;

const ended = (p?: ServerProgress) => p === 'confirmed' || p === 'failed';

/** The step whose turn it is for an acting incident (undefined: nothing to drive). */
export function owningStep(r: IncidentRecord): StepName | undefined {
  if (r.status !== 'acting') return undefined;
  if (r.decision?.verdict === 'recheck') return 'classify-alarm';
  const plan = r.plan;
  if (!plan || plan.action === 'notify') return undefined;
  if (plan.action === 'evacuate') {
    const isolated = r.progress[`host:${plan.host}`] === 'confirmed';
    if (!isolated || plan.servers.some((s) => !ended(r.progress[s.serverId]))) return 'evacuate';
    if (plan.replace.length === 0) return 'evacuate'; // every part ended: evacuate resolves it
  }
  const replace = targetsOf(plan).replace;
  if (replace.some((t) => !r.progress[t.serverId])) return 'mark-unhealthy';
  return 'stack-update'; // waiting for, or resolving after, its stack update
}

async function isQueued(d: Deps, key: string): Promise<boolean> {
  for (const step of STEP_NAMES) if ((await d.store.pending(step)).some((p) => p.id === key)) return true;
  return false;
}

/** Lost incidents of `step`, handed on again or failed. */
export async function sweep(step: StepName, d: Deps, maxAttempts: number): Promise<StepResult[]> {
  const out: StepResult[] = [];
  if (d.dryRun) return out;
  for (const key of await d.incidents.openKeys()) {
    if (out.length >= SWEEP_BATCH) break;
    const r = await d.incidents.get(key);
    if (!r || owningStep(r) !== step || d.now() - Date.parse(r.updatedAt) < SWEEP_AFTER_MS) continue;
    if (await isQueued(d, key)) continue;
    const swept = (r.swept ?? 0) + 1;
    if (swept > maxAttempts) {
      const reason = `${step} was handed this incident ${maxAttempts} times and it is still acting with nothing due: giving up`;
      await d.incidents.record(key, { step, outcome: 'FAILED', reason }, () => ({ status: 'failed' }));
      out.push({
        outcome: 'FAILED',
        incident: key,
        status: 'failed',
        reason,
        next: [await d.dispatcher.send('notify', key)],
      });
      continue;
    }
    const reason = `acting with nothing due for ${Math.round((d.now() - Date.parse(r.updatedAt)) / 1000)} s: handed to ${step} again (sweep ${swept} of ${maxAttempts})`;
    await d.incidents.record(key, { step, outcome: 'RESCHEDULED', reason }, () => ({ swept }), {
      writes: [{ kind: 'schedule', queue: step, id: key, dueAt: d.now() }],
    });
    out.push({
      outcome: 'RESCHEDULED',
      incident: key,
      status: r.status,
      reason,
      next: [{ step, transport: 'due-queue', dueAt: d.now() }],
    });
  }
  return out;
}
