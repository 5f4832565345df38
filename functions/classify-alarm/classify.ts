/**
 * classify-alarm: any supported alarm → Incident → facts → decision → the next step.
 * Duplicate deliveries stop here; per-server alarms fold into an open host incident;
 * a dry run decides and reports without writing anything; a quiet answer (an unknown server)
 * is stored nowhere and pages nobody; a late host is decided again later (./recheck.ts).
 */
import type { Principal } from '../../core/domain/fence';
import type { Incident } from '../../core/domain/incident';
import { verdictSpec, type StepName } from '../../core/domain/pipeline';
import type { Decision, IncidentRecord } from '../../core/domain/plan';
import { decide } from '../../core/policy/decide';
import { factsDeps, gatherFacts } from '../_shared/facts';
import type { StepContext, StepResult } from '../_shared/step';
import { revisitLater } from './revisit';

/** `reportedBy`: the alarm's sender as authenticated (a monitor's fence claim is believed by it). */
export async function classifyOne(i: Incident, ctx: StepContext, reportedBy?: Principal): Promise<StepResult> {
  const d = ctx.deps;
  if (!d.dryRun && !(await d.incidents.firstSighting(i.key))) {
    return { outcome: 'DUPLICATE', incident: i.key, reason: `alarm ${i.key} was already handled: not acting twice` };
  }
  try {
    return await classifyNew(i, ctx, reportedBy);
  } catch (e) {
    // nothing was decided: let a redelivery of the same alarm try again
    if (!d.dryRun && !(await d.incidents.get(i.key))) await d.incidents.forget(i.key);
    throw e;
  }
}

async function classifyNew(i: Incident, ctx: StepContext, reportedBy?: Principal): Promise<StepResult> {
  const d = ctx.deps;
  const facts = await gatherFacts(i, factsDeps(d), { reportedBy });
  const ruling = decide(facts, d.policy);
  const { decision, plan } = ruling;
  const details = { decision, plan, subject: i.subject };
  if (d.dryRun)
    return { outcome: 'DRY_RUN', incident: i.key, reason: `would ${decision.verdict}: ${decision.reason}`, details };
  if (ruling.quiet) {
    await d.incidents.forget(i.key); // nothing stored: the same alarm is answered the same way next time
    return { outcome: 'NOT_MANAGED', incident: i.key, reason: decision.reason, details };
  }

  if (decision.verdict === 'group' && facts.coveringHostIncident) {
    await d.incidents.record(facts.coveringHostIncident, {
      step: 'classify-alarm',
      outcome: 'GROUPED',
      reason: `${i.summary} (alarm ${i.key})`,
    });
    return { outcome: 'GROUPED', incident: facts.coveringHostIncident, reason: decision.reason, details };
  }
  const at = new Date(d.now()).toISOString();
  const spec = verdictSpec(decision.verdict);
  const outcome = ruling.outcome ?? spec.outcome;
  const record: IncidentRecord = {
    key: i.key,
    incident: i,
    status: spec.status,
    decision,
    plan,
    fence: facts.fenceCheck?.accepted,
    reportedBy,
    rechecks: decision.verdict === 'recheck' ? 1 : undefined,
    progress: {},
    updates: {},
    timeline: [
      {
        at,
        step: 'classify-alarm',
        outcome,
        reason: `${i.summary} → ${decision.verdict} (rule ${decision.rule}): ${decision.reason}`,
      },
    ],
    dryRun: false,
    createdAt: at,
    updatedAt: at,
  };
  if (decision.verdict !== 'ignore') {
    const holder = await d.incidents.claimSubject(record);
    if (holder && holder !== i.key) {
      await d.incidents.record(holder, {
        step: 'classify-alarm',
        outcome: 'GROUPED',
        reason: `another alarm on the same subject: ${i.summary} (${i.key})`,
      });
      return {
        outcome: 'GROUPED',
        incident: holder,
        reason: `the subject is already being handled by incident ${holder}`,
        details,
      };
    }
  }
  await d.incidents.create(record);
  if (!spec.next) return { outcome, incident: i.key, reason: decision.reason, details };
  const next = await handOn(ctx, spec.next, i.key, decision);
  const later = await revisitLater(ctx, record); // a held host is looked at again (./revisit.ts)
  return {
    outcome,
    incident: i.key,
    status: record.status,
    reason: decision.reason,
    next: later ? [next, later] : [next],
    details,
  };
}

/** To the verdict's next step; a recheck through the due queue, after the decision's recheckAfterSec. */
export function handOn(ctx: StepContext, step: StepName, key: string, decision: Decision) {
  const d = ctx.deps;
  const after = decision.recheckAfterSec;
  return d.dispatcher.send(step, key, after === undefined ? undefined : { notBefore: d.now() + after * 1000 });
}
