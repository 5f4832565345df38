/**
 * Decision overhead (cli/bench-overhead.ts runs it on the lab): each delivered alarm matched with
 * Heat's and Mistral's log lines (bench/oslo-log.ts) and with stackmend's incident timeline. Pure: the
 * logs are text, the incidents records.
 */
import type { IncidentRecord } from '../core/domain/plan';
import type { StackRef } from '../core/openstack/heat';
import {
  heatRequests,
  mistralExecutions,
  mistralHttpCalls,
  parseOsloLog,
  type HeatRequest,
  type MistralExecution,
  type MistralHttpCall,
} from './oslo-log';
import { summarize, type Summary } from './stats';

export const RESOURCE = '0';

export type Sent = {
  system: 'stackmend' | 'mistral';
  stack: StackRef;
  nested: StackRef;
  sentMs: number;
  incident?: string;
};

/** One OpenStack call of stackmend's, from the runtime's `openstack call` debug line (core/openstack/http.ts). */
export type StackmendCall = {
  service: string;
  method: string;
  url: string;
  requestId?: string;
  /** when the request was sent: the line's time less its `ms` */
  sentMs: number;
  ms: number;
};

/** The runtime's JSON log lines → its OpenStack calls; other lines are skipped. */
export function callsFromLog(text: string): StackmendCall[] {
  return text.split('\n').flatMap((line) => {
    if (!line.includes('"openstack call"')) return [];
    const l = JSON.parse(line) as {
      ts: string;
      msg: string;
      service: string;
      method: string;
      url: string;
      requestId?: string;
      ms: number;
    };
    if (l.msg !== 'openstack call') return [];
    const at = Date.parse(l.ts);
    return [{ service: l.service, method: l.method, url: l.url, requestId: l.requestId, sentMs: at - l.ms, ms: l.ms }];
  });
}

const COLLECTIONS = new Set([
  'stacks',
  'resources',
  'servers',
  'detail',
  'os-services',
  'os-hypervisors',
  'os-aggregates',
  'os-migrations',
  'images',
  'auth',
  'tokens',
  'queues',
  'messages',
  'subscriptions',
  'alarms',
  'action',
  'events',
]);

/** A call's route: its method, service and path with the ids left out (`GET heat /stacks/{}/resources/{}`). */
export function routeOf(c: Pick<StackmendCall, 'service' | 'method' | 'url'>): string {
  const parts = new URL(c.url, 'http://x').pathname.split('/').filter(Boolean);
  const start = parts.findIndex((p) => COLLECTIONS.has(p));
  const shape = (start < 0 ? [] : parts.slice(start))
    .map((p) => (COLLECTIONS.has(p) ? p : '{}'))
    .filter((p, i, a) => !(p === '{}' && a[i - 1] === '{}'));
  return `${c.method} ${c.service} /${shape.join('/')}`;
}

/** Each route's call time, most frequent first. */
export function callTimes(calls: StackmendCall[]): { route: string; ms: Summary }[] {
  const by = new Map<string, number[]>();
  for (const c of calls) {
    const route = routeOf(c);
    const times = by.get(route);
    if (times) times.push(c.ms);
    else by.set(route, [c.ms]);
  }
  return [...by]
    .map(([route, ms]) => ({ route, ms: summarize(ms, { keepRuns: false }) }))
    .sort((a, b) => b.ms.n - a.ms.n);
}

