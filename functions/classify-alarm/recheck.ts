/**
 * A late host decided again: classify-alarm scheduled the incident in its own due queue (verdict
 * `recheck`, core/policy/decide-host.ts); its reconcile reads the facts afresh and decides again,
 * counting the rechecks on the record so that a host that stays late is held after the policy's
 * `lateRechecks` (core/policy/host-liveness.ts). No sleeping: each recheck is its own invocation.
 * A held host incident in the same queue is decided again by ./revisit.ts, a parked alarm (OpenStack
 * did not answer when it came) classified again by ./park.ts.
 */
import { verdictSpec } from '../../core/domain/pipeline';
import { isTerminal } from '../../core/domain/plan';
import { decide } from '../../core/policy/decide';
import { dueWrite } from '../../core/runtime/dispatch';
import { stormCommit } from '../_shared/blast';
import { factsDeps, gatherFacts } from '../_shared/facts';
import type { StepContext, StepResult } from '../_shared/step';
import { classifyOne } from './classify';
import { forgetParked, parkedAlarm, unpark } from './park';
import { revisitAt, revisitOne } from './revisit';

export async function recheckOne(key: string, ctx: StepContext): Promise<StepResult> {
  const d = ctx.deps;
  const r = await d.incidents.get(key);
  const parked = await parkedAlarm(ctx, key);
  if (parked && !r) return unpark(key, parked, ctx, (i, by) => classifyOne(i, ctx, by, true));
  if (parked) await forgetParked(ctx, key); // a redelivery was decided meanwhile: its record goes on as it is
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
  // the storms this decision saw (stored on their own: a newer look by another invocation wins)
  const storm = stormCommit(facts, d.policy);
  if (storm.writes.length) await d.store.commit(storm);
  const spec = verdictSpec(decision.verdict);
  const outcome = ruling.outcome ?? spec.outcome;
  const again = decision.verdict === 'recheck';
  const after = decision.recheckAfterSec;
  const notBefore = after === undefined ? undefined : d.now() + after * 1000;
  // the new decision and its next step in one commit: a recheck that dies after it has not lost the step
  const later = revisitAt(d, { status: spec.status, incident: r.incident }); // held after its rechecks: looked at again
  const handOn = [
    ...(spec.next ? [{ step: spec.next, notBefore }] : []),
    ...(later === undefined ? [] : [{ step: 'classify-alarm' as const, notBefore: later }]),
  ];
  const writes = handOn.map((h) => dueWrite(h.step, key, d.now(), h.notBefore));
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
    { writes },
  );
  const next = [];
  for (const h of handOn) next.push(await d.dispatcher.send(h.step, key, { notBefore: h.notBefore, durable: true }));
  return { outcome, incident: key, status: updated.status, reason: decision.reason, next, details };
}
