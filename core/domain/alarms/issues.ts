/**
 * zod issues → the domain's SchemaIssue, and a strict parse that throws InvalidPayloadError.
 */
import type * as z from 'zod';
import { InvalidPayloadError, type SchemaIssue } from '../errors';

/** `['reason_data', 'event', 'traits', 3]` → `reason_data.event.traits.3`, under an optional prefix. */
const joinPath = (path: readonly PropertyKey[], prefix: string): string =>
  [prefix, ...path.map(String)].filter((part) => part !== '').join('.');

export function toSchemaIssues(error: z.ZodError, prefix = ''): SchemaIssue[] {
  return error.issues.map((issue) => ({
    path: joinPath(issue.path, prefix),
    message: issue.message,
    code: issue.code,
  }));
}

/** Parses with one schema or throws InvalidPayloadError naming `what` and every issue (paths under `prefix`). */
export function parseStrict<S extends z.ZodType>(schema: S, value: unknown, what: string, prefix = ''): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new InvalidPayloadError(what, toSchemaIssues(result.error, prefix));
  return result.data;
}
