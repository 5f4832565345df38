/**
 * The escalation ladder of a restart plan (core/policy/recovery.ts): which rung comes next, and what each
 * rung's start and outcome read like in the incident timeline. Pure.
 */
import type { RestartRun } from '../../core/domain/plan';
import type { Policy } from '../../core/policy/policy';
import { rungTimeoutSec, type Rung } from '../../core/policy/recovery';

/** The rung the run is on (rung 0 before the first step ran). */
export const rungOf = (p: Policy, run: RestartRun | undefined): Rung | undefined =>
  p.serverRecovery.ladder[run?.rung ?? 0];

/** The rung's time is up (epoch ms `now`). */
export const timedOut = (p: Policy, run: RestartRun, now: number): boolean => {
  const rung = p.serverRecovery.ladder[run.rung];
  return !!rung && now - Date.parse(run.since) > rungTimeoutSec(rung) * 1000;
};

/** `rung 1/3 restart` */
export const describeRung = (p: Policy, index: number): string =>
  `rung ${index + 1}/${p.serverRecovery.ladder.length} ${p.serverRecovery.ladder[index]?.rung ?? '(none)'}`;
