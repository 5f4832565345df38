/**
 * A late host decided again: classify-alarm scheduled the incident in its own due queue (verdict
 * `recheck`, core/policy/decide-host.ts); its reconcile reads the facts afresh and decides again,
 * counting the rechecks on the record so that a host that stays late is held after the policy's
 * `lateRechecks` (core/policy/host-liveness.ts). No sleeping: each recheck is its own invocation.
 * A held host incident in the same queue is decided again by ./revisit.ts.
 */
import { verdictSpec } from '../../core/domain/pipeline';
import { isTerminal } from '../../core/domain/plan';
import { decide } from '../../core/policy/decide';
import { factsDeps, gatherFacts } from '../_shared/facts';
import type { StepContext, StepResult } from '../_shared/step';
import { handOn } from './classify';
import { revisitLater, revisitOne } from './revisit';

export async function recheckOne(key: string, ctx: StepContext): Promise<StepResult> {
  const d = ctx.deps;
  const r = await d.incidents.get(key);
  if (r?.status === 'held') return revisitOne(r, ctx);
  if (!r || isTerminal(r.status) || r.decision?.verdict !== 'recheck')
    return { outcome: 'IGNORED', incident: key, reason: `incident ${key} is not waiting for a recheck` };
  const rechecks = r.rechecks ?? 0;
  const facts = await gatherFacts(r.incident, factsDeps(d), {
    reportedBy: r.reportedBy,
    again: { rechecks, approval: r.approval },
  });
  const ruling = decide(facts, d.policy);
  const { decision, plan } = ruling;
  const details = { decision, plan, subject: r.incident.subject };
  if (d.dryRun)
    return { outcome: 'DRY_RUN', incident: key, reason: `would ${decision.verdict}: ${decision.reason}`, details };
  const spec = verdictSpec(decision.verdict);
  const outcome = ruling.outcome ?? spec.outcome;
  const again = decision.verdict === 'recheck';
  const updated = await d.incidents.record(
    key,
    {
      step: 'classify-alarm',
      outcome,
      reason: `recheck ${rechecks} → ${decision.verdict} (rule ${decision.rule}): ${decision.reason}`,
    },
    () => ({
      status: spec.status,
      decision,
      plan,
      fence: facts.fenceCheck?.accepted,
      rechecks: again ? rechecks + 1 : rechecks,
    }),
  );
  const later = await revisitLater(ctx, updated); // a host still late after its rechecks is held: looked at again
  const next = spec.next ? [await handOn(ctx, spec.next, key, decision), ...(later ? [later] : [])] : undefined;
  return { outcome, incident: key, status: updated.status, reason: decision.reason, next, details };
}
