/**
 * Thin platform adapters around one platform-neutral handler (helix-universal style).
 * OpenWhisk: `main(params)` always returns a dictionary; an answer of 400 or more becomes
 * `{error: {statusCode, headers, body}}`, which OpenWhisk records as a failed activation
 * ("application error") and a web action still answers with that status and body.
 * Lambda: a middy handler answering API Gateway or plain events.
 */
import middy from '@middy/core';
import { parseRequest, rawFromLambda, rawFromOpenWhisk, type RawRequest, type Request } from './envelope';
import { errorResponse } from './errors';
import type { Gate } from './gate';

export type Response = { statusCode: number; headers?: Record<string, string>; body: unknown };
export type Handler = (req: Request) => Promise<Response>;

const JSON_HEADERS = { 'Content-Type': 'application/json' };

/**
 * Unwraps the transport, lets the gate (of a public entry point) admit the request before the body is
 * parsed, then parses it; an envelope that cannot be read (e.g. a body that is not JSON) is a 400, not a crash.
 */
async function handleSafely(
  step: string,
  handler: Handler,
  unwrap: () => RawRequest,
  gate?: Gate,
  deadline?: number,
): Promise<Response> {
  let req: Request;
  try {
    const raw = unwrap();
    req = parseRequest(gate ? await gate(raw) : raw);
  } catch (e) {
    return errorResponse(step, e);
  }
  return handler(deadline === undefined ? req : { ...req, deadline });
}

/**
 * OpenWhisk's deadline of the running activation: `__OW_DEADLINE`, epoch ms, which the Node runtime
 * sets for each activation (read here, never written); undefined when absent or not a number.
 */
export function openwhiskDeadline(env: Record<string, string | undefined> = process.env): number | undefined {
  const ms = Number(env.__OW_DEADLINE);
  return env.__OW_DEADLINE && Number.isFinite(ms) ? ms : undefined;
}

/** Lambda's deadline: now plus what its context says is left. */
export function lambdaDeadline(context: { getRemainingTimeInMillis?: () => number } | undefined, now = Date.now()) {
  const left = context?.getRemainingTimeInMillis?.();
  return typeof left === 'number' && Number.isFinite(left) ? now + left : undefined;
}

/**
 * What OpenWhisk tells an activation through its environment (the action proxy sets `__OW_*` per
 * activation): the API host, the namespace and, for an action annotated `provide-api-key: true`, the key.
 */
export type OpenWhiskActivation = { apiHost?: string; namespace?: string; apiKey?: string };

export function openwhiskActivationFromEnv(): OpenWhiskActivation {
  const env = process.env;
  return { apiHost: env.__OW_API_HOST, namespace: env.__OW_NAMESPACE, apiKey: env.__OW_API_KEY };
}

/**
 * The `openwhisk` and `http` transports fire triggers / call web actions with the namespace's key: unless the
 * stage names them, it is the activation's own (provide-api-key), at its API host, in its namespace.
 */
function withActivationKey(config: Record<string, unknown>, a: OpenWhiskActivation): Record<string, unknown> {
  const dispatch = config.dispatch;
  if (!dispatch || typeof dispatch !== 'object' || Array.isArray(dispatch)) return config;
  const d = dispatch as Record<string, unknown>;
  if (d.transport !== 'openwhisk' && d.transport !== 'http') return config;
  const given = (key: string, value: string | undefined) => (d[key] === undefined && value ? { [key]: value } : {});
  return {
    ...config,
    dispatch: { ...d, ...given('api_host', a.apiHost), ...given('namespace', a.namespace), ...given('auth', a.apiKey) },
  };
}

export function openwhiskMain(
  step: string,
  handler: Handler,
  gate?: Gate,
  activation: () => OpenWhiskActivation = () => ({}),
) {
  return async function main(params: Record<string, unknown>): Promise<Record<string, unknown>> {
    const unwrap = () => {
      const raw = rawFromOpenWhisk(params ?? {});
      return { ...raw, config: withActivationKey(raw.config, activation()) };
    };
    const res = await handleSafely(step, handler, unwrap, gate, openwhiskDeadline());
    const answer = { statusCode: res.statusCode, headers: { ...JSON_HEADERS, ...res.headers }, body: res.body };
    return res.statusCode >= 400 ? { error: answer } : answer;
  };
}

type LambdaEvent = Record<string, unknown>;
const isHttpEvent = (e: LambdaEvent) => 'requestContext' in e || 'httpMethod' in e;

/** Lambda gets its configuration once, from the STACKMEND_CONFIG variable (JSON), read at cold start. */
export function lambdaHandler(step: string, handler: Handler, config: () => Record<string, unknown>, gate?: Gate) {
  return middy<LambdaEvent, unknown>().handler(async (event, context) => {
    const res = await handleSafely(step, handler, () => rawFromLambda(event, config()), gate, lambdaDeadline(context));
    if (isHttpEvent(event ?? {}))
      return {
        statusCode: res.statusCode,
        headers: { ...JSON_HEADERS, ...res.headers },
        body: JSON.stringify(res.body),
      };
    return { statusCode: res.statusCode, body: res.body };
  });
}

export function lambdaConfigFromEnv(): Record<string, unknown> {
  const raw = process.env.STACKMEND_CONFIG;
  return raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
}