export type OverheadResults = {
  measuredAt: string;
  host: string;
  stacksPerSystem: number;
  /** stacks whose alarms stopped early (an API that did not answer, a replacement that failed) */
  failures?: string[];
  /** what was delivered when: to match the logs again (mistralFromLogs) */
  deliveries?: { system: Sent['system']; nested: string; sentMs: number; incident?: string }[];
  /** how Mistral's figures were had when not by this run's own matching */
  note?: string;
  stackmend: {
    /** alarm POSTed to classify-alarm → Heat received the mark_unhealthy PATCH (request id from the timeline) */
    alarmToHeatWrite: Summary;
    /** the incident created (stackmend's decision started) → Heat received the PATCH */
    incidentToHeatWrite: Summary;
    /** alarm POSTed → stackmend sent the PATCH (its `openstack call` line, matched by request id) */
    alarmToSend?: Summary;
    /** the incident created → stackmend sent the PATCH: its own share, Heat's queue left out */
    incidentToSend?: Summary;
    /** every OpenStack call the runtime made during the hold, by route */
    callTimes?: { route: string; ms: Summary }[];
    unmatched: number;
  };
  mistral: {
    /** alarm posted into the Zaqar queue → Heat received the PATCH */
    alarmToHeatWrite: Summary;
    /** execution started (IDLE → RUNNING in Mistral's log) → Mistral sent the first Heat call */
    executionToHeatCall: Summary;
    /** execution started → Heat received that call */
    executionToHeatWrite: Summary;
    unmatched: number;
  };
};

/**
 * An execution's first mark_unhealthy call (the next PATCH of `…/stacks/<its nested stack>…/resources/0`
 * Mistral sent after it started) and Heat's receipt of it.
 */
export function firstWrite(e: MistralExecution, calls: MistralHttpCall[], heat: HeatRequest[]) {
  const nested = e.nestedStack;
  const call =
    nested &&
    calls.find(
      (c) => c.atMs >= e.startedMs && c.url.includes(`/stacks/${nested}`) && c.url.endsWith(`/resources/${RESOURCE}`),
    );
  const path = call && new URL(call.url).pathname;
  const write = path && heat.find((w) => w.atMs >= call.atMs - 1 && w.path === path);
  return call && write ? { call, write } : undefined;
}

/**
 * Mistral's own intervals from its and Heat's logs alone, for the executions of `workflow` started in
 * [fromMs, toMs): how the figures of a run whose deliveries were not kept are had again.
 */
export function mistralFromLogs(mistralLog: string, heatLog: string, workflow: string, fromMs: number, toMs: number) {
  const lines = parseOsloLog(mistralLog);
  const heat = heatRequests(parseOsloLog(heatLog)).filter((r) => r.method === 'PATCH');
  const calls = mistralHttpCalls(lines).filter((c) => c.method === 'PATCH');
  const execs = mistralExecutions(lines).filter(
    (e) => e.workflow === workflow && e.startedMs >= fromMs && e.startedMs < toMs,
  );
  const found = execs.flatMap((e) => {
    const f = firstWrite(e, calls, heat);
    return f ? [{ e, ...f }] : [];
  });
  return {
    executionToHeatCall: summarize(found.map((f) => f.call.atMs - f.e.startedMs)),
    executionToHeatWrite: summarize(found.map((f) => f.write.atMs - f.e.startedMs)),
    unmatched: execs.length - found.length,
  };
}

