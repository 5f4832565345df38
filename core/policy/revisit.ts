/**
 * detect → **decide**, again: a held host incident looked at with fresh facts (incidents follow the
 * world). Its host reports to Nova again (heartbeat fresh, service up) → recovered: the incident ends
 * and releases the host. A hold for a missing fact (no fence evidence, a late heartbeat, no spare
 * capacity) whose fact has changed → decided anew by decide() (Nova's forced_down set by a fencing
 * agent → evacuate). A hold the policy asks a human for (circuit breaker, repeat threshold, approval
 * required) only ends by recovery or a human. Pure: (held decision, facts, policy) → what to do.
 */
import type { Decision } from '../domain/plan';
import { decide, type Ruling } from './decide';
import type { Facts } from './facts';
import type { Policy } from './policy';

/** Holds that ask a human whatever the host does next: not re-decided, only ended by recovery. */
export const HUMAN_HOLDS: readonly string[] = ['circuit-breaker', 'repeat-threshold', 'evacuation-needs-approval'];

export type Revisit =
  { kind: 'recovered'; reason: string } | { kind: 'unchanged'; reason: string } | { kind: 'decided'; ruling: Ruling };

export function revisitHeld(held: Decision | undefined, f: Facts, p: Policy): Revisit {
  const live = f.liveness;
  if (live?.verdict === 'alive' && f.host?.service?.state === 'up')
    return { kind: 'recovered', reason: `${live.reason}: the host reports again, nothing was changed` };
  const rule = held?.rule ?? 'unknown';
  if (HUMAN_HOLDS.includes(rule))
    return { kind: 'unchanged', reason: `held for a human (rule ${rule}) until the host reports again or is approved` };
  const ruling = decide(f, p);
  const d = ruling.decision;
  // a host that is only late, or held for the same reason as before: nothing new to decide on
  if (d.verdict === 'recheck' || (d.verdict === 'hold' && d.rule === rule))
    return { kind: 'unchanged', reason: `still held (rule ${rule}): ${d.reason}` };
  return { kind: 'decided', ruling };
}
