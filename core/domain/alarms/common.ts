/**
 * Small pure helpers shared by the per-source mappings: severity words, stable hashing, labels.
 */
import type { IncidentKind, Severity } from '../incident';

/** The words monitors use for severity (Aodh, Alertmanager `severity` label, Masakari/Nova by kind). */
export const SEVERITY_BY_WORD = {
  critical: 'critical',
  fatal: 'critical',
  page: 'critical',
  high: 'critical',
  error: 'moderate',
  major: 'moderate',
  warning: 'moderate',
  moderate: 'moderate',
  medium: 'moderate',
  minor: 'low',
  low: 'low',
  info: 'info',
  informational: 'info',
  none: 'info',
} as const satisfies Record<string, Severity>;

/** Unknown or missing words give `fallback` (a monitor that routes an alarm to us thinks it matters). */
export function severityOf(word: string | undefined, fallback: Severity = 'moderate'): Severity {
  const key = word?.trim().toLowerCase() ?? '';
  return Object.hasOwn(SEVERITY_BY_WORD, key) ? SEVERITY_BY_WORD[key as keyof typeof SEVERITY_BY_WORD] : fallback;
}

/** For monitors that say what happened but not how bad it is (Nova, Masakari). */
export const SEVERITY_BY_KIND = {
  'server-deleted': 'moderate',
  'server-error': 'critical',
  'server-stopped': 'moderate',
  'host-down': 'critical',
  'process-down': 'moderate',
  'server-unhealthy': 'moderate',
} as const satisfies Record<IncidentKind, Severity>;

/** JSON with object keys sorted, so equal data always hashes the same. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** A short stable content hash (FNV-1a, 2×32 bit, hex) for keys of alarms that carry no id or time. */
export function stableHash(value: unknown): string {
  const text = canonicalJson(value);
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193) >>> 0;
    b = Math.imul(b ^ c, 0x5bd1e995) >>> 0;
  }
  return a.toString(16).padStart(8, '0') + b.toString(16).padStart(8, '0');
}

/** Keeps scalar values as strings (`null` → ''), drops nested objects: labels are a flat string map. */
export function flatLabels(entries: Iterable<readonly [string, unknown]>): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [name, value] of entries) {
    if (value === null || value === undefined) labels[name] = '';
    else if (typeof value !== 'object') labels[name] = String(value);
  }
  return labels;
}
