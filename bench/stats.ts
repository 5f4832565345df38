/** Small statistics for benchmark runs. */
export type Summary = { n: number; min: number; median: number; max: number; runs: number[] };

export function summarize(runs: number[]): Summary {
  const s = [...runs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  const median = s.length === 0 ? NaN : s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  return { n: s.length, min: s[0] ?? NaN, median, max: s[s.length - 1] ?? NaN, runs };
}

export const secs = (ms: number) => (Number.isFinite(ms) ? `${(ms / 1000).toFixed(2)} s` : 'n/a');
export const fmt = (s: Summary) =>
  s.n ? `${secs(s.median)} (min ${secs(s.min)}, max ${secs(s.max)}, n=${s.n})` : 'n/a';
