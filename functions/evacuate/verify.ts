/**
 * Check the world before changing it (fence_compute; Nova refuses to evacuate from a host it sees
 * up): immediately before evacuate forces down, disables or evacuates, it has read the host's compute
 * service from Nova and runs core/policy/host-check.ts on it. Down and fenced → go ahead; alive →
 * `HOST_ALIVE`, recorded and told, nothing written; anything else → held for a human.
 */
import { approvalValid } from '../../core/domain/approval';
import type { AcceptedFence } from '../../core/domain/fence';
import type { HostLiveness } from '../../core/domain/host-liveness';
import type { IncidentRecord } from '../../core/domain/plan';
import type { ComputeService } from '../../core/openstack/nova';
import { ownFenceClaim } from '../../core/policy/fencing';
import { checkHost, clearance } from '../../core/policy/host-check';
import type { Deps } from '../_shared/deps';
import type { StepResult } from '../_shared/step';

export type Verified = { evidence: AcceptedFence; liveness: HostLiveness };

export async function hold(d: Deps, r: IncidentRecord, reason: string): Promise<StepResult[]> {
  if (d.dryRun) return [{ outcome: 'DRY_RUN', incident: r.key, reason: `would hold: ${reason}` }];
  const first = r.status !== 'held' || r.timeline[r.timeline.length - 1]?.reason !== reason;
  if (first) {
    await d.incidents.record(r.key, { step: 'evacuate', outcome: 'HELD_FOR_APPROVAL', reason }, () => ({
      status: 'held',
    }));
    await d.dispatcher.send('notify', r.key);
  }
  return [{ outcome: 'HELD_FOR_APPROVAL', incident: r.key, status: 'held', reason }];
}

async function hostAlive(d: Deps, r: IncidentRecord, reason: string, liveness: HostLiveness): Promise<StepResult[]> {
  if (d.dryRun) return [{ outcome: 'DRY_RUN', incident: r.key, reason: `would stop: ${reason}` }];
  await d.incidents.record(r.key, { step: 'evacuate', outcome: 'HOST_ALIVE', reason, details: { liveness } }, () => ({
    status: 'notify-only', // nothing to repair: notify tells the operator and closes it
  }));
  await d.dispatcher.send('notify', r.key);
  return [{ outcome: 'HOST_ALIVE', incident: r.key, status: 'notify-only', reason }];
}

/**
 * The evidence to act on, or the step's answer when nothing may be written. A held incident goes
 * ahead only with a valid operator approval, whatever else the evidence says: a human was asked.
 * `hint` is appended to a hold's reason (how to approve).
 */
export async function verifyHost(
  d: Deps,
  r: IncidentRecord,
  svc: ComputeService,
  hint = '',
): Promise<Verified | StepResult[]> {
  const check = checkHost(
    {
      incident: r.key,
      service: svc,
      claim: r.incident.fence,
      ownFence: ownFenceClaim(r.fencing),
      reportedBy: r.reportedBy,
      approval: r.approval,
      rechecks: d.policy.lateRechecks, // evacuate does not wait for a late host: it holds
      now: d.now(),
    },
    d.policy,
  );
  const c = clearance(check);
  if (!c.go && c.alive) return hostAlive(d, r, c.reason, check.liveness);
  if (r.status === 'held') {
    const approved = r.approval
      ? approvalValid(r.approval, r.key, svc.host, d.now())
      : { valid: false as const, reason: 'no operator has approved it' };
    if (!approved.valid)
      return hold(d, r, `held for a human (rule ${r.decision?.rule ?? 'unknown'}): ${approved.reason}${hint}`);
  }
  if (!c.go) return hold(d, r, `${c.reason}${hint}`);
  return { evidence: c.evidence, liveness: c.liveness };
}
