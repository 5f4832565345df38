/**
 * Envelopes apart from payloads: unwrap the transport (OpenWhisk web/trigger params,
 * Lambda API Gateway / EventBridge events, a Zaqar push) into one Request.
 * Domain code never sees `__ow_*` keys or a Zaqar envelope: this is the one place that unwraps them.
 */
import { looksLikeZaqar, unwrapZaqar } from '../domain/alarms/zaqar';
import { InvalidPayloadError } from '../domain/errors';
import type { AlarmTransport } from '../domain/incident';
import { parseAlarms, type IntakeContext, type IntakeResult } from '../domain/intake';
import { CONFIG_KEYS } from './config';

export type Request = {
  method: string;
  headers: Record<string, string>;
  query: Record<string, string>;
  /** The step's input: the parsed JSON body, or the non-config parameters of a trigger/invoke. */
  body: unknown;
  /** Configuration parameters (package/action defaults). */
  config: Record<string, unknown>;
};

const lower = (h: unknown): Record<string, string> =>
  Object.fromEntries(
    Object.entries((h ?? {}) as Record<string, unknown>).map(([k, v]) => [k.toLowerCase(), String(v)]),
  );

/** JSON text, or base64 of it (OpenWhisk raw-http encodes bodies it deems binary). */
function parseJsonBody(raw: string, base64Hint = false): unknown {
  if (raw.trim() === '') return {};
  const attempts = base64Hint
    ? [Buffer.from(raw, 'base64').toString('utf8'), raw]
    : [raw, Buffer.from(raw, 'base64').toString('utf8')];
  for (const text of attempts) {
    try {
      return JSON.parse(text);
    } catch {
      /* next */
    }
  }
  throw new InvalidPayloadError('the request body', [{ path: '', message: 'not JSON' }]);
}

function split(params: Record<string, unknown>) {
  const config: Record<string, unknown> = {};
  const rest: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(params)) {
    if (k.startsWith('__ow_') || k.startsWith('__OW_')) continue;
    ((CONFIG_KEYS as string[]).includes(k) ? config : rest)[k] = v;
  }
  return { config, rest };
}

/** OpenWhisk `main(params)`: web action (raw-http or merged) or trigger/invoke parameters. */
export function fromOpenWhisk(params: Record<string, unknown>): Request {
  const { config, rest } = split(params);
  const headers = lower(params.__ow_headers);
  const method = String(params.__ow_method ?? 'post').toUpperCase();
  const query = typeof params.__ow_query === 'string' ? Object.fromEntries(new URLSearchParams(params.__ow_query)) : {};
  let body: unknown = rest;
  if (typeof params.__ow_body === 'string') body = parseJsonBody(params.__ow_body);
  if (!('token' in query) && typeof rest.token === 'string') query.token = rest.token; // non-raw web actions merge the query
  if (body && typeof body === 'object' && !Array.isArray(body)) delete (body as Record<string, unknown>).token;
  return { method, headers, query, body, config };
}

type ApiGatewayEvent = {
  headers?: Record<string, string>;
  body?: string | null;
  isBase64Encoded?: boolean;
  queryStringParameters?: Record<string, string> | null;
  requestContext?: { http?: { method?: string } };
  httpMethod?: string;
};
type EventBridgeEvent = { 'detail-type': string; source: string; detail: unknown };

/** Lambda: API Gateway (v1 or v2) events, EventBridge events, or a plain object (direct invoke). */
export function fromLambda(event: unknown, config: Record<string, unknown>): Request {
  const e = (event ?? {}) as Record<string, unknown>;
  if ('detail-type' in e && 'detail' in e) {
    return { method: 'POST', headers: {}, query: {}, body: (e as unknown as EventBridgeEvent).detail, config };
  }
  if ('requestContext' in e || 'httpMethod' in e) {
    const g = e as ApiGatewayEvent;
    return {
      method: (g.requestContext?.http?.method ?? g.httpMethod ?? 'POST').toUpperCase(),
      headers: lower(g.headers),
      query: { ...(g.queryStringParameters ?? {}) },
      body: g.body ? parseJsonBody(g.body, !!g.isBase64Encoded) : {},
      config,
    };
  }
  return { method: 'POST', headers: {}, query: {}, body: e, config };
}

/**
 * A Zaqar push (`{ttl, body, Message_Type, queue_name}`, test/events/zaqar/) → its message body, and
 * how it came; anything else is the payload itself, delivered directly.
 */
export function unwrapTransport(body: unknown): { body: unknown; transport: AlarmTransport } {
  if (body && typeof body === 'object' && !Array.isArray(body) && looksLikeZaqar(body as Record<string, unknown>)) {
    return { body: unwrapZaqar(body).body, transport: 'zaqar' };
  }
  return { body, transport: 'direct' };
}

/** An error about an unwrapped body, as the sender sees it: schema issues point into the Zaqar message (`body.*`). */
export function inEnvelope(transport: AlarmTransport, error: unknown): unknown {
  if (transport === 'direct' || !(error instanceof InvalidPayloadError) || error.what.startsWith('Zaqar')) return error;
  const issues = error.issues.map((i) => ({ ...i, path: i.path ? `body.${i.path}` : 'body' }));
  return new InvalidPayloadError(`${error.what} in a Zaqar message body`, issues);
}

/** An alarm delivery as it arrived → incidents: the envelope unwrapped once, the payload parsed by the domain. */
export function parseDelivery(delivered: unknown, context: Omit<IntakeContext, 'transport'> = {}): IntakeResult {
  const { body, transport } = unwrapTransport(delivered);
  try {
    return parseAlarms(body, { ...context, transport });
  } catch (error) {
    throw inEnvelope(transport, error);
  }
}
