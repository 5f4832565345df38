/**
 * Alertmanager webhook → one incident per firing alert; resolved alerts are not incidents.
 *
 * Label conventions (an alert routed to stackmend says what it is about with these labels):
 * - `stackmend_kind: host-down` (set by the operator's alert rule) with `host` | `hypervisor` | `nodename`
 *   → the compute host failed (kind host-down, the evacuation path). This label is the only way an
 *   alert says a host failed; it names the host even when the alert also carries a server label.
 * - `instance_id` | `server_id` | `openstack_instance_id` → the server (kind server-unhealthy, host from
 *   the host labels if present).
 * - else a host label alone → something on the host is unwell (kind process-down: the operator is
 *   told, nothing is evacuated).
 * An alert that names neither is ignored. For example, a Prometheus rule:
 * ```yaml
 * - alert: ComputeHostDown
 *   expr: up{job="node", role="compute"} == 0
 *   for: 1m
 *   labels: {severity: critical, stackmend_kind: host-down}
 * ```
 */
import type { IncidentKind, Subject } from '../incident';
import { severityOf } from './common';
import type { AlertmanagerAlert, AlertmanagerWebhook } from './alertmanager';
import { type Delivery, type IntakeResult, ignored, incident, mergeResults } from './result';
import { serverSubject } from './server-events';
import { isoUtc } from './time';

export const SERVER_LABELS = ['instance_id', 'server_id', 'openstack_instance_id'] as const;
export const HOST_LABELS = ['host', 'hypervisor', 'nodename'] as const;
/** The label an alert rule sets to say the host failed: `stackmend_kind: host-down`. */
export const KIND_LABEL = 'stackmend_kind';

const firstLabel = (labels: Record<string, string>, names: readonly string[]): string | undefined =>
  names.map((name) => labels[name]).find((value) => Boolean(value));

type About = { subject: Subject; kind: IncidentKind };

function aboutOf(labels: Record<string, string>): About | undefined {
  const serverId = firstLabel(labels, SERVER_LABELS);
  const host = firstLabel(labels, HOST_LABELS);
  if (labels[KIND_LABEL] === 'host-down')
    return host ? { subject: { type: 'host', host }, kind: 'host-down' } : undefined;
  if (serverId) return { subject: serverSubject(serverId, host, labels.project_id), kind: 'server-unhealthy' };
  return host ? { subject: { type: 'host', host }, kind: 'process-down' } : undefined;
}

export function fromAlertmanager(webhook: AlertmanagerWebhook, delivery: Delivery): IntakeResult {
  return mergeResults(webhook.alerts.map((alert) => fromAlert(alert, webhook, delivery)));
}

function fromAlert(alert: AlertmanagerAlert, webhook: AlertmanagerWebhook, delivery: Delivery): IntakeResult {
  const key = `alertmanager:${alert.fingerprint}:${isoUtc(alert.startsAt)}`;
  const name = alert.labels.alertname ?? '(no alertname)';
  if (alert.status === 'resolved') return ignored('alertmanager', `Alertmanager alert ${name} is resolved`, key);
  const about = aboutOf(alert.labels);
  if (!about) {
    const said = alert.labels[KIND_LABEL] === 'host-down';
    const what = said ? 'says a host failed but names no host' : 'names no server or host';
    const labels = said ? HOST_LABELS : [...SERVER_LABELS, ...HOST_LABELS];
    return ignored('alertmanager', `Alertmanager alert ${name} ${what} (labels ${labels.join(', ')})`, key);
  }
  const { subject, kind } = about;
  const target = subject.type === 'server' ? `server ${subject.serverId}` : `host ${subject.host}`;
  const text = alert.annotations.summary ?? alert.annotations.description ?? webhook.commonAnnotations.summary;
  return incident({
    key,
    source: 'alertmanager',
    transport: delivery.transport,
    kind,
    subject,
    observedAt: isoUtc(alert.startsAt),
    severity: severityOf(alert.labels.severity),
    summary: `Alertmanager alert ${name} firing for ${target}${text ? `: ${text}` : ''}.`,
    alarm: { id: alert.fingerprint, name },
    labels: { ...alert.labels },
  });
}
