/**
 * The shapes of the identifiers an alarm names, checked before anything is asked of the cloud:
 * a server id is a UUID (Nova's `id`, test/fixtures/openstack/nova-server-show.json), a host name is
 * a host name (Masakari's definition; Nova's `host`, test/fixtures/openstack/nova-services-list.json).
 * Every source mapping's incidents pass through `checkIdentifiers` (core/domain/intake.ts).
 */
import * as z from 'zod';
import { InvalidPayloadError, type SchemaIssue } from '../errors';
import type { Subject } from '../incident';
import type { IntakeResult } from './result';

export const serverIdSchema = z.uuid({ version: undefined, message: 'Expected a server id (a UUID)' });
/** masakari/api/validation/parameter_types.py `hostname`: what Masakari's own API accepts. */
export const hostNameSchema = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[a-zA-Z0-9-._]*$/, 'Expected a host name (letters, digits, - . _)');

function subjectIssues(s: Subject, at: string): SchemaIssue[] {
  const issue = (field: string, r: z.ZodSafeParseResult<string>): SchemaIssue[] =>
    r.success
      ? []
      : [{ path: `${at}.${field}`, message: r.error.issues[0]?.message ?? 'invalid', code: 'invalid_format' }];
  if (s.type === 'host') return issue('host', hostNameSchema.safeParse(s.host));
  return [
    ...issue('serverId', serverIdSchema.safeParse(s.serverId)),
    ...(s.host === undefined ? [] : issue('host', hostNameSchema.safeParse(s.host))),
  ];
}

/** The result as is, or an InvalidPayloadError (400) naming each identifier of the wrong shape. */
export function checkIdentifiers(result: IntakeResult, what: string): IntakeResult {
  const issues = result.incidents.flatMap((i, n) => subjectIssues(i.subject, `incidents[${n}].subject`));
  if (issues.length) throw new InvalidPayloadError(`${what}: the server or host it names`, issues);
  return result;
}
