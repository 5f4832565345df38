/**
 * detect → **decide**: is there evidence stackmend may believe that a failed host is fenced? Pure.
 * Nova's own forced_down (read from Nova), stackmend's own fencing and a valid operator approval are
 * believed; a monitor's claim only when its notification was authenticated as a fencer the policy
 * trusts and the claim is fresh. Any claim older than the host's last heartbeat is wrong.
 */
import { type Approval, approvalValid } from '../domain/approval';
import { type ApproverPolicy, mayApprove } from './approvers';
import { CLOCK_SKEW_SEC, epochMsOf, isoOf } from '../domain/clock';
import type { AcceptedFence, FenceClaim, FenceSource, Principal } from '../domain/fence';
import type { ComputeServiceState } from '../domain/host-liveness';
import type { Policy } from './policy';

/** Something that may be fence evidence, with what its source needs to be believed. */
export type FenceOffer =
  | { source: 'nova-forced-down'; service: ComputeServiceState }
  | { source: 'stackmend-fence'; fence: FenceClaim }
  | { source: 'operator-approval'; approval: Approval }
  | { source: 'monitor-claim'; claim: FenceClaim; principal?: Principal };

/** The incident and host the evidence must be about; `now` in epoch ms; Nova's last heartbeat of the host. */
export type FenceContext = { incident: string; host: string; now: number; heartbeatAt?: string | null };
export type FencePolicy = Pick<Policy, 'fenceMaxAgeSec' | 'trustedFencers'> & ApproverPolicy;

export type FenceRefusal = { source: FenceSource; reason: string };
export type FenceAcceptance = { accepted: AcceptedFence } | { refused: FenceRefusal };

export function acceptFenceEvidence(offer: FenceOffer, ctx: FenceContext, p: FencePolicy): FenceAcceptance {
  const refuse = (reason: string): FenceAcceptance => ({ refused: { source: offer.source, reason } });
  switch (offer.source) {
    case 'nova-forced-down': {
      const s = offer.service;
      if (s.host !== ctx.host) return refuse(`Nova's record is of ${s.host}, not ${ctx.host}`);
      if (!s.forced_down) return refuse(`Nova does not report ${ctx.host} forced down`);
      const at = isoOf(ctx.now);
      return { accepted: { source: offer.source, method: 'forced-down', at, by: 'nova', vouchedBy: 'nova' } };
    }
    case 'stackmend-fence':
      return timely(offer.fence, ctx, { source: offer.source, vouchedBy: 'stackmend' });
    case 'operator-approval': {
      const a = offer.approval;
      const check = approvalValid(a, ctx.incident, ctx.host, ctx.now);
      if (!check.valid) return refuse(check.reason);
      // whoever stored it (cli/approve.ts, console/api/incidents.ts), the policy's approvers decide at use
      const may = mayApprove(a.approvedBy, p);
      if (!may.valid) return refuse(`the approval is not an approver's: ${may.reason}`);
      const claim = { by: a.fencedBy, method: a.method, at: a.approvedAt };
      return timely(claim, ctx, { source: offer.source, vouchedBy: `operator ${a.approvedBy.name}` });
    }
    case 'monitor-claim': {
      const who = offer.principal;
      const trusted = who && p.trustedFencers.some((f) => f.via === who.via && f.name === who.name);
      if (!trusted) {
        const sender = who ? `${who.name} (${who.via})` : 'an unauthenticated sender';
        return refuse(
          `the fence claim by ${offer.claim.by} came from ${sender}, ` +
            'which the policy does not name a trusted fencer (trustedFencers)',
        );
      }
      return timely(offer.claim, ctx, { source: offer.source, vouchedBy: who.name }, p.fenceMaxAgeSec);
    }
    default: {
      const unreachable: never = offer;
      return unreachable;
    }
  }
}

/** A claim with a readable time, not in the future, not older than `maxAgeSec` nor than the last heartbeat. */
function timely(
  claim: FenceClaim,
  ctx: FenceContext,
  from: Pick<AcceptedFence, 'source' | 'vouchedBy'>,
  maxAgeSec = Infinity,
): FenceAcceptance {
  const refuse = (reason: string): FenceAcceptance => ({ refused: { source: from.source, reason } });
  const at = epochMsOf(claim.at);
  if (at === undefined) return refuse(`the fence claim by ${claim.by} has no readable time (${claim.at})`);
  if (at > ctx.now + CLOCK_SKEW_SEC * 1000)
    return refuse(`the fence claim by ${claim.by} is dated in the future (${isoOf(at)})`);
  const ageSec = (ctx.now - at) / 1000;
  if (ageSec > maxAgeSec)
    return refuse(`the fence claim by ${claim.by} is ${Math.round(ageSec)} s old (limit ${maxAgeSec} s)`);
  const beat = epochMsOf(ctx.heartbeatAt);
  if (beat !== undefined && beat > at)
    return refuse(`${ctx.host} sent a heartbeat at ${isoOf(beat)}, after it was claimed fenced at ${isoOf(at)}`);
  return { accepted: { ...from, method: claim.method, at: isoOf(at), by: claim.by } };
}

/** What decide learns from all the offers: the first accepted, and why the others were not. */
export type FenceCheck = { accepted?: AcceptedFence; refused: FenceRefusal[] };

export function checkFenceEvidence(offers: FenceOffer[], ctx: FenceContext, p: FencePolicy): FenceCheck {
  const refused: FenceRefusal[] = [];
  for (const offer of offers) {
    const result = acceptFenceEvidence(offer, ctx, p);
    if ('accepted' in result) return { accepted: result.accepted, refused };
    refused.push(result.refused);
  }
  return { refused };
}
