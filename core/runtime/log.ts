/**
 * Structured JSON logs, one line per event, to a sink (stdout by default). Secrets never reach the
 * sink: string values under keys that name one (password, secret, token, auth, api_key, credential…)
 * are replaced, and in every other string the userinfo of URLs, `token=` query values and JSON fields
 * of those names are masked.
 */
import type { LogFields, Logger } from '../domain/log';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
export const REDACTED = '[redacted]';

const SECRET_KEY = /pass(word|wd)?|secret|token|auth|api[-_]?key|credential|cookie|signature/i;
const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^/\s:@]*:[^/\s@]*@/gi;
const QUERY_SECRET = /([?&](?:token|secret|signature|password|api_key)=)[^&\s#"']*/gi;
const JSON_SECRET = /("[^"]*(?:password|secret|token|credential)[^"]*"\s*:\s*)"(?:[^"\\]|\\.)*"/gi;

/** A string with the secrets it may carry masked (URL userinfo, `token=` query values, secret JSON fields). */
export function scrub(text: string): string {
  return text
    .replace(USERINFO, `$1${REDACTED}@`)
    .replace(QUERY_SECRET, `$1${REDACTED}`)
    .replace(JSON_SECRET, `$1"${REDACTED}"`);
}

export function jsonLogger(opts: { level?: LogLevel; fields?: LogFields; sink?: (line: string) => void } = {}): Logger {
  const min = ORDER[opts.level ?? 'info'];
  const sink = opts.sink ?? ((l: string) => process.stdout.write(`${l}\n`));
  const base = opts.fields ?? {};
  const emit =
    (level: LogLevel) =>
    (msg: string, fields: LogFields = {}) => {
      if (ORDER[level] < min) return;
      sink(JSON.stringify({ ts: new Date().toISOString(), level, msg, ...base, ...fields }, redacting));
    };
  return {
    debug: emit('debug'),
    info: emit('info'),
    warn: emit('warn'),
    error: emit('error'),
    child: (fields) => jsonLogger({ ...opts, fields: { ...base, ...fields } }),
  };
}

function redacting(key: string, v: unknown) {
  if (v instanceof Error) return { name: v.name, message: v.message, ...(v as unknown as Record<string, unknown>) };
  if (typeof v !== 'string') return v;
  return SECRET_KEY.test(key) ? REDACTED : scrub(v);
}
