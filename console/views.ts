/**
 * What the console shows of incidents, computed from the records (pure): the filters' facets, each
 * incident's phases (detect → decide → act → verify) and each step's duration from its own timestamps,
 * and MTTR over time.
 */
import type { IncidentRecord, TimelineEntry } from '../core/domain/plan';
import { isTerminal } from '../core/domain/plan';

export const PHASES = ['detect', 'decide', 'act', 'verify'] as const;
export type Phase = (typeof PHASES)[number];
/** Notify's entries tell the operator; they are in the timeline but do not move the incident on. */
export type EntryPhase = Phase | 'tell';

/** The list's status filter: `open` is every status not terminal (acting, held, notify-only). */
export const STATUS_FILTERS = ['open', 'held', 'failed', 'resolved', 'recovered', 'ignored'] as const;
export type StatusFilter = (typeof STATUS_FILTERS)[number];

export type Segment = { phase: Phase; from: string; to: string; ms: number };

export type IncidentSummary = {
  key: string;
  status: IncidentRecord['status'];
  kind: string;
  summary: string;
  host?: string;
  stacks: string[];
  rule?: string;
  verdict?: string;
  observedAt: string;
  updatedAt: string;
  /** A held evacuation an operator may approve or deny. */
  approvable: boolean;
  segments: Segment[];
};

/** Which phase a timeline entry belongs to. */
export function phaseOf(e: TimelineEntry): EntryPhase {
  switch (e.step) {
    case 'classify-alarm':
      return 'decide';
    case 'notify':
      return 'tell';
    case 'mark-unhealthy':
    case 'stack-update':
    case 'evacuate':
    case 'restart':
      if (e.outcome === 'HELD_FOR_APPROVAL' || e.outcome === 'HOST_ALIVE') return 'decide';
      // a part done (evacuate's host check and force-down, a resource already marked) is still acting
      if (['DISPATCHED', 'APPROVED', 'DRY_RUN', 'DONE'].includes(e.outcome)) return 'act';
      return 'verify'; // RESCHEDULED (waiting for ACTIVE, for Heat), RESOLVED, FAILED: looking at what it did
    default: {
      const unreachable: never = e.step;
      return unreachable;
    }
  }
}

export const hostOf = (r: IncidentRecord): string | undefined =>
  r.incident.subject.type === 'host'
    ? r.incident.subject.host
    : (r.incident.subject.host ?? (r.plan?.action === 'evacuate' ? r.plan.host : undefined));

export function stacksOf(r: IncidentRecord): string[] {
  const p = r.plan;
  const targets = p?.action === 'replace' ? p.targets : p?.action === 'evacuate' ? p.replace : [];
  return [...new Set(targets.flatMap((t) => [t.root.name, t.root.id]))];
}

/**
 * The incident's phases, to scale: detect from the monitor's observation to the first decision,
 * then each phase from its first entry to the next phase's first entry, the last one to the
 * incident's end (its last entry when it is over, `now` while it is open). A phase never goes back:
 * an entry of an earlier phase after a later one (a recheck) stays in the later one.
 */
export function segmentsOf(r: IncidentRecord, now: number): Segment[] {
  const starts: { phase: Phase; at: number }[] = [];
  const observed = Date.parse(r.incident.observedAt);
  const entries = r.timeline.filter((e) => phaseOf(e) !== 'tell');
  const first = entries[0] ? Date.parse(entries[0].at) : Date.parse(r.createdAt);
  if (Number.isFinite(observed)) starts.push({ phase: 'detect', at: Math.min(observed, first) });
  let reached = 0;
  for (const e of entries) {
    const p = PHASES.indexOf(phaseOf(e) as Phase);
    if (starts.length === 0 || p > reached) {
      starts.push({ phase: PHASES[Math.max(p, reached)], at: Date.parse(e.at) });
      reached = Math.max(p, reached);
    }
  }
  const last = r.timeline.at(-1);
  const end = isTerminal(r.status) && last ? Date.parse(last.at) : now;
  return starts.map((s, i) => {
    const to = Math.max(i + 1 < starts.length ? starts[i + 1].at : end, s.at);
    return { phase: s.phase, from: new Date(s.at).toISOString(), to: new Date(to).toISOString(), ms: to - s.at };
  });
}

/**
 * How long each timeline entry's step took: from the entry before it (the monitor's observation for the
 * first) to its own time, when the step recorded its outcome; entries in the order stored. An open
 * incident also says how long it has waited since its last entry. Time going backwards counts as 0.
 */
export type StepTimes = { ms: number[]; openForMs?: number };

export function stepTimes(r: IncidentRecord, now: number): StepTimes {
  const observed = Date.parse(r.incident.observedAt);
  let before = Number.isFinite(observed) ? observed : Date.parse(r.createdAt);
  const ms = r.timeline.map((e) => {
    const at = Date.parse(e.at);
    const took = Math.max(0, at - before);
    before = Math.max(before, at);
    return took;
  });
  return isTerminal(r.status) ? { ms } : { ms, openForMs: Math.max(0, now - before) };
}

export function summaryOf(r: IncidentRecord, now: number): IncidentSummary {
  return {
    key: r.key,
    status: r.status,
    kind: r.incident.kind,
    summary: r.incident.summary,
    host: hostOf(r),
    stacks: stacksOf(r),
    rule: r.decision?.rule,
    verdict: r.decision?.verdict,
    observedAt: r.incident.observedAt,
    updatedAt: r.updatedAt,
    approvable: r.status === 'held' && r.plan?.action === 'evacuate',
    segments: segmentsOf(r, now),
  };
}

export type IncidentFilter = { status?: StatusFilter; kind?: string; host?: string; stack?: string };

export function matches(r: IncidentRecord, f: IncidentFilter): boolean {
  if (f.status === 'open' ? isTerminal(r.status) : f.status && r.status !== f.status) return false;
  if (f.kind && r.incident.kind !== f.kind) return false;
  if (f.host && hostOf(r) !== f.host) return false;
  return !f.stack || stacksOf(r).includes(f.stack);
}

/** A repaired incident's time to repair: from the monitor's observation to its RESOLVED entry. */
export type MttrPoint = { key: string; resolvedAt: string; seconds: number };

export function mttrSeries(records: IncidentRecord[]): MttrPoint[] {
  return records
    .flatMap((r) => {
      const resolved = r.timeline.find((e) => e.outcome === 'RESOLVED');
      const observed = Date.parse(r.incident.observedAt);
      if (r.status !== 'resolved' || !resolved || !Number.isFinite(observed)) return [];
      return [{ key: r.key, resolvedAt: resolved.at, seconds: (Date.parse(resolved.at) - observed) / 1000 }];
    })
    .sort((a, b) => a.resolvedAt.localeCompare(b.resolvedAt));
}
