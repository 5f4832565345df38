/**
 * Alarm intake: any payload an operator's cloud sends → normalised Incidents.
 *
 * The source is told by shape (cheap key tests), then the payload is parsed strictly with that one
 * schema, so a broken Aodh alarm reports Aodh's issues. The payload arrives unwrapped: a Zaqar push's
 * envelope is the runtime's (core/runtime/envelope.ts), which says how the alarm came (`transport`).
 */
import * as z from 'zod';
import { aodhAlarmSchema, looksLikeAodh } from './alarms/aodh';
import { alertmanagerWebhookSchema, looksLikeAlertmanager } from './alarms/alertmanager';
import { fromAlertmanager } from './alarms/from-alertmanager';
import { fromAodh } from './alarms/from-aodh';
import { fromMasakari } from './alarms/from-masakari';
import { fromNova } from './alarms/from-nova';
import { checkIdentifiers } from './alarms/identifiers';
import { parseStrict, toSchemaIssues } from './alarms/issues';
import { looksLikeMasakari, masakariNotificationSchema } from './alarms/masakari';
import { looksLikeNova, looksLikeOsloWire, novaEnvelopeSchema, osloWireSchema } from './alarms/nova';
import type { Delivery, IntakeResult } from './alarms/result';
import { toIsoUtc } from './alarms/time';
import { zaqarPushSchema } from './alarms/zaqar';
import type { AlarmTransport } from './incident';
import { InvalidPayloadError } from './errors';

export type { Ignored, IntakeResult, SubjectHints, UnresolvedAlarm } from './alarms/result';
export { withSubject } from './alarms/result';

/**
 * What the caller knows about the delivery: how it came (default `direct`), and `receivedAt`, which
 * dates alarms that carry no time of their own.
 */
export type IntakeContext = { receivedAt?: string | Date; transport?: AlarmTransport };

type Source = { what: string; looksLike: (p: Record<string, unknown>) => boolean; schema: z.ZodType; handle: Handle };
type Handle = (payload: unknown, delivery: Delivery) => IntakeResult;

const source = <S extends z.ZodType>(
  what: string,
  looksLike: Source['looksLike'],
  schema: S,
  map: (parsed: z.output<S>, delivery: Delivery) => IntakeResult,
): Source => ({
  what,
  looksLike,
  schema,
  handle: (payload, delivery) => checkIdentifiers(map(parseStrict(schema, payload, what), delivery), what),
});

const NOVA = 'Nova notification';

/** Order matters only for the cheap tests; each looks at keys no other source sends. */
const SOURCES: readonly Source[] = [
  source('Aodh alarm webhook', looksLikeAodh, aodhAlarmSchema, fromAodh),
  source('Alertmanager webhook', looksLikeAlertmanager, alertmanagerWebhookSchema, fromAlertmanager),
  source('Masakari notification', looksLikeMasakari, masakariNotificationSchema, (n, d) =>
    fromMasakari(n.notification, d),
  ),
  source('Nova notification (oslo.messaging wire form)', looksLikeOsloWire, osloWireSchema, (wire, d) =>
    fromNova(parseStrict(novaEnvelopeSchema, wire['oslo.message'], NOVA, 'oslo.message'), d),
  ),
  source(NOVA, looksLikeNova, novaEnvelopeSchema, fromNova),
];

/**
 * Parses one delivery. Throws InvalidPayloadError when it matches no supported shape (listing the
 * issues of the closest schema) or when the matching schema rejects it; expected non-incidents are
 * returned in `ignored`, incidents without a named server or host in `unresolved`.
 */
export function parseAlarms(payload: unknown, context: IntakeContext = {}): IntakeResult {
  const receivedAt = receivedAtOf(context);
  const at = receivedAt ? { receivedAt } : {};
  const record = asRecord(payload, '', 'Alarm payload');
  return parseRecord(record, { transport: context.transport ?? 'direct', ...at });
}

function parseRecord(payload: Record<string, unknown>, delivery: Delivery): IntakeResult {
  const match = SOURCES.find((s) => s.looksLike(payload));
  if (match) return match.handle(payload, delivery);
  const closest = closestSource(payload);
  throw new InvalidPayloadError(
    `Alarm payload (expected Aodh, Alertmanager, Masakari, Nova or Zaqar; closest: ${closest.what})`,
    toSchemaIssues(closest.error),
  );
}

/** The schema sharing most top-level keys with the payload; fewest issues breaks a tie. */
function closestSource(payload: Record<string, unknown>): { what: string; error: z.ZodError } {
  const keys = new Set(Object.keys(payload));
  const candidates = [...SOURCES, { what: 'Zaqar push envelope', schema: zaqarPushSchema }].map(({ what, schema }) => ({
    what,
    error: schema.safeParse(payload).error ?? new z.ZodError([]),
    shared: schema instanceof z.ZodObject ? Object.keys(schema.shape).filter((k) => keys.has(k)).length : 0,
  }));
  candidates.sort((a, b) => b.shared - a.shared || a.error.issues.length - b.error.issues.length);
  return candidates[0];
}

function asRecord(value: unknown, path: string, what: string): Record<string, unknown> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  const got = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
  throw new InvalidPayloadError(what, [
    { path, message: `Expected a JSON object, received ${got}`, code: 'invalid_type' },
  ]);
}

function receivedAtOf({ receivedAt }: IntakeContext): string | undefined {
  if (receivedAt === undefined) return undefined;
  const iso = receivedAt instanceof Date ? receivedAt.toISOString() : toIsoUtc(receivedAt);
  if (!iso) throw new TypeError(`parseAlarms: receivedAt "${String(receivedAt)}" is not an ISO-8601 timestamp`);
  return iso;
}
