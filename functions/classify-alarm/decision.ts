/**
 * The commit of one decision of classify-alarm (core/state/commit.ts): the de-duplication mark
 * (`seen:`), the repeat counter, the blast radius's storms it saw (functions/_shared/blast.ts), then
 * either the new incident — its subject lock, its breaker slot, its record with the `open:` index and
 * audit entries, and its first step in that step's due queue — or the entry GROUPED into the incident
 * already holding the subject. All of it or none: a conflict means another invocation decided first,
 * and classify-alarm reads again and decides again.
 */
import { verdictSpec, type StepName } from '../../core/domain/pipeline';
import type { Principal } from '../../core/domain/fence';
import type { Incident } from '../../core/domain/incident';
import { isTerminal, type IncidentRecord, type TimelineEntry } from '../../core/domain/plan';
import { decide, type Ruling } from '../../core/policy/decide';
import type { Facts } from '../../core/policy/facts';
import type { Policy } from '../../core/policy/policy';
import { dueWrite } from '../../core/runtime/dispatch';
import type { Commit, Conflict, Requirement, Write } from '../../core/state/commit';
import { stormCommit } from '../_shared/blast';
import type { Deps } from '../_shared/deps';
import { breakerSlot, K, LOCK_TTL_SECONDS, lockKey, recordWrites, subjectId } from '../_shared/incidents';
import type { StepResult } from '../_shared/step';
import { revisitAt } from './revisit';

const SEEN_TTL_SECONDS = 7 * 86_400;

type HandOn = { step: StepName; notBefore?: number };
/**
 * What committing gives: the answer, and the hand-offs the commit made durable in their due queues
 * (the step to run sooner over the transport; a held host's next look, ./revisit.ts).
 */
export type Decided = { commit: Commit; result: StepResult; handOn: HandOn[] };

/**
 * Would a full breaker have held this decision? Then it counts toward the breaker and takes a
 * slot: the same rule (core/policy/decide.ts `circuit-breaker`), asked of the facts with a full breaker.
 */
export const countsTowardBreaker = (f: Facts, p: Policy): boolean =>
  decide({ ...f, openIncidents: p.maxOpenIncidents + 1 }, p).decision.rule === 'circuit-breaker';

/** Another invocation already stored this alarm: its mark or its record is there. */
export const isDuplicate = (conflicts: Conflict[], key: string): boolean =>
  conflicts.some((c) => c.kind === 'exists' && (c.key === K.seen(key) || c.key === K.incident(key)));

/** The mark and the repeat counter, as read when the facts were gathered. */
function markAndCount(i: Incident, f: Facts, d: Deps): { requires: Requirement[]; writes: Write[] } {
  const at = new Date(d.now()).toISOString();
  const requires: Requirement[] = [{ kind: 'absent', key: K.seen(i.key) }];
  const writes: Write[] = [{ kind: 'put', key: K.seen(i.key), value: { at }, ttlSeconds: SEEN_TTL_SECONDS }];
  if (f.repeats > 0) {
    const key = K.repeats(subjectId(i));
    const before = f.repeats - 1; // repeats counts this incident; the counter held one less when read
    requires.push(before === 0 ? { kind: 'absent', key } : { kind: 'equals', key, value: before });
    writes.push({ kind: 'put', key, value: f.repeats, ttlSeconds: d.policy.repeatWindowSec });
  }
  return { requires, writes };
}

/** The alarm folded into `holder` (as read): unchanged since, it is still open. */
export function groupInto(
  i: Incident,
  f: Facts,
  d: Deps,
  holder: IncidentRecord,
  entry: Omit<TimelineEntry, 'at'>,
  result: StepResult,
): Decided {
  const base = markAndCount(i, f, d);
  const e = { at: new Date(d.now()).toISOString(), ...entry };
  const updated = { ...holder, timeline: [...holder.timeline, e], updatedAt: e.at };
  return {
    commit: {
      requires: [...base.requires, { kind: 'equals', key: K.incident(holder.key), value: holder }],
      writes: [...base.writes, ...recordWrites(updated, [e])],
    },
    result,
    handOn: [],
  };
}

/**
 * The new incident. `holder`: who held the subject lock when it was read, an incident that has
 * ended (its lock is taken over) or nobody.
 */
export function createIncident(
  record: IncidentRecord,
  f: Facts,
  d: Deps,
  ruling: Ruling,
  lock: { claim: boolean; holder?: string },
  result: StepResult,
): Decided {
  const i = record.incident;
  const base = markAndCount(i, f, d);
  // the storms this decision saw (core/policy/blast.ts): stored with it, or the decision is made again
  const storm = stormCommit(f, d.policy);
  const requires: Requirement[] = [
    ...base.requires,
    ...storm.requires,
    { kind: 'absent', key: K.incident(record.key) },
  ];
  const writes: Write[] = [...base.writes, ...storm.writes];
  if (lock.claim) {
    const key = lockKey(i);
    requires.push(lock.holder === undefined ? { kind: 'absent', key } : { kind: 'equals', key, value: lock.holder });
    writes.push({ kind: 'put', key, value: record.key, ttlSeconds: LOCK_TTL_SECONDS });
  }
  const open = !isTerminal(record.status);
  if (open && ruling.decision.rule !== 'circuit-breaker' && countsTowardBreaker(f, d.policy))
    writes.push(breakerSlot(record.key, d.policy.maxOpenIncidents));
  writes.push(...recordWrites(record, record.timeline));
  if (open) writes.push({ kind: 'put', key: K.open(record.key), value: { since: record.createdAt } });
  const next = verdictSpec(ruling.decision.verdict).next;
  const after = ruling.decision.recheckAfterSec;
  const notBefore = after === undefined ? undefined : d.now() + after * 1000;
  const handOn: HandOn[] = next ? [{ step: next, notBefore }] : [];
  const revisit = revisitAt(d, record);
  if (revisit !== undefined) handOn.push({ step: 'classify-alarm', notBefore: revisit });
  writes.push(...handOn.map((h) => dueWrite(h.step, record.key, d.now(), h.notBefore)));
  return { commit: { requires, writes }, result, handOn };
}

/** The record of a new incident, as classify-alarm decided it. */
export function newRecord(i: Incident, f: Facts, ruling: Ruling, d: Deps, reportedBy?: Principal): IncidentRecord {
  const { decision, plan } = ruling;
  const at = new Date(d.now()).toISOString();
  const spec = verdictSpec(decision.verdict);
  return {
    key: i.key,
    incident: i,
    status: spec.status,
    decision,
    plan,
    fence: f.fenceCheck?.accepted,
    reportedBy,
    rechecks: decision.verdict === 'recheck' ? 1 : undefined,
    progress: {},
    updates: {},
    timeline: [
      {
        at,
        step: 'classify-alarm',
        outcome: ruling.outcome ?? spec.outcome,
        reason: `${i.summary} → ${decision.verdict} (rule ${decision.rule}): ${decision.reason}`,
      },
    ],
    dryRun: false,
    createdAt: at,
    updatedAt: at,
  };
}
