/** How commands print: data on stdout in the chosen format, messages on stderr (quiet, verbose, colour on a TTY). */
import { UsageError } from './args';

export const FORMATS = ['json', 'table', 'value'] as const;
export type Format = (typeof FORMATS)[number];

/** `-f`/`--format`, `--json` meaning json; `fallback` when neither is given. */
export function formatOf(v: { format?: string; json?: boolean }, fallback: Format): Format {
  const f = v.format ?? (v.json ? 'json' : fallback);
  if (!(FORMATS as readonly string[]).includes(f)) throw new UsageError(`-f is one of ${FORMATS.join(', ')}`);
  return f as Format;
}

const cell = (v: unknown) =>
  v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);

/** Rows as JSON, an aligned table, or their values (space-separated, one row per line, as `openstack -f value`). */
export function renderRows(rows: Record<string, unknown>[], columns: string[], f: Format): string {
  if (f === 'json') return `${JSON.stringify(rows, null, 2)}\n`;
  const cells = rows.map((r) => columns.map((c) => cell(r[c])));
  if (f === 'value') return cells.map((r) => `${r.join(' ')}\n`).join('');
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i]!.length)));
  const line = (r: string[]) => `${r.map((x, i) => x.padEnd(widths[i]!)).join('  ')}`.trimEnd() + '\n';
  return line(columns) + line(widths.map((w) => '-'.repeat(w))) + cells.map(line).join('');
}

/** One object: JSON, a field/value table, or its values one per line. */
export function renderObject(o: Record<string, unknown>, f: Format): string {
  if (f === 'json') return `${JSON.stringify(o, null, 2)}\n`;
  const rows = Object.entries(o).map(([field, value]) => ({ field, value }));
  return f === 'value' ? rows.map((r) => `${cell(r.value)}\n`).join('') : renderRows(rows, ['field', 'value'], 'table');
}

export type Say = { info(s: string): void; debug(s: string): void; level: 'quiet' | 'normal' | 'verbose' };

/** Messages for a human on stderr: none with --quiet, debug ones only with --verbose. */
export function sayer(cmd: string, v: { quiet?: boolean; verbose?: boolean }, err = process.stderr): Say {
  const level = v.quiet ? 'quiet' : v.verbose ? 'verbose' : 'normal';
  const write = (s: string) => err.write(`stackmend ${cmd}: ${s}\n`);
  return {
    level,
    info: (s) => level !== 'quiet' && write(s),
    debug: (s) => level === 'verbose' && write(s),
  };
}

const CODES = { red: 31, green: 32, yellow: 33, dim: 2 } as const;
/** `text` in colour when `stream` is a terminal and NO_COLOR is unset; plain otherwise. */
export function paint(
  text: string,
  colour: keyof typeof CODES,
  stream: { isTTY?: boolean } = process.stdout,
  env = process.env,
): string {
  return stream.isTTY && !env.NO_COLOR ? `\u001b[${CODES[colour]}m${text}\u001b[0m` : text;
}
