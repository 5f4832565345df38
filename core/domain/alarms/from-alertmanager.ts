/**
 * Alertmanager webhook → one incident per firing alert; resolved alerts are not incidents.
 *
 * Label conventions (an alert routed to stackmend says what it is about with these labels):
 * `instance_id` | `server_id` | `openstack_instance_id` → the server (kind server-unhealthy, host from
 * the host labels if present); else `host` | `hypervisor` | `nodename` → the compute host (kind
 * host-down; route only host-failure alerts to stackmend). An alert with neither is ignored.
 */
import type { Subject } from '../incident';
import { severityOf } from './common';
import type { AlertmanagerAlert, AlertmanagerWebhook } from './alertmanager';
import { type Delivery, type IntakeResult, ignored, incident, mergeResults } from './result';
import { serverSubject } from './server-events';
import { isoUtc } from './time';

export const SERVER_LABELS = ['instance_id', 'server_id', 'openstack_instance_id'] as const;
export const HOST_LABELS = ['host', 'hypervisor', 'nodename'] as const;

const firstLabel = (labels: Record<string, string>, names: readonly string[]): string | undefined =>
  names.map((name) => labels[name]).find((value) => Boolean(value));

function subjectOf(labels: Record<string, string>): Subject | undefined {
  const serverId = firstLabel(labels, SERVER_LABELS);
  const host = firstLabel(labels, HOST_LABELS);
  if (serverId) return serverSubject(serverId, host, labels.project_id);
  return host ? { type: 'host', host } : undefined;
}

export function fromAlertmanager(webhook: AlertmanagerWebhook, delivery: Delivery): IntakeResult {
  return mergeResults(webhook.alerts.map((alert) => fromAlert(alert, webhook, delivery)));
}

function fromAlert(alert: AlertmanagerAlert, webhook: AlertmanagerWebhook, delivery: Delivery): IntakeResult {
  const key = `alertmanager:${alert.fingerprint}:${isoUtc(alert.startsAt)}`;
  const name = alert.labels.alertname ?? '(no alertname)';
  if (alert.status === 'resolved') return ignored('alertmanager', `Alertmanager alert ${name} is resolved`, key);
  const subject = subjectOf(alert.labels);
  if (!subject) {
    const labels = [...SERVER_LABELS, ...HOST_LABELS].join(', ');
    return ignored('alertmanager', `Alertmanager alert ${name} names no server or host (labels ${labels})`, key);
  }
  const about = subject.type === 'server' ? `server ${subject.serverId}` : `host ${subject.host}`;
  const text = alert.annotations.summary ?? alert.annotations.description ?? webhook.commonAnnotations.summary;
  return incident({
    key,
    source: 'alertmanager',
    transport: delivery.transport,
    kind: subject.type === 'server' ? 'server-unhealthy' : 'host-down',
    subject,
    observedAt: isoUtc(alert.startsAt),
    severity: severityOf(alert.labels.severity),
    summary: `Alertmanager alert ${name} firing for ${about}${text ? `: ${text}` : ''}.`,
    alarm: { id: alert.fingerprint, name },
    labels: { ...alert.labels },
  });
}
