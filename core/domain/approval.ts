/**
 * An operator's approval: an authenticated command, bound to one incident and one host, that says
 * who fenced the host and how, and expires. It is evidence only while `approvalValid` holds and the
 * host still counts as down when it is used (core/policy/fence.ts).
 */
import * as z from 'zod';
import { CLOCK_SKEW_SEC, epochMsOf, isoOf } from './clock';
import { FENCE_METHODS, type Principal } from './fence';

export const approvalSchema = z.object({
  /** The incident key it approves. */
  incident: z.string().min(1),
  host: z.string().min(1),
  /** The operator, as the runtime authenticated them, with the roles Keystone gave them. */
  approvedBy: z.object({ via: z.string().min(1), name: z.string().min(1), roles: z.array(z.string()).optional() }),
  approvedAt: z.string(),
  expiresAt: z.string(),
  /** Who fenced the host and how, in the operator's words. */
  fencedBy: z.string().min(1),
  method: z.enum(FENCE_METHODS),
});
export type Approval = z.infer<typeof approvalSchema>;

/** An approval made now, valid for `ttlSec` (the policy's `approvalTtlSec`). */
export function newApproval(
  a: Pick<Approval, 'incident' | 'host' | 'fencedBy' | 'method'> & { approvedBy: Principal & { roles?: string[] } },
  now: number,
  ttlSec: number,
): Approval {
  return { ...a, approvedAt: isoOf(now), expiresAt: isoOf(now + ttlSec * 1000) };
}

export type ApprovalCheck = { valid: true } | { valid: false; reason: string };

/** Whether `approval` approves `incident` on `host` at `now` (epoch ms). */
export function approvalValid(approval: Approval, incident: string, host: string, now: number): ApprovalCheck {
  const refuse = (why: string): ApprovalCheck => ({
    valid: false,
    reason: `the approval by ${approval.approvedBy.name} ${why}: nothing done. Approve again`,
  });
  if (approval.incident !== incident) return refuse(`is for incident ${approval.incident}, not ${incident}`);
  if (approval.host !== host) return refuse(`is for host ${approval.host}, not ${host}`);
  const approvedAt = epochMsOf(approval.approvedAt);
  const expiresAt = epochMsOf(approval.expiresAt);
  if (approvedAt === undefined || expiresAt === undefined || expiresAt <= approvedAt)
    return refuse(`has no readable approval and expiry time (${approval.approvedAt} → ${approval.expiresAt})`);
  if (approvedAt > now + CLOCK_SKEW_SEC * 1000) return refuse(`is dated in the future (${approval.approvedAt})`);
  if (now >= expiresAt) return refuse(`expired at ${isoOf(expiresAt)}`);
  return { valid: true };
}
