/**
 * Envelopes apart from payloads: unwrap the transport (OpenWhisk web/trigger params,
 * Lambda API Gateway / EventBridge events, a Zaqar push) into one Request.
 * Domain code never sees `__ow_*` keys or a Zaqar envelope: this is the one place that unwraps them.
 */
import { looksLikeZaqar, unwrapZaqar } from '../domain/alarms/zaqar';
import { InvalidPayloadError } from '../domain/errors';
import type { AlarmTransport } from '../domain/incident';
import { parseAlarms, type IntakeContext, type IntakeResult } from '../domain/intake';
import type { Principal } from './auth';
import { CONFIG_KEYS } from './config';

export type Request = {
  method: string;
  headers: Record<string, string>;
  query: Record<string, string>;
  /** The step's input: the parsed JSON body, or the non-config parameters of a trigger/invoke. */
  body: unknown;
  /** Configuration parameters (package/action defaults). */
  config: Record<string, unknown>;
  /** Who called, when the entry point authenticates its callers (core/runtime/auth.ts). */
  principal?: Principal;
  /** Epoch ms at which the platform ends this invocation (core/runtime/adapters.ts); none: the action's limit. */
  deadline?: number;
};

/** A request before its body is parsed: what an entry point checks first (size, credentials, type). */
export type RawRequest = Omit<Request, 'body'> & {
  /** The body's bytes as sent; undefined when the platform delivered parameters (trigger, invoke, merged web). */
  bytes?: Buffer;
  /** The step input when there are no bytes: the non-config parameters, or a Lambda event's detail. */
  input: unknown;
  /**
   * Whether it came over HTTP (an OpenWhisk web action, API Gateway). Otherwise the platform invoked it
   * (a rule, a trigger, a REST invoke with the namespace key; EventBridge, a schedule, an IAM invoke).
   */
  web: boolean;
};

const lower = (h: unknown): Record<string, string> =>
  Object.fromEntries(
    Object.entries((h ?? {}) as Record<string, unknown>).map(([k, v]) => [k.toLowerCase(), String(v)]),
  );

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
/** `__ow_body` of a raw-http web action: base64 (JSON and binary bodies) or the text itself (text bodies). */
function owBodyBytes(text: string): Buffer {
  const t = text.trim();
  return t.length % 4 === 0 && BASE64.test(t) ? Buffer.from(t, 'base64') : Buffer.from(text, 'utf8');
}

function parseJsonBody(bytes: Buffer): unknown {
  const text = bytes.toString('utf8');
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new InvalidPayloadError('the request body', [{ path: '', message: 'not JSON' }]);
  }
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
export function rawFromOpenWhisk(params: Record<string, unknown>): RawRequest {
  const { config, rest } = split(params);
  const headers = lower(params.__ow_headers);
  const method = String(params.__ow_method ?? 'post').toUpperCase();
  const query = typeof params.__ow_query === 'string' ? Object.fromEntries(new URLSearchParams(params.__ow_query)) : {};
  if (!('token' in query) && typeof rest.token === 'string') query.token = rest.token; // non-raw web actions merge the query
  const bytes = typeof params.__ow_body === 'string' ? owBodyBytes(params.__ow_body) : undefined;
  return { method, headers, query, bytes, input: rest, config, web: '__ow_method' in params }; // web actions always get it
}

/** The request with its body parsed as JSON (a body that is not JSON is a 400); `token` never reaches a step. */
export function parseRequest(raw: RawRequest): Request {
  const { bytes, input, query, web: _web, ...rest } = raw;
  const body = bytes === undefined ? input : parseJsonBody(bytes);
  if (body && typeof body === 'object' && !Array.isArray(body)) delete (body as Record<string, unknown>).token;
  const { token: _token, ...others } = query;
  return { ...rest, query: others, body };
}

export const fromOpenWhisk = (params: Record<string, unknown>): Request => parseRequest(rawFromOpenWhisk(params));

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
export function rawFromLambda(event: unknown, config: Record<string, unknown>): RawRequest {
  const e = (event ?? {}) as Record<string, unknown>;
  const none = { method: 'POST', headers: {}, query: {}, config, web: false };
  if ('detail-type' in e && 'detail' in e) {
    return { ...none, input: (e as unknown as EventBridgeEvent).detail };
  }
  if ('requestContext' in e || 'httpMethod' in e) {
    const g = e as ApiGatewayEvent;
    return {
      method: (g.requestContext?.http?.method ?? g.httpMethod ?? 'POST').toUpperCase(),
      headers: lower(g.headers),
      query: { ...(g.queryStringParameters ?? {}) },
      bytes: Buffer.from(g.body ?? '', g.isBase64Encoded ? 'base64' : 'utf8'),
      input: undefined,
      config,
      web: true,
    };
  }
  return { ...none, input: e };
}

export const fromLambda = (event: unknown, config: Record<string, unknown>): Request =>
  parseRequest(rawFromLambda(event, config));

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
