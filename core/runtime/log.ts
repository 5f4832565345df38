/** Structured JSON logs, one line per event, to a sink (stdout by default). */
import type { LogFields, Logger } from '../domain/log';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export function jsonLogger(opts: { level?: LogLevel; fields?: LogFields; sink?: (line: string) => void } = {}): Logger {
  const min = ORDER[opts.level ?? 'info'];
  const sink = opts.sink ?? ((l: string) => process.stdout.write(`${l}\n`));
  const base = opts.fields ?? {};
  const emit =
    (level: LogLevel) =>
    (msg: string, fields: LogFields = {}) => {
      if (ORDER[level] < min) return;
      sink(JSON.stringify({ ts: new Date().toISOString(), level, msg, ...base, ...fields }, errorReplacer));
    };
  return {
    debug: emit('debug'),
    info: emit('info'),
    warn: emit('warn'),
    error: emit('error'),
    child: (fields) => jsonLogger({ ...opts, fields: { ...base, ...fields } }),
  };
}

function errorReplacer(_k: string, v: unknown) {
  if (v instanceof Error) return { name: v.name, message: v.message, ...(v as unknown as Record<string, unknown>) };
  return v;
}
