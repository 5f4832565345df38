/**
 * An operator's approval of a held evacuation, stored on the incident (core/domain/approval.ts): the
 * one way `stackmend approve` (cli/approve.ts) and the console (console/api/incidents.ts) record it.
 * Whom the approval names must already be authenticated by the caller. The circuit breaker is checked
 * again in the same commit: a full breaker raises BreakerFullError and nothing is approved. Evacuate
 * checks the approval and the host in Nova again before it writes anything (functions/evacuate/verify.ts).
 */
import { newApproval, type Approval } from '../../core/domain/approval';
import { StackmendError } from '../../core/domain/errors';
import type { FenceMethod, Principal } from '../../core/domain/fence';
import { isTerminal } from '../../core/domain/plan';
import { breakerSlot, type Incidents } from './incidents';

/** The incident holds no evacuation an approval could let go ahead. */
export class NothingToApproveError extends StackmendError {
  override readonly status = 409;
}

/** The one approving is not among the policy's approvers (core/policy/approvers.ts): nothing is stored. */
export class NotAnApproverError extends StackmendError {
  override readonly status = 403;
}

export type ApprovalRequest = {
  incident: string;
  approvedBy: Principal & { roles?: string[] };
  fencedBy: string;
  method: FenceMethod;
};

/**
 * The approval `r` asks for, valid for `ttlSec` from `now`; stored with its timeline entry (APPROVED)
 * unless `dryRun`. IncidentNotFoundError for an unknown incident, NothingToApproveError for one with
 * nothing held to approve.
 */
export async function approveEvacuation(
  incidents: Incidents,
  r: ApprovalRequest,
  o: { now: number; ttlSec: number; maxOpenIncidents: number; dryRun?: boolean },
): Promise<Approval> {
  const rec = await incidents.require(r.incident);
  if (rec.plan?.action !== 'evacuate' || isTerminal(rec.status))
    throw new NothingToApproveError(`incident ${r.incident} is ${rec.status} with no evacuation to approve`);
  const host = rec.plan.host;
  const a = newApproval({ ...r, host }, o.now, o.ttlSec);
  if (o.dryRun) return a;
  await incidents.record(
    r.incident,
    {
      step: 'evacuate',
      outcome: 'APPROVED',
      reason:
        `approved by ${r.approvedBy.name} (${r.approvedBy.via}): ${host} fenced by ${r.fencedBy} (${r.method}); ` +
        `valid until ${a.expiresAt}`,
      details: { approval: a },
    },
    () => ({ approval: a }),
    { writes: [breakerSlot(r.incident, o.maxOpenIncidents)] }, // the breaker checked again, with the approval
  );
  return a;
}
