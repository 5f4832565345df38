/**
 * Time is bounded: each invocation stops starting new work before its deadline and leaves the
 * rest to a later invocation, through the due queue. The deadline comes from the platform
 * (core/runtime/adapters.ts: `__OW_DEADLINE` on OpenWhisk, `getRemainingTimeInMillis()` on Lambda),
 * or else is the action's limit from the invocation's start (serverless.yml's default timeout, the
 * local runtime's default limit in local/whisk/types.ts).
 */
export const ACTION_LIMIT_MS = 60_000;
/**
 * Room kept before the deadline to finish the work in hand and record it: 10 s, or a quarter of
 * the invocation's time when that is shorter (an action with a 3 s limit still does its work).
 */
export const DEADLINE_MARGIN_MS = 10_000;

/** Epoch ms (on the deps' clock) after which the invocation starts no new work. */
export const stopByOf = (given: number | undefined, now: number): number => {
  const deadline = given ?? now + ACTION_LIMIT_MS;
  return deadline - Math.min(DEADLINE_MARGIN_MS, Math.max(0, (deadline - now) / 4));
};

/** May new work still start? */
export const hasTime = (ctx: { stopBy: number; deps: { now: () => number } }): boolean => ctx.deps.now() < ctx.stopBy;
