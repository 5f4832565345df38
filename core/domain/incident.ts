/**
 * The normalised Incident: what every alarm source is parsed into at the edge.
 * Pure data, no I/O. Every function downstream of classify-alarm speaks only this.
 */
export const ALARM_SOURCES = ['aodh', 'alertmanager', 'nova', 'masakari', 'operator'] as const;
export type AlarmSource = (typeof ALARM_SOURCES)[number];

/** How the alarm reached us: straight from the monitor, or through a Zaqar queue push. */
export const TRANSPORTS = ['direct', 'zaqar'] as const;
export type Transport = (typeof TRANSPORTS)[number];

export const INCIDENT_KINDS = [
  'server-deleted', // the server is gone (compute.instance.delete.end)
  'server-error', // the server went to ERROR
  'server-stopped', // the server stopped / shut off unexpectedly
  'host-down', // a compute host died (host monitor, Nova service.update, Masakari COMPUTE_HOST)
  'process-down', // a process on a host died (Masakari PROCESS)
  'server-unhealthy', // a monitor says a server is unhealthy (Alertmanager, LB member health, threshold)
] as const;
export type IncidentKind = (typeof INCIDENT_KINDS)[number];

export const SEVERITIES = ['critical', 'moderate', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

export type ServerSubject = { type: 'server'; serverId: string; host?: string; projectId?: string };
export type HostSubject = { type: 'host'; host: string };
export type Subject = ServerSubject | HostSubject;

/**
 * Evidence that a failed host is powered off or isolated. Nothing is evacuated without it.
 * `by` names who asserted it (a monitor, an operator, Nova's forced_down flag).
 */
export type FenceEvidence = {
  by: string;
  method: 'power-off' | 'isolated' | 'stonith' | 'forced-down' | 'operator';
  at: string; // ISO-8601
};

export type Incident = {
  /** Stable de-duplication key: the same alarm delivered N times yields the same key. */
  key: string;
  source: AlarmSource;
  transport: Transport;
  kind: IncidentKind;
  subject: Subject;
  /** When the monitor saw it (ISO-8601). */
  observedAt: string;
  severity: Severity;
  /** One human sentence: what the monitor said. */
  summary: string;
  /** The monitor's own identifiers, for the audit record. */
  alarm?: { id?: string; name?: string; requestId?: string };
  /** Host incidents only: fence evidence carried by the alarm itself. */
  fence?: FenceEvidence;
  /** Free-form labels (Alertmanager labels, Aodh traits) used by policy matching. */
  labels: Record<string, string>;
};

export const isHostIncident = (i: Incident): i is Incident & { subject: HostSubject } => i.subject.type === 'host';
export const isServerIncident = (i: Incident): i is Incident & { subject: ServerSubject } =>
  i.subject.type === 'server';