/** Matches each delivered alarm with Heat's and Mistral's log lines; pure (the logs are text). */
export function summarizeOverhead(
  sent: Sent[],
  incidents: IncidentRecord[],
  heatLog: string,
  mistralLog: string,
  stacksPerSystem: number,
  ours: StackmendCall[] = [],
): Omit<OverheadResults, 'measuredAt' | 'host'> {
  const sentById = new Map(ours.flatMap((c) => (c.requestId ? [[c.requestId, c] as const] : [])));
  const heat = heatRequests(parseOsloLog(heatLog)).filter((r) => r.method === 'PATCH');
  const byRequestId = new Map(heat.flatMap((r) => (r.requestId ? [[r.requestId, r] as const] : [])));
  const execs = mistralExecutions(parseOsloLog(mistralLog));
  const calls = mistralHttpCalls(parseOsloLog(mistralLog)).filter((c) => c.method === 'PATCH');
  const sm = {
    alarm: [] as number[],
    incident: [] as number[],
    alarmSend: [] as number[],
    incidentSend: [] as number[],
    unmatched: 0,
  };
  const mc = { alarm: [] as number[], exec: [] as number[], execWrite: [] as number[], unmatched: 0 };
  for (const s of sent) {
    if (s.system === 'stackmend') {
      const r = incidents.find((x) => x.key === s.incident);
      const mark = r?.timeline.find((e) => e.step === 'mark-unhealthy' && e.requestIds?.length);
      const write = mark?.requestIds?.map((id) => byRequestId.get(id)).find((w) => w);
      if (!r || !write) {
        sm.unmatched++;
        continue;
      }
      sm.alarm.push(write.atMs - s.sentMs);
      sm.incident.push(write.atMs - Date.parse(r.createdAt));
      const sentCall = write.requestId ? sentById.get(write.requestId) : undefined;
      if (sentCall) {
        sm.alarmSend.push(sentCall.sentMs - s.sentMs);
        sm.incidentSend.push(sentCall.sentMs - Date.parse(r.createdAt));
      }
      continue;
    }
    const full = `${s.nested.name}/${s.nested.id}`;
    const e = execs.find((x) => x.startedMs >= s.sentMs && !!x.nestedStack && full.startsWith(x.nestedStack));
    const found = e && firstWrite(e, calls, heat);
    if (!e || !found) {
      mc.unmatched++;
      continue;
    }
    const { call, write } = found;
    mc.alarm.push(write.atMs - s.sentMs);
    mc.exec.push(call.atMs - e.startedMs);
    mc.execWrite.push(write.atMs - e.startedMs);
  }
  return {
    stacksPerSystem,
    stackmend: {
      alarmToHeatWrite: summarize(sm.alarm),
      incidentToHeatWrite: summarize(sm.incident),
      ...(ours.length
        ? {
            alarmToSend: summarize(sm.alarmSend),
            incidentToSend: summarize(sm.incidentSend),
            callTimes: callTimes(ours),
          }
        : {}),
      unmatched: sm.unmatched,
    },
    mistral: {
      alarmToHeatWrite: summarize(mc.alarm),
      executionToHeatCall: summarize(mc.exec),
      executionToHeatWrite: summarize(mc.execWrite),
      unmatched: mc.unmatched,
    },
  };
}

const joined = (a: Summary | undefined, b: Summary) => summarize([...(a?.runs ?? []), ...b.runs]);

/** Two holds' samples as one (the raw values are kept in each Summary's `runs`). */
export function mergeOverhead(prev: OverheadResults | undefined, next: OverheadResults): OverheadResults {
  if (!prev) return next;
  const s = prev.stackmend;
  const m = prev.mistral;
  return {
    ...next,
    failures: [...(prev.failures ?? []), ...(next.failures ?? [])],
    stackmend: {
      alarmToHeatWrite: joined(s.alarmToHeatWrite, next.stackmend.alarmToHeatWrite),
      incidentToHeatWrite: joined(s.incidentToHeatWrite, next.stackmend.incidentToHeatWrite),
      ...(next.stackmend.alarmToSend
        ? {
            alarmToSend: joined(s.alarmToSend, next.stackmend.alarmToSend),
            incidentToSend: joined(s.incidentToSend, next.stackmend.incidentToSend!),
            callTimes: next.stackmend.callTimes, // the newest hold's: a route's raw times are not kept
          }
        : {}),
      unmatched: s.unmatched + next.stackmend.unmatched,
    },
    mistral: {
      alarmToHeatWrite: joined(m.alarmToHeatWrite, next.mistral.alarmToHeatWrite),
      executionToHeatCall: joined(m.executionToHeatCall, next.mistral.executionToHeatCall),
      executionToHeatWrite: joined(m.executionToHeatWrite, next.mistral.executionToHeatWrite),
      unmatched: m.unmatched + next.mistral.unmatched,
    },
  };
}
