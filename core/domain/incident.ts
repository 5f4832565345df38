/**
 * The normalised Incident: what every alarm source is parsed into at the edge.
 * Pure data, no I/O. Every function downstream of classify-alarm speaks only this.
 */
import type { FenceClaim } from './fence';

/** `stackmend`: its own detection of silent compute hosts (functions/classify-alarm/detect.ts). */
export const ALARM_SOURCES = ['aodh', 'alertmanager', 'nova', 'masakari', 'operator', 'stackmend'] as const;
export type AlarmSource = (typeof ALARM_SOURCES)[number];

/** How the alarm reached us: straight from the monitor, or through a Zaqar queue push. */
export const ALARM_TRANSPORTS = ['direct', 'zaqar'] as const;
export type AlarmTransport = (typeof ALARM_TRANSPORTS)[number];

export const INCIDENT_KINDS = [
  'server-deleted', // the server is gone (compute.instance.delete.end)
  'server-error', // the server went to ERROR
  'server-stopped', // the server stopped / shut off unexpectedly
  'host-down', // a compute host died (Masakari COMPUTE_HOST, Nova service.update, Alertmanager stackmend_kind)
  'process-down', // a process or service on a host is unwell; the host did not fail (Masakari PROCESS, Alertmanager)
  'server-unhealthy', // a monitor says a server is unhealthy (Alertmanager, LB member health, threshold)
] as const;
export type IncidentKind = (typeof INCIDENT_KINDS)[number];

export const SEVERITIES = ['critical', 'moderate', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

export type ServerSubject = { type: 'server'; serverId: string; host?: string; projectId?: string };
export type HostSubject = { type: 'host'; host: string };
export type Subject = ServerSubject | HostSubject;

export type Incident = {
  /** Stable de-duplication key: the same alarm delivered N times yields the same key. */
  key: string;
  source: AlarmSource;
  transport: AlarmTransport;
  kind: IncidentKind;
  subject: Subject;
  /** When the monitor saw it (ISO-8601). */
  observedAt: string;
  severity: Severity;
  /** One human sentence: what the monitor said. */
  summary: string;
  /** The monitor's own identifiers, for the audit record. */
  alarm?: { id?: string; name?: string; requestId?: string };
  /** Host incidents only: the fence the alarm claims. Only core/policy/fence.ts decides whether to believe it. */
  fence?: FenceClaim;
  /** Free-form labels (Alertmanager labels, Aodh traits) used by policy matching. */
  labels: Record<string, string>;
};

export const isHostIncident = (i: Incident): i is Incident & { subject: HostSubject } => i.subject.type === 'host';
export const isServerIncident = (i: Incident): i is Incident & { subject: ServerSubject } =>
  i.subject.type === 'server';
