/**
 * Small statistics for benchmark runs: a median with min/max (and p95 once n ≥ 20), and ratios of
 * interleaved runs (A, B, A, B …: run i of A is paired with run i of B, so drift of the shared machine
 * falls on both).
 */
export type Summary = {
  n: number;
  min: number;
  median: number;
  max: number;
  p95?: number;
  p99?: number;
  runs: number[];
};

/** The value at quantile q (0–1) of sorted values, nearest rank. */
export function quantile(sorted: number[], q: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/** `keepRuns: false` leaves the raw values out (a storm's 10,000 latencies). */
export function summarize(runs: number[], o: { keepRuns?: boolean } = {}): Summary {
  const s = [...runs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  const median = s.length === 0 ? NaN : s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  return {
    n: s.length,
    min: s[0] ?? NaN,
    median,
    max: s[s.length - 1] ?? NaN,
    ...(s.length >= 20 ? { p95: quantile(s, 0.95) } : {}),
    ...(s.length >= 100 ? { p99: quantile(s, 0.99) } : {}),
    runs: o.keepRuns === false ? [] : runs,
  };
}

/** Per-pair ratios a[i] / b[i] of interleaved runs, summarized. */
export function ratios(a: number[], b: number[]): Summary {
  const n = Math.min(a.length, b.length);
  return summarize(Array.from({ length: n }, (_, i) => a[i] / b[i]));
}

export const secs = (ms: number) => (Number.isFinite(ms) ? `${(ms / 1000).toFixed(2)} s` : 'n/a');
export const millis = (ms: number) => (Number.isFinite(ms) ? `${ms < 10 ? ms.toFixed(2) : ms.toFixed(1)} ms` : 'n/a');

/** "median (min …, max …, p95 …, p99 …, n=…)" in the given unit (seconds by default); p99 once n ≥ 100. */
export const fmt = (s: Summary | undefined, unit: (v: number) => string = secs) =>
  s?.n
    ? `${unit(s.median)} (min ${unit(s.min)}, max ${unit(s.max)}${s.p95 === undefined ? '' : `, p95 ${unit(s.p95)}`}${s.p99 === undefined ? '' : `, p99 ${unit(s.p99)}`}, n=${s.n})`
    : 'n/a';

export const times = (v: number) => (Number.isFinite(v) ? `${v.toFixed(2)}×` : 'n/a');
