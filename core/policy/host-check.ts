/**
 * detect → **decide**: the one check of a failed host, made from the compute service stackmend read
 * from Nova: is it down (core/policy/host-liveness.ts), and is there fence evidence stackmend believes
 * (core/policy/fence.ts)? classify-alarm decides with it (functions/_shared/facts.ts); evacuate runs it
 * again immediately before it writes to Nova (functions/evacuate/verify.ts). Pure.
 */
import type { Approval } from '../domain/approval';
import type { AcceptedFence, FenceClaim, Principal } from '../domain/fence';
import type { ComputeServiceState, HostLiveness } from '../domain/host-liveness';
import { checkFenceEvidence, type FenceCheck, type FenceOffer, type FencePolicy } from './fence';
import { hostLiveness, type LivenessPolicy } from './host-liveness';

export type HostCheckInput = {
  /** The incident key the evidence must be about. */
  incident: string;
  /** Nova's compute service of the host, as stackmend read it just now. */
  service: ComputeServiceState;
  /** The fence the alarm claims, and who sent the alarm (as the runtime authenticated it). */
  claim?: FenceClaim;
  reportedBy?: Principal;
  /** stackmend's own fence, read back off (core/policy/fencing.ts ownFenceClaim). */
  ownFence?: FenceClaim;
  /** An operator's stored approval of this incident. */
  approval?: Approval;
  /** Rechecks of a late host already made for this incident. */
  rechecks?: number;
  /** Epoch ms. */
  now: number;
};

export type HostCheck = { liveness: HostLiveness; fenceCheck: FenceCheck };

/** Liveness and fence evidence, the offers most trusted first (core/domain/fence.ts FENCE_SOURCES). */
export function checkHost(x: HostCheckInput, p: LivenessPolicy & FencePolicy): HostCheck {
  const liveness = hostLiveness(x.service, { now: x.now, rechecks: x.rechecks, claimAt: x.claim?.at }, p);
  const offers: FenceOffer[] = [{ source: 'nova-forced-down', service: x.service }];
  if (x.ownFence) offers.push({ source: 'stackmend-fence', fence: x.ownFence });
  if (x.approval) offers.push({ source: 'operator-approval', approval: x.approval });
  if (x.claim) offers.push({ source: 'monitor-claim', claim: x.claim, principal: x.reportedBy });
  const ctx = { incident: x.incident, host: x.service.host, now: x.now, heartbeatAt: x.service.updated_at };
  return { liveness, fenceCheck: checkFenceEvidence(offers, ctx, p) };
}

/**
 * May stackmend force down, disable or evacuate the host now? Only when it is down and fenced by
 * evidence stackmend believes. `alive`: the host is up, nothing may be written and the operator is told.
 */
export type Clearance =
  { go: true; evidence: AcceptedFence; liveness: HostLiveness } | { go: false; alive: boolean; reason: string };

export function clearance(check: HostCheck): Clearance {
  const { liveness, fenceCheck } = check;
  switch (liveness.verdict) {
    case 'alive':
      return { go: false, alive: true, reason: `${liveness.reason}: the host is alive, nothing written to Nova` };
    case 'late':
      return { go: false, alive: false, reason: `${liveness.reason}: neither up nor down. Check the host and approve` };
    case 'down':
      break;
    default: {
      const unreachable: never = liveness;
      return unreachable;
    }
  }
  if (fenceCheck.accepted) return { go: true, evidence: fenceCheck.accepted, liveness };
  const refused = fenceCheck.refused.map((r) => `${r.source}: ${r.reason}`);
  return {
    go: false,
    alive: false,
    reason:
      `${liveness.reason}, but nothing asserts it is powered off or isolated` +
      `${refused.length ? ` that stackmend believes (${refused.join('; ')})` : ''}: nothing written to Nova`,
  };
}

/** How the evidence reads in the timeline and the audit log. */
export const describeEvidence = (e: AcceptedFence) =>
  `${e.method} by ${e.by} at ${e.at} (source ${e.source}, vouched for by ${e.vouchedBy})`;
