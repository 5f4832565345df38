/**
 * Masakari-compatible notification → incident.
 *
 * Fence evidence: masakari-monitors' hostmonitor sets `host_status: NORMAL` on a STOPPED host either
 * after ipmitool reported "Power is off" or without any check at all (`[host] disable_ipmi_check = True`;
 * the consul and kubernetes checks always send NORMAL) — hostmonitor/host_handler/handle_host.py
 * `_make_event`. So NORMAL does not prove the host is fenced and gives no fence claim; only the explicit
 * `payload.fenced` extension does (masakari.ts), and core/policy/fence.ts believes that claim only from a
 * sender the policy trusts as a fencer. A PROCESS notification (a process the monitor could not restart)
 * is kind process-down: never a host failure.
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

type Of<T extends MasakariNotification['type']> = Extract<MasakariNotification, { type: T }>;
type Base = ReturnType<typeof baseOf>;

function baseOf(n: MasakariNotification, delivery: Delivery) {
  const observedAt = isoUtc(n.generated_time);
  const detail = n.type === 'VM' ? n.payload.instance_uuid : n.type === 'PROCESS' ? n.payload.process_name : undefined;
  return {
    key: ['masakari', n.type, n.hostname, observedAt, ...(detail ? [detail] : [])].join(':'),
    source: 'masakari' as const,
    transport: delivery.transport,
    observedAt,
    labels: flatLabels([['type', n.type], ['hostname', n.hostname], ...Object.entries(n.payload)]),
  };
}

export function fromMasakari(n: MasakariNotification, delivery: Delivery): IntakeResult {
  const base = baseOf(n, delivery);
  if (n.type === 'COMPUTE_HOST') return fromHost(n, base);
  if (n.type === 'PROCESS') return fromProcess(n, base);
  return fromVm(n, base);
}

function fromHost(n: Of<'COMPUTE_HOST'>, base: Base): IntakeResult {
  const { event, fenced, cluster_status: cluster, host_status: status } = n.payload;
  if (event !== 'STOPPED')
    return ignored('masakari', `Masakari host monitor: ${n.hostname} ${event}, not a failure`, base.key);
  const fence = fenced ? { by: fenced.by, method: fenced.method, at: isoUtc(fenced.at) } : undefined;
  const state = `cluster ${cluster ?? 'status unknown'}, host status ${status ?? 'unknown'}`;
  return incident({
    ...base,
    kind: 'host-down',
    subject: { type: 'host', host: n.hostname },
    severity: SEVERITY_BY_KIND['host-down'],
    summary:
      `Masakari host monitor: compute host ${n.hostname} stopped (${state})` +
      `${fence ? `; fenced by ${fence.by} (${fence.method})` : ''}.`,
    ...(fence ? { fence } : {}),
  });
}

function fromProcess(n: Of<'PROCESS'>, base: Base): IntakeResult {
  const { event, process_name: process } = n.payload;
  if (event !== 'STOPPED')
    return ignored('masakari', `Masakari process monitor: ${process} on ${n.hostname} ${event}`, base.key);
  return incident({
    ...base,
    kind: 'process-down',
    subject: { type: 'host', host: n.hostname },
    severity: SEVERITY_BY_KIND['process-down'],
    summary: `Masakari process monitor: ${process} on ${n.hostname} stopped and could not be restarted.`,
  });
}

function fromVm(n: Of<'VM'>, base: Base): IntakeResult {
  const { event, vir_domain_event: detail, instance_uuid: serverId } = n.payload;
  const what = `Masakari instance monitor: server ${serverId} on ${n.hostname} reported ${event}/${detail}`;
  if (!isRecoverable(event, detail)) return ignored('masakari', `${what}, not a failure Masakari recovers`, base.key);
  const kind = event === 'LIFECYCLE' ? 'server-stopped' : 'server-unhealthy';
  return incident({
    ...base,
    kind,
    subject: serverSubject(serverId, n.hostname),
    severity: SEVERITY_BY_KIND[kind],
    summary: `${what}.`,
  });
}
