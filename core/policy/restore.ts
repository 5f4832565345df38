/**
 * decide, for `stackmend host restore <host>` (cli/host-restore.ts): may the host go back into service, and
 * what is left to do? Pure: Nova's compute service as stackmend read it just now, the host's open incident.
 * As evacuate refuses to write while it cannot trust the host's state, restore refuses while an incident
 * is still acting on the host (an evacuation in flight), and un-forces only a compute service that has
 * reported to Nova since the restore began (`reportedSince`), judged from Nova's heartbeat (`updated_at`).
 */
import { epochMsOf } from '../domain/clock';
import type { ComputeServiceState } from '../domain/host-liveness';
import type { IncidentStatus } from '../domain/plan';

export const RESTORE_STEPS = ['power-on', 'wait-report', 'un-force', 'enable'] as const;
export type RestoreStep = (typeof RESTORE_STEPS)[number];

export type RestorePlan =
  { go: true; steps: RestoreStep[]; reason: string } | { go: false; inService: boolean; reason: string };

export function restorePlan(
  service: ComputeServiceState & { disabled_reason?: string | null },
  o: { openIncident?: { key: string; status: IncidentStatus }; powerDriver?: string },
): RestorePlan {
  const host = service.host;
  if (o.openIncident?.status === 'acting')
    return {
      go: false,
      inService: false,
      reason: `incident ${o.openIncident.key} is still acting on ${host}: restore it once that incident has ended`,
    };
  if (service.state === 'up' && !service.forced_down && service.status === 'enabled')
    return {
      go: false,
      inService: true,
      reason: `Nova reports ${host} up, not forced down and enabled: nothing to do`,
    };
  const steps: RestoreStep[] = [...(o.powerDriver ? (['power-on'] as const) : []), 'wait-report'];
  if (service.forced_down) steps.push('un-force');
  if (service.status === 'disabled') steps.push('enable');
  const was = `${service.state}${service.forced_down ? ', forced down' : ''}, ${service.status}`;
  return { go: true, steps, reason: `Nova reports ${host} ${was}: ${steps.join(' → ')}` };
}

/** The compute service heartbeated after `sinceMs` (epoch ms): nova-compute on the host runs again. */
export const reportedSince = (service: ComputeServiceState, sinceMs: number): boolean =>
  (epochMsOf(service.updated_at) ?? 0) > sinceMs;
