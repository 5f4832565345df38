/**
 * Masakari-compatible notification: what masakari-monitors POST to masakari-api `/v1/notifications`
 * (masakarimonitors/ha/masakari.py → openstacksdk `create_notification`), checked by masakari's
 * API schema (masakari/api/openstack/ha/schemas/notifications.py: type COMPUTE_HOST|VM|PROCESS,
 * hostname, generated_time, payload of string values).
 *
 * Recorded from the real lab (test/events/masakari/run1-compute-host.json, accepted 202):
 * ```json
 * {"notification": {"type": "COMPUTE_HOST", "hostname": "compute1", "generated_time": "2026-11-23T01:54:56.603660",
 *   "payload": {"event": "STOPPED", "host_status": "NORMAL", "cluster_status": "OFFLINE"}}}
 * ```
 * VM and PROCESS payloads, produced by the installed masakari-monitors 14.0.0 and its openstacksdk sender
 * (test/events/record/masakari-monitors-notifications.py; sources cited in test/events/masakari/README.md):
 * `{"event": "LIFECYCLE", "instance_uuid": "...", "vir_domain_event": "STOPPED_FAILED"}` (instancemonitor),
 * `{"event": "STOPPED", "process_name": "nova-compute"}` (processmonitor).
 *
 * stackmend extension (COMPUTE_HOST only): `payload.fenced = {"by": "ipmi-watchdog", "method": "power-off"|"isolated",
 * "at": "<ISO-8601>"}` — an operator's or monitor's explicit statement that the host is fenced. Real masakari-api
 * would reject it (its payload allows only string values), so send it to stackmend only.
 */
import * as z from 'zod';
import { CLAIMED_FENCE_METHODS } from '../fence';
import { hostNameSchema } from './identifiers';
import { timestampSchema } from './time';

export const MASAKARI_EVENTS = ['STARTED', 'STOPPED'] as const;

const hostname = hostNameSchema;

/** The stackmend extension: explicit fence evidence carried by a COMPUTE_HOST notification. */
export const masakariFencedSchema = z.object({
  by: z.string().min(1),
  method: z.enum(CLAIMED_FENCE_METHODS),
  at: timestampSchema,
});

/** hostmonitor (pacemaker, consul, kubernetes): cluster_status is absent from the kubernetes check. */
export const masakariHostPayloadSchema = z.object({
  event: z.enum(MASAKARI_EVENTS),
  host_status: z.enum(['NORMAL', 'UNKNOWN']).optional(),
  cluster_status: z.enum(['ONLINE', 'OFFLINE']).optional(),
  fenced: masakariFencedSchema.optional(),
});

/** instancemonitor (libvirt events) and introspectiveinstancemonitor (QEMU guest agent). */
export const masakariVmPayloadSchema = z.object({
  event: z.string().min(1),
  instance_uuid: z.string().min(1),
  vir_domain_event: z.string().min(1),
});

/** processmonitor: a process it could not restart. */
export const masakariProcessPayloadSchema = z.object({
  event: z.enum(MASAKARI_EVENTS),
  process_name: z.string().min(1),
});

const notification = <T extends string, P extends z.ZodType>(type: T, payload: P) =>
  z.object({ type: z.literal(type), hostname, generated_time: timestampSchema, payload });

export const masakariNotificationSchema = z.object({
  notification: z.discriminatedUnion('type', [
    notification('COMPUTE_HOST', masakariHostPayloadSchema),
    notification('VM', masakariVmPayloadSchema),
    notification('PROCESS', masakariProcessPayloadSchema),
  ]),
});

export type MasakariNotification = z.infer<typeof masakariNotificationSchema>['notification'];

/** Cheap shape test used to pick this schema before parsing strictly. */
export const looksLikeMasakari = (p: Record<string, unknown>): boolean => 'notification' in p;
