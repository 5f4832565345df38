/**
 * classify-alarm: any supported alarm → Incident → facts → decision → the next step.
 * The decision is one commit (./decision.ts): the de-duplication mark, the subject lock, the
 * breaker slot, the incident record and its first due step are stored together or not at all, and
 * a conflict (another invocation decided first) is read again and decided again. Duplicate
 * deliveries stop here; alarms on a subject already being handled fold into its incident; a dry
 * run decides and reports without writing anything; a quiet answer (an unknown server) is stored
 * nowhere and pages nobody; a late host is decided again later (./recheck.ts).
 */
import type { Principal } from '../../core/domain/fence';
import type { Incident } from '../../core/domain/incident';
import { verdictSpec } from '../../core/domain/pipeline';
import { isTerminal } from '../../core/domain/plan';
import { decide, type Ruling } from '../../core/policy/decide';
import { isNotAnswered } from '../../core/openstack/errors';
import type { Facts } from '../../core/policy/facts';
import { factsDeps, gatherFacts } from '../_shared/facts';
import { IncidentContendedError, MAX_TRIES } from '../_shared/incidents';
import type { StepContext, StepResult } from '../_shared/step';
import { createIncident, groupInto, isDuplicate, newRecord, type Decided } from './decision';
import { park } from './park';

const duplicate = (key: string): StepResult => ({
  outcome: 'DUPLICATE',
  incident: key,
  reason: `alarm ${key} was already handled: not acting twice`,
});

/**
 * `reportedBy`: the alarm's sender as authenticated (a monitor's fence claim is believed by it).
 * A delivery whose facts OpenStack does not answer for is parked (./park.ts); `parked`: this is the
 * reconcile classifying a parked alarm, which lets the error reach ./park.ts `unpark`.
 */
export async function classifyOne(
  i: Incident,
  ctx: StepContext,
  reportedBy?: Principal,
  parked = false,
): Promise<StepResult> {
  const d = ctx.deps;
  if (!d.dryRun && (await d.incidents.seen(i.key))) return duplicate(i.key);
  for (let tries = 1; tries <= MAX_TRIES; tries++) {
    const facts = await gatherFacts(i, factsDeps(d), { reportedBy }).catch((e: unknown) => {
      if (d.dryRun || parked || !isNotAnswered(e)) throw e;
      return park(i, ctx, e, reportedBy);
    });
    if ('outcome' in facts) return facts; // parked
    const ruling = decide(facts, d.policy);
    const { decision, plan } = ruling;
    const details = { decision, plan, subject: i.subject };
    if (d.dryRun)
      return { outcome: 'DRY_RUN', incident: i.key, reason: `would ${decision.verdict}: ${decision.reason}`, details };
    if (ruling.quiet) return { outcome: 'NOT_MANAGED', incident: i.key, reason: decision.reason, details };
    const decided = await decisionOf(i, ctx, facts, ruling, details, reportedBy);
    const res = await d.store.commit(decided.commit);
    if (!res.committed) {
      if (isDuplicate(res.conflicts, i.key)) return duplicate(i.key);
      continue; // another invocation took the subject, a breaker slot or the holder's record: decide again
    }
    if (decided.handOn.length === 0) return decided.result;
    const next = [];
    for (const h of decided.handOn)
      next.push(await d.dispatcher.send(h.step, i.key, { notBefore: h.notBefore, durable: true }));
    return { ...decided.result, next };
  }
  throw new IncidentContendedError(i.key);
}

async function decisionOf(
  i: Incident,
  ctx: StepContext,
  facts: Facts,
  ruling: Ruling,
  details: Record<string, unknown>,
  reportedBy?: Principal,
): Promise<Decided> {
  const d = ctx.deps;
  const { decision } = ruling;
  const covering = decision.verdict === 'group' ? facts.coveringHostIncident : undefined;
  const host = covering ? await d.incidents.get(covering) : undefined;
  if (covering && host && !isTerminal(host.status))
    return groupInto(
      i,
      facts,
      d,
      host,
      { step: 'classify-alarm', outcome: 'GROUPED', reason: `${i.summary} (alarm ${i.key})` },
      { outcome: 'GROUPED', incident: covering, reason: decision.reason, details },
    );
  const record = newRecord(i, facts, ruling, d, reportedBy);
  const spec = verdictSpec(decision.verdict);
  const outcome = ruling.outcome ?? spec.outcome;
  const claim = decision.verdict !== 'ignore';
  const held = claim ? await d.incidents.subjectHolder(i) : {};
  if (held.record && held.holder !== i.key && !isTerminal(held.record.status))
    return groupInto(
      i,
      facts,
      d,
      held.record,
      {
        step: 'classify-alarm',
        outcome: 'GROUPED',
        reason: `another alarm on the same subject: ${i.summary} (${i.key})`,
      },
      {
        outcome: 'GROUPED',
        incident: held.record.key,
        reason: `the subject is already being handled by incident ${held.record.key}`,
        details,
      },
    );
  const result: StepResult = spec.next
    ? { outcome, incident: i.key, status: record.status, reason: decision.reason, details }
    : { outcome, incident: i.key, reason: decision.reason, details };
  return createIncident(record, facts, d, ruling, { claim, holder: held.holder }, result);
}
