/**
 * Hand-written SVG charts for the benchmark pictures (no dependencies): grouped horizontal bars,
 * lines over a numeric x axis, and timelines (spans per row on one time axis). Each function returns
 * a whole SVG document as a string.
 */
export type Series = { name: string; values: number[] };
export type Line = { name: string; points: [number, number][] };
export type Span = { from: number; to: number; label?: string };
export type Row = { name: string; spans: Span[] };

const COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b'];
const FONT = 'font-family="sans-serif" font-size="12"';
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const num = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2));

function doc(width: number, height: number, title: string, body: string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${width / 2}" y="20" text-anchor="middle" font-family="sans-serif" font-size="14" font-weight="bold">${esc(title)}</text>`,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}

function legend(names: string[], x: number, y: number): string[] {
  return names.flatMap((n, i) => [
    `<rect x="${x}" y="${y + i * 16}" width="10" height="10" fill="${COLORS[i % COLORS.length]}"/>`,
    `<text x="${x + 14}" y="${y + i * 16 + 9}" ${FONT}>${esc(n)}</text>`,
  ]);
}

/** A "nice" upper bound of an axis: 1, 2 or 5 × 10^k at or above `max`. */
function niceMax(max: number): number {
  if (!(max > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(max));
  return [1, 2, 5, 10].map((m) => m * p).find((v) => v >= max) ?? 10 * p;
}

function ticks(max: number, n = 5): number[] {
  return Array.from({ length: n + 1 }, (_, i) => (max * i) / n);
}

/** Vertical grid lines and labels of a horizontal value axis, and its unit below. */
function xAxis(a: { max: number; x: (v: number) => number; top: number; height: number; unit: string; mid: number }) {
  return [
    ...ticks(a.max).flatMap((t) => [
      `<line x1="${a.x(t)}" y1="${a.top}" x2="${a.x(t)}" y2="${a.height - 30}" stroke="#ddd"/>`,
      `<text x="${a.x(t)}" y="${a.height - 16}" text-anchor="middle" ${FONT}>${num(t)}</text>`,
    ]),
    `<text x="${a.mid}" y="${a.height - 2}" text-anchor="middle" ${FONT}>${esc(a.unit)}</text>`,
  ];
}

/** Horizontal bars: one group per category, one bar per series. */
export function bars(o: { title: string; unit: string; categories: string[]; series: Series[] }): string {
  const [left, right, top, barH] = [150, 160, 40, 14];
  const groupH = o.series.length * barH + 10;
  const width = 760;
  const height = top + o.categories.length * groupH + 40;
  const max = niceMax(Math.max(...o.series.flatMap((s) => s.values.filter(Number.isFinite))));
  const x = (v: number) => left + ((width - left - right) * v) / max;
  const body = xAxis({ max, x, top, height, unit: o.unit, mid: (left + width - right) / 2 });
  o.categories.forEach((c, ci) => {
    const y0 = top + ci * groupH;
    body.push(`<text x="${left - 6}" y="${y0 + groupH / 2}" text-anchor="end" ${FONT}>${esc(c)}</text>`);
    o.series.forEach((s, si) => {
      const v = s.values[ci];
      if (!Number.isFinite(v)) return;
      const y = y0 + si * barH;
      body.push(
        `<rect x="${left}" y="${y}" width="${x(v) - left}" height="${barH - 2}" fill="${COLORS[si % COLORS.length]}"/>`,
      );
      body.push(`<text x="${x(v) + 4}" y="${y + barH - 4}" ${FONT}>${num(v)}</text>`);
    });
  });
  return doc(width, height, o.title, [
    ...body,
    ...legend(
      o.series.map((s) => s.name),
      width - right + 20,
      top,
    ),
  ]);
}

/** Lines over a numeric x axis (points sorted by x), with a dot at every point. */
export function lines(o: { title: string; xLabel: string; yLabel: string; lines: Line[] }): string {
  const [width, height, left, right, top, bottom] = [760, 360, 70, 170, 40, 50];
  const all = o.lines.flatMap((l) => l.points);
  const maxX = niceMax(Math.max(...all.map((p) => p[0])));
  const maxY = niceMax(Math.max(...all.map((p) => p[1]).filter(Number.isFinite)));
  const x = (v: number) => left + ((width - left - right) * v) / maxX;
  const y = (v: number) => height - bottom - ((height - top - bottom) * v) / maxY;
  const body = [
    ...ticks(maxY).flatMap((t) => [
      `<line x1="${left}" y1="${y(t)}" x2="${width - right}" y2="${y(t)}" stroke="#ddd"/>`,
      `<text x="${left - 6}" y="${y(t) + 4}" text-anchor="end" ${FONT}>${num(t)}</text>`,
    ]),
    ...ticks(maxX).map(
      (t) => `<text x="${x(t)}" y="${height - bottom + 16}" text-anchor="middle" ${FONT}>${num(t)}</text>`,
    ),
    `<text x="${(left + width - right) / 2}" y="${height - 12}" text-anchor="middle" ${FONT}>${esc(o.xLabel)}</text>`,
    `<text x="16" y="${(top + height - bottom) / 2}" text-anchor="middle" transform="rotate(-90 16 ${(top + height - bottom) / 2})" ${FONT}>${esc(o.yLabel)}</text>`,
  ];
  o.lines.forEach((l, i) => {
    const c = COLORS[i % COLORS.length];
    const pts = l.points.filter((p) => Number.isFinite(p[1]));
    body.push(
      `<polyline fill="none" stroke="${c}" stroke-width="2" points="${pts.map(([a, b]) => `${x(a)},${y(b)}`).join(' ')}"/>`,
    );
    body.push(...pts.map(([a, b]) => `<circle cx="${x(a)}" cy="${y(b)}" r="3" fill="${c}"/>`));
  });
  return doc(width, height, o.title, [
    ...body,
    ...legend(
      o.lines.map((l) => l.name),
      width - right + 20,
      top,
    ),
  ]);
}

/** Rows of spans on one time axis (seconds from 0), e.g. stackmend's and a baseline's phases side by side. */
export function timelines(o: { title: string; unit: string; rows: Row[] }): string {
  const [width, left, right, top, rowH] = [760, 170, 30, 40, 26];
  const height = top + o.rows.length * rowH + 40;
  const max = niceMax(Math.max(...o.rows.flatMap((r) => r.spans.map((s) => s.to))));
  const x = (v: number) => left + ((width - left - right) * v) / max;
  const labels = [...new Set(o.rows.flatMap((r) => r.spans.map((s) => s.label ?? '')))];
  const body = xAxis({ max, x, top, height, unit: o.unit, mid: (left + width - right) / 2 });
  o.rows.forEach((r, ri) => {
    const y = top + ri * rowH;
    body.push(`<text x="${left - 6}" y="${y + rowH / 2 + 4}" text-anchor="end" ${FONT}>${esc(r.name)}</text>`);
    for (const s of r.spans) {
      const c = COLORS[labels.indexOf(s.label ?? '') % COLORS.length];
      const w = Math.max(1, x(s.to) - x(s.from));
      body.push(
        `<rect x="${x(s.from)}" y="${y + 4}" width="${w}" height="${rowH - 8}" fill="${c}"><title>${esc(`${s.label ?? ''} ${num(s.from)}–${num(s.to)}`)}</title></rect>`,
      );
    }
  });
  const named = labels.filter(Boolean);
  return doc(width, height + named.length * 16 + 8, o.title, [...body, ...legend(named, left, height + 4)]);
}
