/**
 * detect → **decide**, for stackmend's own fencing: after a power-off was asked, is the host fenced,
 * still to be read again, or has the fence failed? Pure: the run recorded on the incident, the power
 * state just read, the time, the policy's timeout → a verdict with its reason (a decision is data).
 */
import { epochMsOf } from '../domain/clock';
import type { FenceClaim } from '../domain/fence';
import { describeTarget, type FenceRun } from '../domain/fencing';
import type { Policy } from './policy';

export type FenceReading = { off: boolean; state: string };

export type FenceVerdict =
  { verdict: 'fenced'; reason: string } | { verdict: 'wait'; reason: string } | { verdict: 'failed'; reason: string };

/** Seconds since the power-off was asked (Infinity for an unreadable time: treated as too old). */
const elapsedSec = (run: FenceRun, now: number) => (now - (epochMsOf(run.requestedAt) ?? -Infinity)) / 1000;

export function fenceVerdict(
  run: FenceRun,
  reading: FenceReading | { error: string },
  now: number,
  p: Pick<Policy, 'fencing'>,
): FenceVerdict {
  const who = describeTarget(run.target);
  const said = 'error' in reading ? `could not be read (${reading.error})` : `reads ${reading.state}`;
  if (!('error' in reading) && reading.off)
    return { verdict: 'fenced', reason: `${who} ${said}: ${run.host} is fenced` };
  const elapsed = elapsedSec(run, now);
  const limit = p.fencing.timeoutSec;
  if (elapsed >= limit)
    return {
      verdict: 'failed',
      reason:
        `the fence of ${run.host} failed: ${who} still ${said} ${Math.round(elapsed)} s after the power-off ` +
        `was asked (limit ${limit} s). Nothing was evacuated: fence the host by hand and approve`,
    };
  return { verdict: 'wait', reason: `${who} ${said}: reading it again` };
}

/**
 * The fence evidence stackmend's own run gives (core/policy/fence.ts `stackmend-fence`): a power-off
 * read back at `offAt`. An external agent's forced_down is Nova's own evidence, not stackmend's.
 */
export function ownFenceClaim(run: FenceRun | undefined): FenceClaim | undefined {
  if (!run?.offAt || run.target.driver === 'nova-forced-down') return undefined;
  return { by: `stackmend via ${describeTarget(run.target)}`, method: 'power-off', at: run.offAt };
}
