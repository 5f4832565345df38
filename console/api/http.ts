/**
 * The console's HTTP shapes (structurally those of local/whisk/http.ts, so `stackmend serve` mounts
 * the handler as it is) and the JSON plumbing of its API: bodies parsed with zod, errors answered as
 * `{error, message}` with the status the named error carries.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type * as z from 'zod';
import { toSchemaIssues } from '../../core/domain/alarms/issues';
import { InvalidPayloadError, StackmendError } from '../../core/domain/errors';

export type ConsoleRequest = { method: string; url: URL; headers: IncomingHttpHeaders; body: Buffer };
export type ConsoleReply = { status: number; headers?: Record<string, string | string[]>; body?: string | Buffer };

export const json = (
  status: number,
  value: unknown,
  headers: Record<string, string | string[]> = {},
): ConsoleReply => ({
  status,
  headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
  body: JSON.stringify(value),
});

/** A state-changing call must be JSON: a cross-site form cannot send that without the browser asking first. */
export class NotJsonError extends StackmendError {
  override readonly status = 415;
  constructor() {
    super('send the body as JSON with Content-Type: application/json');
  }
}

export function parseBody<T>(req: ConsoleRequest, schema: z.ZodType<T>, what: string): T {
  if (!/^application\/json\b/.test(req.headers['content-type'] ?? '')) throw new NotJsonError();
  let raw: unknown;
  try {
    raw = req.body.length ? JSON.parse(req.body.toString('utf8')) : {};
  } catch {
    throw new InvalidPayloadError(what, [{ path: '', message: 'is not JSON' }]);
  }
  return parseWith(schema, raw, what);
}

export function parseWith<T>(schema: z.ZodType<T>, raw: unknown, what: string): T {
  const r = schema.safeParse(raw);
  if (!r.success) throw new InvalidPayloadError(what, toSchemaIssues(r.error));
  return r.data;
}

export function errorReply(e: unknown): ConsoleReply {
  if (e instanceof InvalidPayloadError) return json(400, { error: e.name, message: e.message, issues: e.issues });
  if (e instanceof StackmendError) return json(e.status, { error: e.name, message: e.message });
  return json(500, { error: 'InternalError', message: `the console failed: ${(e as Error).message ?? String(e)}` });
}
