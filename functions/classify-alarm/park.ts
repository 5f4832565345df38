/**
 * An alarm OpenStack could not be asked about is kept, not refused. Aodh's REST notifier does not
 * send an alarm again after a 5xx answer (its `rest_notifier_max_retries` retries only connections
 * that fail), nor does Zaqar's push (core/runtime/dispatch/dispatcher.ts): a 503 for a Heat or Nova
 * read that timed out would lose the alarm. So when the facts cannot be read (OpenStackUnreachableError,
 * timeouts included, or a service answered 503; not a TLS failure), the parsed alarm and its
 * authenticated sender are stored with a due item of classify-alarm in one commit, and the caller gets
 * 202 RESCHEDULED. The reconcile classifies it again from the stored alarm with facts read afresh
 * (every check — the host down, the fence — is made then), every 5 s, doubling up to 5 min, until
 * OpenStack answers. Nothing is written to the cloud meanwhile.
 */
import type { Principal } from '../../core/domain/fence';
import type { Incident } from '../../core/domain/incident';
import { isNotAnswered, type NotAnswered } from '../../core/openstack/errors';
import { dueWrite } from '../../core/runtime/dispatch';
import type { StateStore } from '../../core/state/store';
import type { StepContext, StepResult } from '../_shared/step';

export type Parked = { incident: Incident; reportedBy?: Principal; parkedAt: number; tries: number; why: string };

const PARKED = 'parked:';
const parkedKey = (key: string) => `${PARKED}${key}`;
const FIRST_RETRY_MS = 5_000;
const RETRY_CAP_MS = 300_000;

/** The delay before the next classification of an alarm parked `tries` times: 5 s, 10 s, … at most 5 min. */
export const parkedRetryMs = (tries: number): number => Math.min(RETRY_CAP_MS, FIRST_RETRY_MS * 2 ** (tries - 1));

export const parkedAlarm = (ctx: StepContext, key: string): Promise<Parked | undefined> =>
  ctx.deps.store.get<Parked>(parkedKey(key));

/** Alarms kept for OpenStack to answer (cli/metrics.ts `stackmend_alarms_kept`). */
export const parkedCount = async (store: StateStore): Promise<number> => (await store.list(PARKED)).length;

export const forgetParked = (ctx: StepContext, key: string): Promise<void> => ctx.deps.store.delete(parkedKey(key));

const rescheduled = (key: string, p: Parked, dueAt: number): StepResult => ({
  outcome: 'RESCHEDULED',
  incident: key,
  reason:
    `OpenStack did not answer (${p.why}): the alarm is kept and classified again from classify-alarm's ` +
    `due queue (try ${p.tries}, next at ${new Date(dueAt).toISOString()}); nothing was changed in the cloud`,
});

/** Stores the parked alarm and its next classification in one commit; when that is due. */
async function keep(ctx: StepContext, key: string, p: Parked): Promise<number> {
  const now = ctx.deps.now();
  const due = dueWrite('classify-alarm', key, now, now + parkedRetryMs(p.tries));
  await ctx.deps.store.commit({ writes: [{ kind: 'put', key: parkedKey(key), value: p }, due] });
  return due.dueAt;
}

/** Keeps the alarm for a later classification; a redelivery of a parked alarm keeps the first. */
export async function park(i: Incident, ctx: StepContext, e: NotAnswered, reportedBy?: Principal) {
  const d = ctx.deps;
  const existing = await parkedAlarm(ctx, i.key);
  const p: Parked = existing ?? { incident: i, reportedBy, parkedAt: d.now(), tries: 1, why: e.message };
  const dueAt = existing ? d.now() + parkedRetryMs(p.tries) : await keep(ctx, i.key, p);
  d.log.warn('alarm parked: OpenStack did not answer', { incident: i.key, error: e.message });
  return rescheduled(i.key, p, dueAt);
}

/**
 * The reconcile's turn for a parked alarm: `classify` decides it as a new delivery would; OpenStack
 * still unreachable → parked again, later. The parked entry is deleted once a classification answered
 * (a run that dies before the delete finds the alarm `seen` next time: DUPLICATE, then deleted).
 */
export async function unpark(
  key: string,
  p: Parked,
  ctx: StepContext,
  classify: (i: Incident, reportedBy?: Principal) => Promise<StepResult>,
): Promise<StepResult> {
  const d = ctx.deps;
  try {
    const result = await classify(p.incident, p.reportedBy);
    await forgetParked(ctx, key);
    return result;
  } catch (e) {
    if (!isNotAnswered(e)) throw e;
    const next: Parked = { ...p, tries: p.tries + 1, why: e.message };
    const dueAt = await keep(ctx, key, next);
    d.log.warn('parked alarm: OpenStack still did not answer', { incident: key, tries: next.tries, error: e.message });
    return rescheduled(key, next, dueAt);
  }
}
