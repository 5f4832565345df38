/**
 * The pictures: an incident's phases as one bar, each phase as long as it took (console/views.ts
 * segmentsOf), and MTTR over time as points on a line. Inline SVG, drawn from the API's numbers.
 */
import type { MttrPoint, Phase, Segment } from '../views';
import { html } from './html';

export const PHASE_COLOURS: Record<Phase, string> = {
  detect: '#f2a541',
  decide: '#8e7cc3',
  act: '#3d85c6',
  verify: '#6aa84f',
};

/** A duration as the page writes it: tenths of a second under 10 s, whole seconds above. */
export const secs = (ms: number) => (ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`);

/** The bar's width is the incident's whole duration scaled to `width` px, its phases to scale within. */
export function TimelineBar({ segments, width = 240 }: { segments: Segment[]; width?: number }) {
  const total = segments.reduce((n, s) => n + s.ms, 0);
  let x = 0;
  return html`<svg width=${width} height="14" role="img" aria-label="phases" data-testid="timeline-bar">
    ${segments.map((s) => {
      const w = total > 0 ? (s.ms / total) * width : width / segments.length;
      const rect = html`<rect x=${x} y="1" width=${Math.max(w, 1)} height="12" fill=${PHASE_COLOURS[s.phase]}>
        <title>${s.phase}: ${secs(s.ms)}</title>
      </rect>`;
      x += w;
      return rect;
    })}
  </svg>`;
}

/** The incident's whole duration, next to its bar. */
export const Total = ({ segments }: { segments: Segment[] }) =>
  html`<span class="muted"> ${secs(segments.reduce((n, s) => n + s.ms, 0))}</span>`;

export function PhaseLegend({ segments }: { segments: Segment[] }) {
  return html`<span class="muted">
    ${segments.map(
      (s) =>
        html`<span style=${{ color: PHASE_COLOURS[s.phase], marginRight: '0.6rem' }}>${s.phase} ${secs(s.ms)}</span>`,
    )}
  </span>`;
}

/** MTTR (seconds) of each repaired incident against when it was repaired. */
export function MttrChart({
  points,
  width = 560,
  height = 140,
}: {
  points: MttrPoint[];
  width?: number;
  height?: number;
}) {
  if (points.length === 0)
    return html`<p class="muted" data-testid="mttr-chart">no repaired incident yet: no MTTR to draw</p>`;
  const pad = { l: 44, r: 10, t: 10, b: 22 };
  const ts = points.map((p) => Date.parse(p.resolvedAt));
  const [t0, t1] = [Math.min(...ts), Math.max(...ts)];
  const top = Math.max(...points.map((p) => p.seconds), 1);
  const x = (t: number) =>
    pad.l + (t1 === t0 ? (width - pad.l - pad.r) / 2 : ((t - t0) / (t1 - t0)) * (width - pad.l - pad.r));
  const y = (s: number) => height - pad.b - (s / top) * (height - pad.t - pad.b);
  const line = points.map((p, i) => `${x(ts[i]).toFixed(1)},${y(p.seconds).toFixed(1)}`).join(' ');
  return html`<svg width=${width} height=${height} role="img" aria-label="MTTR over time" data-testid="mttr-chart">
    <line x1=${pad.l} y1=${height - pad.b} x2=${width - pad.r} y2=${height - pad.b} stroke="#aab2ba" />
    <line x1=${pad.l} y1=${pad.t} x2=${pad.l} y2=${height - pad.b} stroke="#aab2ba" />
    <text x="2" y=${pad.t + 8}>${Math.round(top)} s</text>
    <text x="2" y=${height - pad.b}>0 s</text>
    <text x=${pad.l} y=${height - 6}>${new Date(t0).toISOString().slice(0, 16).replace('T', ' ')}</text>
    <text x=${width - pad.r} y=${height - 6} text-anchor="end">
      ${new Date(t1).toISOString().slice(0, 16).replace('T', ' ')}
    </text>
    <polyline points=${line} fill="none" stroke="#3d85c6" stroke-width="1.5" />
    ${points.map(
      (p, i) =>
        html`<circle cx=${x(ts[i])} cy=${y(p.seconds)} r="3" fill="#3d85c6"
          ><title>${p.key}: ${Math.round(p.seconds)} s</title></circle
        >`,
    )}
  </svg>`;
}
