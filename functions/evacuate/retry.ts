/**
 * A failed evacuation tried again on another target (core/policy/targets.ts retryTarget), as Masakari's
 * priority methods run their other flow and its reserved-host flow the next reserved host. A server Nova left
 * on the failed host — ERROR, or its newest evacuation migration `error` / `failed` (./servers.ts) — loses its
 * progress and gets its next target on the record; the step then starts it as it starts any server not yet
 * asked, after the same host check (./verify.ts) in the same invocation: nothing is retried on a host no
 * longer down and fenced. No target left, or the policy's retries spent: the server is `failed`, and the
 * incident is held for a human once nothing else is in flight (index.ts).
 */
import { approvalValid } from '../../core/domain/approval';
import { isoOf, epochMsOf } from '../../core/domain/clock';
import type { Attempted, EvacuationAttempts, EvacuateTarget, IncidentRecord } from '../../core/domain/plan';
import { attemptOf, describeAttempt, needOf, retryTarget } from '../../core/policy/targets';
import type { Deps } from '../_shared/deps';
import type { StepResult } from '../_shared/step';
import { evacuationOf, reservedInUse, roomsFor } from './targets';
import { hold } from './verify';

/** An evacuation Nova ended without moving the server: which, and what Nova showed. */
export type Failure = { target: EvacuateTarget; why: string };

/** The server's attempts; one started before attempts were recorded went where the incident's target was. */
export function attemptsOf(r: IncidentRecord, serverId: string): EvacuationAttempts {
  const own = r.evacuations?.[serverId];
  if (own) return own;
  const inUse = reservedInUse(r);
  return { tried: [inUse ? { kind: 'reserved', host: inUse } : { kind: 'auto' }] };
}

/** Servers whose retries are spent: id → why. */
export const gaveUpOf = (r: IncidentRecord): [string, EvacuationAttempts][] =>
  Object.entries(r.evacuations ?? {}).filter(([, a]) => a.gaveUp);

/**
 * Each failure's next target, or its end: the record with the retried servers' progress cleared and their
 * next target set, the others `failed`; one timeline entry per server.
 */
export async function afterFailures(
  d: Deps,
  r: IncidentRecord,
  host: string,
  failures: readonly Failure[],
): Promise<{ record: IncidentRecord; retrying: number }> {
  const rooms = await roomsFor(d, r, host, await d.cloud().nova.listComputeServices());
  const e = evacuationOf(d, r);
  let retrying = 0;
  for (const f of failures) {
    const id = f.target.serverId;
    const tried = attemptsOf(r, id).tried;
    const choice = retryTarget(e.recoveryMethod, { tried, retries: e.retries, ...rooms, need: needOf([f.target]) });
    const next: Attempted | undefined = choice.target && attemptOf(choice.target);
    if (next) retrying++;
    const reason = next
      ? `evacuation of ${id} failed (${f.why}): ${choice.reason}`
      : `evacuation of ${id} failed (${f.why}); ${choice.reason}: a human has it`;
    r = await d.incidents.record(
      r.key,
      {
        step: 'evacuate',
        outcome: next ? 'RESCHEDULED' : 'FAILED',
        reason,
        details: { server: id, failed: f.why, tried, next },
      },
      (cur) => {
        // another invocation saw this failure first and has asked again: nothing to change
        const same = cur.progress[id] === 'requested' && attemptsOf(cur, id).tried.length === tried.length;
        if (!same) return {};
        const { [id]: _, ...progress } = cur.progress;
        const attempts: EvacuationAttempts = next
          ? { tried, next }
          : { tried, gaveUp: choice.reason, gaveUpAt: isoOf(d.now()) };
        return {
          progress: next ? progress : { ...cur.progress, [id]: 'failed' },
          evacuations: { ...cur.evacuations, [id]: attempts },
        };
      },
    );
  }
  return { record: r, retrying };
}

/** The hold once every server's evacuation has ended and some were given up: a human has them. */
export function holdGivenUp(d: Deps, r: IncidentRecord, host: string): Promise<StepResult[]> {
  const list = gaveUpOf(r).map(([id, a]) => `${id} (${a.tried.map(describeAttempt).join(', ')})`);
  return hold(
    d,
    r,
    `evacuation failed on every target the policy allows for ${list.join(', ')}: they are ERROR or still on ` +
      `${host}. Nothing more is evacuated; \`stackmend approve ${r.key}\` closes the incident as failed`,
  );
}

/** An operator approved the incident, validly, after its last server was given up (the approval closes it). */
export function approvedSinceGivenUp(d: Deps, r: IncidentRecord, host: string): boolean {
  const last = Math.max(0, ...gaveUpOf(r).map(([, a]) => epochMsOf(a.gaveUpAt) ?? 0));
  const a = r.approval;
  return !!a && approvalValid(a, r.key, host, d.now()).valid && (epochMsOf(a.approvedAt) ?? 0) >= last;
}

/**
 * A held incident with given-up servers stays held, nothing written, until an operator approves it after
 * the last server was given up (./index.ts then resolves it as failed).
 */
export function stillHeld(d: Deps, r: IncidentRecord, host: string): StepResult[] | undefined {
  if (r.status !== 'held' || !gaveUpOf(r).length || approvedSinceGivenUp(d, r, host)) return undefined;
  const reason = r.timeline.filter((t) => t.outcome === 'HELD_FOR_APPROVAL').pop()?.reason ?? 'held for a human';
  return [{ outcome: 'HELD_FOR_APPROVAL', incident: r.key, status: 'held', reason }];
}
