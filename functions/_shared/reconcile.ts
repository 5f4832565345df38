/**
 * Reconcile of a step's due queue on leases (core/state/store.ts lease/ack/retry): each due
 * item is lent to this invocation for LEASE_MS; done → ack; failed → retry with a bounded
 * exponential backoff; after MAX_ATTEMPTS leases the incident ends `failed` with the reason and
 * the operator is told, unless OpenStack did not answer (unreachable, timed out, 503): that is tried
 * again at most every 5 min for as long as it lasts, the incident open and its subject held. An
 * invocation killed mid-batch never acks: its leases expire and the items are handed out again.
 * Then the sweeper (./sweep.ts) hands on acting incidents nothing is due for.
 */
import type { StepName } from '../../core/domain/pipeline';
import { isTerminal } from '../../core/domain/plan';
import { isNotAnswered } from '../../core/openstack/errors';
import type { Leased } from '../../core/state/store';
import { hasTime } from './deadline';
import type { StepContext, StepResult } from './step';
import { sweep } from './sweep';

/** How long one invocation holds a due item before another may take it (an action's limit is 60 s). */
export const LEASE_MS = 60_000;
/** Leases of one item before its incident is given up as failed. */
export const MAX_ATTEMPTS = 5;
/** Items one reconcile leases. */
export const RECONCILE_BATCH = 20;
const BACKOFF_BASE_MS = 5_000;
const BACKOFF_CAP_MS = 300_000;

/** Delay before the next try after `attempts` failed ones: 5 s, 10 s, 20 s, … at most 5 min. */
export const backoffMs = (attempts: number): number =>
  Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempts - 1));

export async function reconcileDue(
  step: StepName,
  ctx: StepContext,
  run: (incident: string) => Promise<StepResult[]>,
): Promise<StepResult[]> {
  const { store, now } = ctx.deps;
  const leased = await store.lease(step, now(), { limit: RECONCILE_BATCH, leaseMs: LEASE_MS });
  const out: StepResult[] = [];
  for (const [n, item] of leased.entries()) {
    if (!hasTime(ctx)) return [...out, ...(await handBack(step, ctx, leased.slice(n)))];
    try {
      out.push(...(await run(item.id)));
      // false: the step scheduled the item again itself (a reschedule ends the lease and keeps the new due time)
      await store.ack(step, item.id, item.token);
    } catch (e) {
      out.push(await failedTry(step, ctx, item, e));
    }
  }
  // acting incidents whose hand-off was lost
  if (hasTime(ctx)) out.push(...(await sweep(step, ctx.deps, MAX_ATTEMPTS)));
  return out; // nothing due: an empty, silent reconcile
}

/** Leased items this invocation has no time left for: due again now, for the next reconcile. */
async function handBack(step: StepName, ctx: StepContext, items: Leased[]): Promise<StepResult[]> {
  const { store, now } = ctx.deps;
  for (const item of items) await store.retry(step, item.id, item.token, now());
  return items.map((item) => ({
    outcome: 'RESCHEDULED',
    incident: item.id,
    reason: `${step} stops before its deadline: handed back to the due queue for the next reconcile`,
  }));
}

async function failedTry(step: StepName, ctx: StepContext, item: Leased, e: unknown): Promise<StepResult> {
  const { store, now, incidents, dispatcher, log } = ctx.deps;
  const why = (e as Error).message;
  const delay = backoffMs(item.attempts);
  if (item.attempts < MAX_ATTEMPTS) {
    await store.retry(step, item.id, item.token, now() + delay);
    return {
      outcome: 'RESCHEDULED',
      incident: item.id,
      reason: `failed (${why}); try ${item.attempts} of ${MAX_ATTEMPTS}, retrying in ${delay / 1000} s`,
    };
  }
  if (isNotAnswered(e)) {
    // OpenStack not answering is a wait, not a verdict: giving up would end the incident's other work too (a
    // host's evacuations stopped because Heat was too busy to answer for its cattle)
    await store.retry(step, item.id, item.token, now() + delay);
    log.warn(`${step}: OpenStack still does not answer; the incident stays open`, {
      incident: item.id,
      attempts: item.attempts,
      error: why,
    });
    return {
      outcome: 'RESCHEDULED',
      incident: item.id,
      reason: `OpenStack did not answer ${item.attempts} tries (${why}): trying again in ${delay / 1000} s, until it does`,
    };
  }
  const reason = `${step} failed ${item.attempts} times, giving up: ${why}`;
  const r = await incidents.get(item.id);
  if (!r || isTerminal(r.status)) {
    await store.ack(step, item.id, item.token);
    return { outcome: 'FAILED', incident: item.id, status: r?.status, reason };
  }
  const updated = await incidents.record(item.id, { step, outcome: 'FAILED', reason }, () => ({ status: 'failed' }));
  await store.ack(step, item.id, item.token);
  // a notify that keeps failing cannot tell anyone: the failed record is what the operator sees
  const next = step === 'notify' ? [] : [await dispatcher.send('notify', item.id)];
  return { outcome: 'FAILED', incident: item.id, status: updated.status, reason, next };
}
