/**
 * Nova notifications, versioned (`instance.*`, `service.*`, payload a `nova_object`) and legacy
 * (`compute.instance.*`, plain dict payload), in the oslo.messaging envelope. On the wire (RabbitMQ)
 * the envelope is itself wrapped as `{"oslo.version": "2.0", "oslo.message": "<the envelope as JSON>"}`.
 *
 * Recorded from the real lab's RabbitMQ (test/events/nova/versioned/service.update.json, `_context_*` cut):
 * ```json
 * {"message_id": "23b3b102-5ea6-4c9e-8b25-97f25e930fd8", "publisher_id": "nova-compute:compute1",
 *  "event_type": "service.update", "priority": "INFO", "timestamp": "2026-11-23 01:36:50.307998",
 *  "payload": {"nova_object.name": "ServiceStatusPayload", "nova_object.namespace": "nova",
 *              "nova_object.version": "1.1",
 *    "nova_object.data": {"host": "compute1", "binary": "nova-compute", "topic": "compute", "report_count": 15,
 *      "disabled": false, "disabled_reason": null, "availability_zone": null, "last_seen_up": "2026-11-23T01:36:48Z",
 *      "forced_down": true, "version": 64, "uuid": "4001e822-7ca3-4a18-bb4d-7bd39e1bd030"}}}
 * ```
 * and (test/events/nova/legacy/compute.instance.delete.end.json, payload shortened):
 * ```json
 * {"message_id": "4282042e-6d3a-4687-b92a-809f1177bc5c", "publisher_id": "compute.compute1",
 *  "event_type": "compute.instance.delete.end", "priority": "INFO", "timestamp": "2026-11-23 01:39:16.541458",
 *  "payload": {"tenant_id": "2f9fd6d25fa74e5ca14c6a9f0b458185", "instance_id": "aeb841ac-4686-4f09-8a21-c8f518ab7e64",
 *    "display_name": "vm-n", "host": "compute1", "state": "deleted", "metadata": {}}}
 * ```
 */
import * as z from 'zod';
import { timestampSchema } from './time';

/** The oslo.messaging v2 wire wrapper; `oslo.message` is the envelope serialised as a JSON string. */
export const osloWireSchema = z.object({
  'oslo.version': z.string(),
  'oslo.message': z.string().transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'oslo.message is not valid JSON' });
      return z.NEVER;
    }
  }),
});

export const novaEnvelopeSchema = z.object({
  message_id: z.string().min(1),
  event_type: z.string().min(1),
  publisher_id: z.string(),
  priority: z.string(),
  timestamp: timestampSchema,
  payload: z.record(z.string(), z.unknown()),
});

/** A versioned payload: `nova_object.data` holds the fields, checked by the per-event schema. */
const novaObject = <T extends z.ZodType>(data: T) =>
  z.object({ 'nova_object.name': z.string(), 'nova_object.version': z.string(), 'nova_object.data': data });

const instanceFields = {
  uuid: z.string().min(1),
  host: z.string().nullable(),
  tenant_id: z.string().nullable(),
  display_name: z.string().nullable(),
  state: z.string(),
};

/** InstanceActionPayload (instance.delete.end) */
export const novaInstanceActionSchema = novaObject(z.object(instanceFields));

/** InstanceUpdatePayload (instance.update): `state_update` says where the server came from. */
export const novaInstanceUpdateSchema = novaObject(
  z.object({
    ...instanceFields,
    state_update: novaObject(z.object({ old_state: z.string().nullable(), state: z.string() })),
  }),
);

/** ServiceStatusPayload (service.update): `forced_down` is Nova's own fencing flag. */
export const novaServiceStatusSchema = novaObject(
  z.object({
    host: z.string().min(1),
    binary: z.string(),
    disabled: z.boolean(),
    disabled_reason: z.string().nullable(),
    forced_down: z.boolean(),
    last_seen_up: z.string().nullable(),
  }),
);

/** Legacy compute.instance.* payload (delete.end and update; update adds `old_state`). */
export const novaLegacyInstanceSchema = z.object({
  instance_id: z.string().min(1),
  host: z.string().nullable(),
  tenant_id: z.string().nullable(),
  display_name: z.string().nullable(),
  state: z.string(),
  old_state: z.string().nullable().optional(),
});

export type NovaEnvelope = z.infer<typeof novaEnvelopeSchema>;
export type NovaInstance = z.infer<typeof novaInstanceActionSchema>['nova_object.data'];
export type NovaLegacyInstance = z.infer<typeof novaLegacyInstanceSchema>;

/** Cheap shape tests used to pick these schemas before parsing strictly. */
export const looksLikeOsloWire = (p: Record<string, unknown>): boolean => 'oslo.message' in p;
export const looksLikeNova = (p: Record<string, unknown>): boolean =>
  'event_type' in p && 'publisher_id' in p && 'payload' in p;
