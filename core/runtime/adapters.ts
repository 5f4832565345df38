/**
 * Thin platform adapters around one platform-neutral handler (helix-universal style).
 * OpenWhisk: `main(params)` always returns a dictionary; errors with a status become
 * `{statusCode, body}`. Lambda: a middy handler answering API Gateway or plain events.
 */
import middy from '@middy/core';
import { fromLambda, fromOpenWhisk, type Request } from './envelope';

export type Response = { statusCode: number; headers?: Record<string, string>; body: unknown };
export type Handler = (req: Request) => Promise<Response>;

const JSON_HEADERS = { 'Content-Type': 'application/json' };

export function openwhiskMain(handler: Handler) {
  return async function main(params: Record<string, unknown>): Promise<Record<string, unknown>> {
    const res = await handler(fromOpenWhisk(params ?? {}));
    return { statusCode: res.statusCode, headers: { ...JSON_HEADERS, ...res.headers }, body: res.body };
  };
}

type LambdaEvent = Record<string, unknown>;
const isHttpEvent = (e: LambdaEvent) => 'requestContext' in e || 'httpMethod' in e;

/** Lambda gets its configuration once, from the STACKMEND_CONFIG variable (JSON), read at cold start. */
export function lambdaHandler(handler: Handler, config: () => Record<string, unknown>) {
  return middy<LambdaEvent, unknown>().handler(async (event) => {
    const res = await handler(fromLambda(event, config()));
    if (isHttpEvent(event ?? {})) return { statusCode: res.statusCode, headers: { ...JSON_HEADERS, ...res.headers }, body: JSON.stringify(res.body) };
    return { statusCode: res.statusCode, body: res.body };
  });
}

export function lambdaConfigFromEnv(): Record<string, unknown> {
  const raw = process.env.STACKMEND_CONFIG;
  return raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
}
