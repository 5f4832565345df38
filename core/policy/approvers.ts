/**
 * Who may approve a held evacuation: a Keystone user holding one of the policy's `approverRoles` or named
 * in `approverUsers` (core/policy/policy.ts). Asked before an approval is stored (cli/approve.ts,
 * console/api/incidents.ts) and again when evacuate uses it (core/policy/fence.ts), so that one rule
 * decides whichever way the approval came. Pure.
 */
import type { ApprovalCheck } from '../domain/approval';
import type { Policy } from './policy';

export type ApproverPolicy = Pick<Policy, 'approverRoles' | 'approverUsers'>;
export type Approver = { via: string; name: string; id?: string; roles?: string[] };

export function mayApprove(who: Approver, p: ApproverPolicy): ApprovalCheck {
  if (who.via !== 'keystone')
    return { valid: false, reason: `${who.name} was not authenticated by Keystone (${who.via})` };
  const named = [who.name, who.id].some((n) => n !== undefined && p.approverUsers.includes(n));
  if (named || (who.roles ?? []).some((r) => p.approverRoles.includes(r))) return { valid: true };
  return {
    valid: false,
    reason:
      `Keystone user ${who.name} (roles ${(who.roles ?? []).join(', ') || 'none'}) holds none of the approver roles ` +
      `(${p.approverRoles.join(', ') || 'none'}) and is not among approverUsers: approve with an operator's ` +
      'credentials, or name the user or role in the policy',
  };
}
