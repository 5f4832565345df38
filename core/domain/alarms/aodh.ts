/**
 * Aodh alarm webhook: the body aodh-notifier POSTs for an `http(s)://` alarm action
 * (aodh/notifier/rest.py, Zed 15.0.0), also the `body` of a Zaqar message from a `zaqar://` action.
 *
 * Recorded from the real lab (test/events/aodh/event-webhook.json, traits shortened):
 * ```json
 * {"alarm_name": "ev-vm1-deleted", "alarm_id": "7b5964e4-6d30-40c7-9ab4-dd5b77a5fdda",
 *  "severity": "critical", "previous": "insufficient data", "current": "alarm",
 *  "reason": "Event <id=d4767a91-0981-41d5-969e-21550eb529cb,event_type=compute.instance.delete.end>
 *             hits the query <query=[...]>.",
 *  "reason_data": {"type": "event", "event": {
 *    "message_id": "d4767a91-0981-41d5-969e-21550eb529cb", "event_type": "compute.instance.delete.end",
 *    "generated": "2026-11-23T01:37:37.604627",
 *    "traits": [["project_id", 1, "2f9fd6d25fa74e5ca14c6a9f0b458185"],
 *               ["instance_id", 1, "3bd67d07-7f0a-477c-a869-964e212f5c8d"],
 *               ["host", 1, "compute2"], ["memory_mb", 2, 64], ["state", 1, "deleted"],
 *               ["deleted_at", 4, "2026-11-23T01:37:37"]],
 *    "raw": {}, "message_signature": "c058035612543d85ca97ec07148ca58234c4f21b539005f155773cd9fed6c222"}}}
 * ```
 * The other `reason_data` variants were produced by the installed aodh 15.0.0 evaluators and notifier
 * (test/events/record/aodh-rule-alarms.py → test/events/aodh/generated-*.json):
 * `{"type": "threshold", "disposition": "outside", "count": 3, "most_recent": 92.5}` (no time, no resource id),
 * `{"type": "composite", "composition_form": "(rule1 or rule2)", "causative_rules": {"rule1": {"metric": "cpu_util",
 *   "resource_id": "3bd67d07-…", "resource_type": "instance", ..., "type": "gnocchi_resources_threshold"}}}`,
 * `{"type": "loadbalancer_member_health", "count": 1, "most_recent": {<Octavia member>}, "unhealthy_members": [...],
 *   "pool_id": "3c5a52c2-…", "stack_id": "4607368e-…", "asg_id": "0271f788-…"}`.
 */
import * as z from 'zod';
import { timestampSchema } from './time';

export const AODH_STATES = ['ok', 'alarm', 'insufficient data'] as const;
export const AODH_SEVERITIES = ['low', 'moderate', 'critical'] as const;

/** Ceilometer event trait: `[name, dtype, value]`, dtype 1 text, 2 int, 3 float, 4 datetime. */
export const aodhTraitSchema = z.tuple([z.string().min(1), z.number().int(), z.unknown()]);

export const aodhEventSchema = z.object({
  message_id: z.string().min(1),
  event_type: z.string().min(1),
  generated: timestampSchema,
  traits: z.array(aodhTraitSchema),
  raw: z.record(z.string(), z.unknown()).optional(),
  message_signature: z.string().optional(),
});

export const aodhEventReasonSchema = z.object({ type: z.literal('event'), event: aodhEventSchema });

/** aodh/evaluator/threshold.py `_reason_data` (gnocchi evaluators); `unknown` from `_unknown_reason_data`. */
export const aodhThresholdReasonSchema = z.object({
  type: z.literal('threshold'),
  disposition: z.enum(['inside', 'outside', 'unknown']),
  count: z.number().int(),
  most_recent: z.number().nullable(),
});

/** A sub-rule of a composite alarm, as stored in the alarm (gnocchi rules name their resource). */
const aodhRuleSchema = z.looseObject({
  type: z.string(),
  resource_id: z.string().optional(),
  resource_type: z.string().optional(),
});

/** aodh/evaluator/composite.py `_reason`: the rules in the new state, by name (rule1, rule2...). */
export const aodhCompositeReasonSchema = z.object({
  type: z.literal('composite'),
  composition_form: z.string(),
  causative_rules: z.record(z.string(), aodhRuleSchema),
});

/** An Octavia pool member as aodh's loadbalancer evaluator got it from `member_list`. */
const octaviaMemberSchema = z.looseObject({
  id: z.string().min(1),
  address: z.string().optional(),
  operating_status: z.string().optional(),
});

/** aodh/evaluator/loadbalancer.py `_transition_alarm`. */
export const aodhLoadBalancerReasonSchema = z.object({
  type: z.literal('loadbalancer_member_health'),
  count: z.number().int(),
  most_recent: octaviaMemberSchema.nullable(),
  unhealthy_members: z.array(octaviaMemberSchema),
  pool_id: z.string().nullable(),
  stack_id: z.string().nullable(),
  asg_id: z.string().nullable(),
});

export const aodhAlarmSchema = z.object({
  alarm_name: z.string(),
  alarm_id: z.string().min(1),
  severity: z.enum(AODH_SEVERITIES),
  previous: z.enum(AODH_STATES),
  current: z.enum(AODH_STATES),
  reason: z.string(),
  reason_data: z.discriminatedUnion('type', [
    aodhEventReasonSchema,
    aodhThresholdReasonSchema,
    aodhCompositeReasonSchema,
    aodhLoadBalancerReasonSchema,
  ]),
});

export type AodhAlarm = z.infer<typeof aodhAlarmSchema>;
export type AodhEvent = z.infer<typeof aodhEventSchema>;
export type AodhReasonData = AodhAlarm['reason_data'];

/** Cheap shape test used to pick this schema before parsing strictly. */
export const looksLikeAodh = (p: Record<string, unknown>): boolean => 'alarm_id' in p || 'reason_data' in p;
