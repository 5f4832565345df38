/**
 * Prometheus Alertmanager webhook, version 4 (notify/webhook/webhook.go `Message` + template.Data).
 * One delivery carries one alert group; each alert is firing or resolved.
 *
 * Recorded from Debian's prometheus-alertmanager 0.25.0 (test/events/alertmanager/InstanceDown-vm2-resolved.json,
 * by test/events/record/alertmanager-record.mjs; second alert shortened):
 * ```json
 * {"receiver": "stackmend", "status": "firing",
 *  "alerts": [{"status": "firing",
 *    "labels": {"alertname": "InstanceDown", "instance_id": "3bd67d07-7f0a-477c-a869-964e212f5c8d",
 *      "severity": "critical"}, "annotations": {"summary": "Server ev-vm1 does not answer its health check"},
 *    "startsAt": "2026-11-23T03:19:38.237Z", "endsAt": "0001-01-01T00:00:00Z",
 *    "generatorURL": "http://prometheus.example:9090/graph?g0.expr=up%3D%3D0", "fingerprint": "073dc1a9d252e7f5"},
 *   {"status": "resolved", "labels": {...}, "endsAt": "2026-11-23T03:19:40.449Z",
 *    "fingerprint": "8c24368490e3633b", ...}],
 *  "groupLabels": {"alertname": "InstanceDown"}, "commonLabels": {"alertname": "InstanceDown", "severity": "critical"},
 *  "commonAnnotations": {}, "externalURL": "http://127.0.0.1:42209", "version": "4",
 *  "groupKey": "{}:{alertname=\"InstanceDown\"}", "truncatedAlerts": 0}
 * ```
 */
import * as z from 'zod';
import { timestampSchema } from './time';

const labelSet = z.record(z.string(), z.string());

export const alertmanagerAlertSchema = z.object({
  status: z.enum(['firing', 'resolved']),
  labels: labelSet,
  annotations: labelSet,
  startsAt: timestampSchema,
  endsAt: timestampSchema,
  generatorURL: z.string(),
  fingerprint: z.string().min(1),
});

export const alertmanagerWebhookSchema = z.object({
  version: z.literal('4'),
  groupKey: z.string(),
  truncatedAlerts: z.number().int().nonnegative().optional(),
  status: z.enum(['firing', 'resolved']),
  receiver: z.string(),
  groupLabels: labelSet,
  commonLabels: labelSet,
  commonAnnotations: labelSet,
  externalURL: z.string(),
  alerts: z.array(alertmanagerAlertSchema),
});

export type AlertmanagerWebhook = z.infer<typeof alertmanagerWebhookSchema>;
export type AlertmanagerAlert = z.infer<typeof alertmanagerAlertSchema>;

/** Cheap shape test used to pick this schema before parsing strictly. */
export const looksLikeAlertmanager = (p: Record<string, unknown>): boolean => 'alerts' in p && 'groupKey' in p;
