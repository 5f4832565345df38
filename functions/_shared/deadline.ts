/**
 * Time is bounded: each invocation stops starting new work before its deadline and leaves the
 * rest to a later invocation, through the due queue. The deadline comes from the platform
 * (core/runtime/adapters.ts: `__OW_DEADLINE` on OpenWhisk, `getRemainingTimeInMillis()` on Lambda),
 * or else is the action's limit from the invocation's start (serverless.yml's default timeout, the
 * local runtime's default limit in local/whisk/types.ts).
 */
export const ACTION_LIMIT_MS = 60_000;
/** Room kept before the deadline to finish the work in hand and record it. */
export const DEADLINE_MARGIN_MS = 10_000;

/** The invocation's deadline, epoch ms on the deps' clock. */
export const deadlineOf = (given: number | undefined, now: number): number => given ?? now + ACTION_LIMIT_MS;

/** May new work still start? */
export const hasTime = (ctx: { deadline: number; deps: { now: () => number } }): boolean =>
  ctx.deps.now() < ctx.deadline - DEADLINE_MARGIN_MS;
