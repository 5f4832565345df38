/**
 * Decision overhead (cli/bench-overhead.ts runs it on the lab): each delivered alarm matched with
 * Heat's and Mistral's log lines (bench/oslo-log.ts) and with stackmend's incident timeline. Pure: the
 * logs are text, the incidents records.
 */
import type { IncidentRecord } from '../core/domain/plan';
import type { StackRef } from '../core/openstack/heat';
import { heatRequests, mistralExecutions, parseOsloLog } from './oslo-log';
import { summarize, type Summary } from './stats';

export const RESOURCE = '0';

export type Sent = {
  system: 'stackmend' | 'mistral';
  stack: StackRef;
  nested: StackRef;
  sentMs: number;
  incident?: string;
};

export type OverheadResults = {
  measuredAt: string;
  host: string;
  stacksPerSystem: number;
  /** stacks whose alarms stopped early (an API that did not answer, a replacement that failed) */
  failures?: string[];
  stackmend: {
    /** alarm POSTed to classify-alarm → Heat received the mark_unhealthy PATCH (request id from the timeline) */
    alarmToHeatWrite: Summary;
    /** the incident created (stackmend's decision started) → Heat received the PATCH */
    incidentToHeatWrite: Summary;
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

const resourcePath = (nested: StackRef) => `/stacks/${nested.name}/${nested.id}/resources/${RESOURCE}`;

/** Matches each delivered alarm with Heat's and Mistral's log lines; pure (the logs are text). */
export function summarizeOverhead(
  sent: Sent[],
  incidents: IncidentRecord[],
  heatLog: string,
  mistralLog: string,
  stacksPerSystem: number,
): Omit<OverheadResults, 'measuredAt' | 'host'> {
  const heat = heatRequests(parseOsloLog(heatLog)).filter((r) => r.method === 'PATCH');
  const byRequestId = new Map(heat.flatMap((r) => (r.requestId ? [[r.requestId, r] as const] : [])));
  const execs = mistralExecutions(parseOsloLog(mistralLog));
  const sm = { alarm: [] as number[], incident: [] as number[], unmatched: 0 };
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
      continue;
    }
    const suffix = resourcePath(s.nested);
    const e = execs.find(
      (x) => x.startedMs >= s.sentMs && x.http.some((h) => h.method === 'PATCH' && h.url.endsWith(suffix)),
    );
    const call = e?.http.find((h) => h.method === 'PATCH' && h.url.endsWith(suffix));
    const write = call && heat.find((w) => w.atMs >= call.atMs - 1 && w.path.endsWith(suffix));
    if (!e || !call || !write) {
      mc.unmatched++;
      continue;
    }
    mc.alarm.push(write.atMs - s.sentMs);
    mc.exec.push(call.atMs - e.startedMs);
    mc.execWrite.push(write.atMs - e.startedMs);
  }
  return {
    stacksPerSystem,
    stackmend: {
      alarmToHeatWrite: summarize(sm.alarm),
      incidentToHeatWrite: summarize(sm.incident),
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
