/**
 * detect → **decide**: is the compute host alive, late or down? Pure: Nova's compute service record
 * as stackmend read it, the time, the policy → a verdict with its reason (cluster-api's
 * needsRemediation: a decision is data, with a recheck time). Nova itself refuses to evacuate from a
 * host it sees up; this refuses earlier, and counts a host down only on Nova's word or a long silence.
 */
import { epochMsOf, isoOf } from '../domain/clock';
import type { ComputeServiceState, Heartbeat, HostLiveness } from '../domain/host-liveness';
import type { Policy } from './policy';

export type LivenessPolicy = Pick<Policy, 'reportIntervalSec' | 'hostDownAfterSec' | 'lateRechecks'>;

/** `now` in epoch ms; `rechecks` already made for this incident; `claimAt` the time of a fence claim, if any. */
export type LivenessInput = { now: number; rechecks?: number; claimAt?: string };

export function hostLiveness(service: ComputeServiceState, at: LivenessInput, p: LivenessPolicy): HostLiveness {
  const host = service.host;
  const beat = epochMsOf(service.updated_at);
  const heartbeat: Heartbeat =
    beat === undefined ? {} : { heartbeatAt: isoOf(beat), heartbeatAgeSec: (at.now - beat) / 1000 };
  const seen = heartbeat.heartbeatAgeSec === undefined ? 'no heartbeat recorded' : `last heartbeat ${ago(heartbeat)}`;
  if (service.forced_down || service.state === 'down') {
    const flag = service.forced_down ? 'forced down (state down)' : 'down';
    return { verdict: 'down', novaSaysDown: true, reason: `Nova reports ${host} ${flag}; ${seen}`, ...heartbeat };
  }
  const claim = epochMsOf(at.claimAt);
  if (beat !== undefined && claim !== undefined && beat > claim) {
    return {
      verdict: 'alive',
      refutedClaimAt: isoOf(claim),
      reason:
        `${host} sent a heartbeat at ${isoOf(beat)}, after it was claimed fenced at ${isoOf(claim)}: ` +
        'the claim is wrong',
      ...heartbeat,
    };
  }
  const age = heartbeat.heartbeatAgeSec;
  if (age !== undefined && age > p.hostDownAfterSec) {
    return {
      verdict: 'down',
      novaSaysDown: false,
      reason: `${host} is silent: ${seen}, more than ${p.hostDownAfterSec} s (Nova still says up)`,
      ...heartbeat,
    };
  }
  if (age !== undefined && age <= p.reportIntervalSec)
    return { verdict: 'alive', reason: `Nova reports ${host} up, ${seen}`, ...heartbeat };
  return late(host, seen, heartbeat, at.rechecks ?? 0, p);
}

function late(host: string, seen: string, heartbeat: Heartbeat, rechecks: number, p: LivenessPolicy): HostLiveness {
  const reason =
    `${host} is late: Nova says up, ${seen} ` +
    `(heartbeat every ${p.reportIntervalSec} s, down after ${p.hostDownAfterSec} s)`;
  if (rechecks >= p.lateRechecks)
    return { verdict: 'late', then: 'hold', reason: `${reason}; still so after ${rechecks} rechecks`, ...heartbeat };
  const age = heartbeat.heartbeatAgeSec;
  const recheckAfterSec = age === undefined ? p.reportIntervalSec : Math.max(1, Math.ceil(p.hostDownAfterSec - age));
  return { verdict: 'late', then: 'recheck', recheck: rechecks + 1, recheckAfterSec, reason, ...heartbeat };
}

const ago = (h: Heartbeat) => `${h.heartbeatAt} (${Math.round((h.heartbeatAgeSec ?? 0) * 10) / 10} s ago)`;
