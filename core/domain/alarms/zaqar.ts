/**
 * Zaqar push envelope: what a Zaqar webhook subscription POSTs for each message
 * (zaqar/notification/tasks/webhook.py, Zed 15.0.0): the message's `ttl` and `body`, plus
 * `Message_Type` and `queue_name`. There is no message id, project or claim in it.
 *
 * Recorded from the real lab (test/events/zaqar/aodh-tzq-1.json, an Aodh alarm posted by a
 * `trust+zaqar://?queue_name=aodh-tzq` action, body shortened):
 * ```json
 * {"ttl": 3600, "body": {"alarm_name": "ev-vm1-deleted", "alarm_id": "7b5964e4-6d30-40c7-9ab4-dd5b77a5fdda",
 *   "severity": "critical", "previous": "insufficient data", "current": "alarm",
 *   "reason": "...", "reason_data": {...}},
 *  "Message_Type": "Notification", "queue_name": "aodh-tzq"}
 * ```
 * This is a transport, not an alarm: `unwrapZaqar` hands back the body, which is then parsed as
 * any other source with `transport: 'zaqar'`.
 */
import * as z from 'zod';
import { parseStrict } from './issues';

export const zaqarPushSchema = z.object({
  ttl: z.number().int().nonnegative(),
  body: z.unknown().refine((body) => body !== undefined, { message: 'A Zaqar message always has a body' }),
  Message_Type: z.literal('Notification'),
  queue_name: z.string().min(1),
});

export type ZaqarPush = z.infer<typeof zaqarPushSchema>;

/** Cheap shape test: only Zaqar's notifier writes `Message_Type`. */
export const looksLikeZaqar = (p: Record<string, unknown>): boolean => 'Message_Type' in p;

/** The message body and where it came from; throws InvalidPayloadError for a broken envelope. */
export function unwrapZaqar(payload: unknown): { body: unknown; queueName: string; ttl: number } {
  const push = parseStrict(zaqarPushSchema, payload, 'Zaqar push envelope');
  return { body: push.body, queueName: push.queue_name, ttl: push.ttl };
}
