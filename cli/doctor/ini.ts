/** oslo.config files as the OpenStack services read them: `[section]`, `key = value`, `#`/`;` comments. */
export type Ini = Record<string, Record<string, string>>;

export function parseIni(text: string): Ini {
  const out: Ini = { DEFAULT: {} };
  let section = 'DEFAULT';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const head = /^\[([^\]]+)\]$/.exec(line);
    if (head) {
      section = head[1]!;
      out[section] ??= {};
      continue;
    }
    const eq = line.indexOf('=');
    if (eq > 0) out[section]![line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  return out;
}
