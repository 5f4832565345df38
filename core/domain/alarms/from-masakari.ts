/**
 * Masakari-compatible notification → incident.
 *
 * Fence evidence: masakari-monitors' hostmonitor sets `host_status: NORMAL` on a STOPPED host either
 * after ipmitool reported "Power is off" or without any check at all (`[host] disable_ipmi_check = True`,
 * and the consul and kubernetes checks always send NORMAL) — handle_host.py `_make_event`. So
 * NORMAL does not prove the host is fenced and gives no fence; only the explicit `payload.fenced`
 * extension does.
 */
import { SEVERITY_BY_KIND, flatLabels } from './common';
import type { MasakariNotification } from './masakari';
import { type Delivery, type IntakeResult, ignored, incident } from './result';
import { serverSubject } from './server-events';
import { isoUtc } from './time';

/** masakari/engine/instance_events.py: the VM events Masakari itself recovers from. */
export const RECOVERABLE_VM_EVENTS = {
  LIFECYCLE: ['STOPPED_FAILED'],
  IO_ERROR: ['IO_ERROR_REPORT'],
  QEMU_GUEST_AGENT_ERROR: ['STOPPED_FAILED'],
} as const satisfies Record<string, readonly string[]>;

const isRecoverable = (event: string, detail: string): boolean =>
  Object.hasOwn(RECOVERABLE_VM_EVENTS, event) &&
  (RECOVERABLE_VM_EVENTS[event as keyof typeof RECOVERABLE_VM_EVENTS] as readonly string[]).includes(detail);

export function fromMasakari(n: MasakariNotification, delivery: Delivery): IntakeResult {
  const observedAt = isoUtc(n.generated_time);
  const detail = n.type === 'VM' ? n.payload.instance_uuid : n.type === 'PROCESS' ? n.payload.process_name : undefined;
  const base = {
    key: ['masakari', n.type, n.hostname, observedAt, ...(detail ? [detail] : [])].join(':'),
    source: 'masakari' as const,
    transport: delivery.transport,
    observedAt,
    labels: flatLabels([['type', n.type], ['hostname', n.hostname], ...Object.entries(n.payload)]),
  };
  const what = `Masakari ${n.type} notification from ${n.hostname}`;
  switch (n.type) {
    case 'COMPUTE_HOST': {
      if (n.payload.event !== 'STOPPED') return ignored('masakari', `${what}: host ${n.payload.event}, not a failure`, base.key);
      const { fenced } = n.payload;
      return incident({
        ...base,
        kind: 'host-down',
        subject: { type: 'host', host: n.hostname },
        severity: SEVERITY_BY_KIND['host-down'],
        summary: `Masakari host monitor: compute host ${n.hostname} stopped (cluster ${n.payload.cluster_status ?? 'status unknown'}, host status ${n.payload.host_status ?? 'unknown'})${fenced ? `; fenced by ${fenced.by} (${fenced.method})` : ''}.`,
        ...(fenced ? { fence: { by: fenced.by, method: fenced.method, at: isoUtc(fenced.at) } } : {}),
      });
    }
    case 'PROCESS':
      if (n.payload.event !== 'STOPPED') return ignored('masakari', `${what}: ${n.payload.process_name} started`, base.key);
      return incident({
        ...base,
        kind: 'process-down',
        subject: { type: 'host', host: n.hostname },
        severity: SEVERITY_BY_KIND['process-down'],
        summary: `Masakari process monitor: ${n.payload.process_name} on ${n.hostname} stopped and could not be restarted.`,
      });
    case 'VM': {
      const { event, vir_domain_event: domainEvent, instance_uuid: serverId } = n.payload;
      if (!isRecoverable(event, domainEvent)) {
        return ignored('masakari', `${what}: ${event}/${domainEvent} for server ${serverId} is not a failure Masakari recovers`, base.key);
      }
      const kind = event === 'LIFECYCLE' ? 'server-stopped' : 'server-unhealthy';
      return incident({
        ...base,
        kind,
        subject: serverSubject(serverId, n.hostname),
        severity: SEVERITY_BY_KIND[kind],
        summary: `Masakari instance monitor: server ${serverId} on ${n.hostname} reported ${event}/${domainEvent}.`,
      });
    }
  }
}
