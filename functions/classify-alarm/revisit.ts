/**
 * A held host incident decided again, every `policy.heldRecheckSec` while it is held, through
 * classify-alarm's own due queue (its reconcile, as ./recheck.ts): the facts are read afresh and
 * core/policy/revisit.ts says what follows. Recovered → the incident ends `recovered` (the host and
 * its breaker slot are released) and the operator is told; decided anew → recorded and handed on as
 * a new decision would be (evacuate); unchanged → nothing recorded, looked at again later. An
 * incident an operator approved is left to evacuate (cli/approve.ts runs it).
 */
import { verdictSpec } from '../../core/domain/pipeline';
import type { IncidentRecord } from '../../core/domain/plan';
import { revisitHeld } from '../../core/policy/revisit';
import type { Receipt } from '../../core/runtime/dispatch';
import type { Deps } from '../_shared/deps';
import { stormCommit } from '../_shared/blast';
import { factsDeps, gatherFacts } from '../_shared/facts';
import type { StepContext, StepResult } from '../_shared/step';

/** When a held host incident is looked at next (epoch ms); undefined for any other record. */
export function revisitAt(d: Deps, r: Pick<IncidentRecord, 'status' | 'incident'>): number | undefined {
  if (d.dryRun || r.status !== 'held' || r.incident.subject.type !== 'host') return undefined;
  return d.now() + d.policy.heldRecheckSec * 1000;
}

/** Schedules the next look at a held host incident; nothing for any other record. */
export async function revisitLater(ctx: StepContext, r: Pick<IncidentRecord, 'key' | 'status' | 'incident'>) {
  const notBefore = revisitAt(ctx.deps, r);
  return notBefore === undefined ? undefined : ctx.deps.dispatcher.send('classify-alarm', r.key, { notBefore });
}

export async function revisitOne(r: IncidentRecord, ctx: StepContext): Promise<StepResult> {
  const d = ctx.deps;
  const key = r.key;
  if (r.incident.subject.type !== 'host' || r.approval)
    return {
      outcome: 'IGNORED',
      incident: key,
      reason: r.approval
        ? `incident ${key} was approved by ${r.approval.approvedBy.name}: evacuate carries it out`
        : `incident ${key} is about a server: nothing to look at again`,
    };
  const facts = await gatherFacts(r.incident, factsDeps(d), {
    reportedBy: r.reportedBy,
    again: { rechecks: d.policy.lateRechecks }, // a held host is not given late rechecks again
  });
  const v = revisitHeld(r.decision, facts, d.policy);
  if (d.dryRun) return { outcome: 'DRY_RUN', incident: key, reason: `would ${v.kind}`, details: { revisit: v } };
  // a storm moves on while incidents are held in it (its cooldown starts, ends): stored as seen
  const storm = stormCommit(facts, d.policy);
  if (storm.writes.length) await d.store.commit(storm);
  switch (v.kind) {
    case 'unchanged': {
      const next = await revisitLater(ctx, r);
      return { outcome: 'HELD_FOR_APPROVAL', incident: key, status: r.status, reason: v.reason, next: receipts(next) };
    }
    case 'recovered': {
      const updated = await d.incidents.record(
        key,
        { step: 'classify-alarm', outcome: 'RECOVERED', reason: v.reason },
        () => ({
          status: 'recovered',
        }),
      );
      const next = await d.dispatcher.send('notify', key);
      return { outcome: 'RECOVERED', incident: key, status: updated.status, reason: v.reason, next: [next] };
    }
    case 'decided': {
      const { decision, plan } = v.ruling;
      const spec = verdictSpec(decision.verdict);
      const outcome = v.ruling.outcome ?? spec.outcome;
      const updated = await d.incidents.record(
        key,
        {
          step: 'classify-alarm',
          outcome,
          reason: `held incident decided again → ${decision.verdict} (rule ${decision.rule}): ${decision.reason}`,
        },
        () => ({ status: spec.status, decision, plan, fence: facts.fenceCheck?.accepted }),
      );
      const next = [
        // never a recheck (core/policy/revisit.ts answers that as unchanged): handed on now
        ...(spec.next ? [await d.dispatcher.send(spec.next, key)] : []),
        ...receipts(await revisitLater(ctx, updated)),
      ];
      return {
        outcome,
        incident: key,
        status: updated.status,
        reason: decision.reason,
        next,
        details: { decision, plan },
      };
    }
    default: {
      const unreachable: never = v;
      return unreachable;
    }
  }
}

const receipts = (r: Receipt | undefined): Receipt[] => (r ? [r] : []);
