/**
 * Prometheus metrics of `stackmend serve` at `/metrics` (text exposition format 0.0.4), named after
 * Prometheus' conventions (base units, `_total` counters, `stackmend_` prefix):
 * - `stackmend_incidents{status,rule}`: incidents in the state store by status and the rule that decided;
 * - `stackmend_incident_outcomes_total{outcome,rule}`: timeline outcomes (DISPATCHED, RESOLVED, HELD_FOR_APPROVAL, …);
 * - `stackmend_incident_recovery_seconds`: histogram, first alarm → resolved or recovered (MTTR);
 * - `stackmend_cloud_requests_total{service,status}`: OpenStack calls of this process, by HTTP status, or
 *   `timeout`, `unreachable`, `tls` — counted from the calls core/openstack/http.ts logs;
 * - `stackmend_breaker_open_incidents`, `stackmend_breaker_limit`, `stackmend_breaker_tripped` (1: no slot left);
 * - `stackmend_alarms_kept`: alarms classify-alarm keeps until OpenStack answers (functions/classify-alarm/park.ts).
 * The incident metrics are read from the state store at each scrape, so every serve process sharing
 * the store reports the same values.
 */
import { epochMsOf } from '../core/domain/clock';
import type { Logger, LogFields } from '../core/domain/log';
import type { IncidentRecord } from '../core/domain/plan';
import type { StateStore } from '../core/state/store';
import { BREAKER, Incidents } from '../functions/_shared/incidents';
import { parkedCount } from '../functions/classify-alarm/park';

export const RECOVERY_BUCKETS_SEC = [1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600] as const;
const FAILURES: Record<string, string> = {
  'openstack call timed out': 'timeout',
  'openstack call failed the TLS handshake': 'tls',
  'openstack call failed to connect': 'unreachable',
};

/** Counts OpenStack calls as core/openstack/http.ts logs them, and passes every line on to `inner`. */
export class CloudCallCounter {
  readonly counts = new Map<string, number>();

  private count(msg: string, f: LogFields = {}) {
    const status = msg === 'openstack call' ? f.status : FAILURES[msg];
    if (status === undefined || typeof f.service !== 'string') return;
    if (msg === 'openstack call failed to connect' && f.retry) return; // counted once, when it gives up
    const key = JSON.stringify([f.service, String(status)]);
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  observe(inner: Logger): Logger {
    const wrap = (level: 'debug' | 'warn') => (msg: string, f?: LogFields) => (
      this.count(msg, f),
      inner[level](msg, f)
    );
    return {
      debug: wrap('debug'),
      info: (m, f) => inner.info(m, f),
      warn: wrap('warn'),
      error: (m, f) => inner.error(m, f),
      child: (fields) => this.observe(inner.child(fields)),
    };
  }
}

const label = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
const labels = (l: Record<string, string>) =>
  `{${Object.entries(l)
    .map(([k, v]) => `${k}="${label(v)}"`)
    .join(',')}}`;

function family(name: string, type: 'gauge' | 'counter' | 'histogram', help: string, lines: string[]) {
  return [`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, ...lines];
}

function tally(keys: string[][]): Map<string, number> {
  const m = new Map<string, number>();
  for (const k of keys) m.set(JSON.stringify(k), (m.get(JSON.stringify(k)) ?? 0) + 1);
  return m;
}

const ruleOf = (r: IncidentRecord) => r.decision?.rule ?? 'none';

/** Seconds from an incident's first record to its resolution; undefined while it is not resolved. */
export function recoverySeconds(r: IncidentRecord): number | undefined {
  if (r.status !== 'resolved' && r.status !== 'recovered') return undefined;
  const end = [...r.timeline].reverse().find((e) => e.outcome === 'RESOLVED')?.at ?? r.updatedAt;
  const [a, b] = [epochMsOf(r.createdAt), epochMsOf(end)];
  return a === undefined || b === undefined ? undefined : Math.max(0, (b - a) / 1000);
}

export function histogram(name: string, values: number[]): string[] {
  const le = RECOVERY_BUCKETS_SEC.map((b) => `${name}_bucket{le="${b}"} ${values.filter((v) => v <= b).length}`);
  return [
    ...le,
    `${name}_bucket{le="+Inf"} ${values.length}`,
    `${name}_sum ${values.reduce((a, b) => a + b, 0)}`,
    `${name}_count ${values.length}`,
  ];
}

/** The exposition text: incidents from `store`, cloud calls from `calls`, the breaker against `limit`. */
export async function renderMetrics(store: StateStore, calls: CloudCallCounter, limit: number): Promise<string> {
  const all = await new Incidents(store, Date.now).list();
  const byStatus = tally(all.map((r) => [r.status, ruleOf(r)]));
  const outcomes = tally(all.flatMap((r) => r.timeline.map((e) => [e.outcome, ruleOf(r)])));
  const slots = (await store.members(BREAKER)).length;
  const rows = (m: Map<string, number>, name: string, keys: [string, string]) =>
    [...m].map(([k, n]) => {
      const [a, b] = JSON.parse(k) as [string, string];
      return `${name}${labels({ [keys[0]]: a, [keys[1]]: b })} ${n}`;
    });
  return [
    ...family(
      'stackmend_incidents',
      'gauge',
      'Incidents in the state store, by status and deciding rule.',
      rows(byStatus, 'stackmend_incidents', ['status', 'rule']),
    ),
    ...family(
      'stackmend_incident_outcomes_total',
      'counter',
      'Outcomes recorded in incident timelines, by outcome and the incident’s deciding rule.',
      rows(outcomes, 'stackmend_incident_outcomes_total', ['outcome', 'rule']),
    ),
    ...family(
      'stackmend_incident_recovery_seconds',
      'histogram',
      'Time from the first alarm of an incident to its resolution (MTTR).',
      histogram(
        'stackmend_incident_recovery_seconds',
        all.flatMap((r) => recoverySeconds(r) ?? []),
      ),
    ),
    ...family(
      'stackmend_cloud_requests_total',
      'counter',
      'OpenStack API calls made by this process, by service and HTTP status (or timeout, unreachable, tls).',
      rows(calls.counts, 'stackmend_cloud_requests_total', ['service', 'status']),
    ),
    ...family('stackmend_breaker_open_incidents', 'gauge', 'Circuit-breaker slots taken by open incidents.', [
      `stackmend_breaker_open_incidents ${slots}`,
    ]),
    ...family(
      'stackmend_breaker_limit',
      'gauge',
      'Open incidents the circuit breaker lets through (maxOpenIncidents).',
      [`stackmend_breaker_limit ${limit}`],
    ),
    ...family('stackmend_breaker_tripped', 'gauge', '1 when the circuit breaker holds new incidents for a human.', [
      `stackmend_breaker_tripped ${slots >= limit ? 1 : 0}`,
    ]),
    ...family('stackmend_alarms_kept', 'gauge', 'Alarms kept until OpenStack answers the reads they need.', [
      `stackmend_alarms_kept ${await parkedCount(store)}`,
    ]),
    '',
  ].join('\n');
}

/** Serves the metrics of `rt` at `/metrics` (the local runtime's mount; serve binds 127.0.0.1). */
export function mountMetrics(
  rt: {
    whisk: {
      mount(prefix: string, h: () => Promise<{ status: number; headers: Record<string, string>; body: string }>): void;
    };
    store: StateStore;
  },
  calls: CloudCallCounter,
  limit: number,
): void {
  rt.whisk.mount('/metrics', async () => ({
    status: 200,
    headers: { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' },
    body: await renderMetrics(rt.store, calls, limit),
  }));
}
