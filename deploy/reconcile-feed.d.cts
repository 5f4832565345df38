/** Types of ./reconcile-feed.cjs. */
export const FEEDS: { minutes: '/whisk.system/alarms/interval'; cron: '/whisk.system/alarms/alarm' };
/** The feed and its parameters for the stage's `reconcile`, or an Error naming `where` and what to write. */
export function reconcileFeed(
  reconcile: unknown,
  where: string,
): { feed: string; parameters: { minutes: number } | { cron: string } };
