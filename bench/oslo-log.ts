/**
 * The lines of the lab's OpenStack logs (/var/log/stackmend-lab/<service>.log, oslo.log's default
 * format: `2026-12-02 05:31:05.904 18202 INFO heat.common.wsgi [None req-… admin - - - - -] message`)
 * that the decision-overhead benchmark (cli/bench-overhead.ts) times writes by:
 *   heat-api  `Processing request: PATCH <path>`: Heat received a write (heat/common/wsgi.py)
 *   mistral   `Workflow '<name>' [IDLE -> RUNNING, …] (execution_id=<id>)`: an execution started
 *             (workflow_trace), after `Starting workflow [name=…, input={'nested_stack': …`; and
 *             `Running HTTP action [url=<url>, method=<m>, …`: a std.http call is about to be sent
 *             (mistral/actions/std_actions.py).
 * Timestamps are the lab machine's local time, as oslo.log writes them.
 */
export type OsloLine = { atMs: number; level: string; logger: string; requestId?: string; message: string };

const LINE = /^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)\.(\d{3}) \d+ ([A-Z]+) (\S+) \[([^\]]*)\] (.*)$/;
/** oslo.log's colour reset at the end of each line (ESC [00m) */
const RESET = `${String.fromCharCode(27)}[00m`;

export function parseOsloLine(line: string): OsloLine | undefined {
  const m = LINE.exec(line.endsWith(RESET) ? line.slice(0, -RESET.length) : line);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, ms, level, logger, context, message] = m;
  const atMs = new Date(+y, +mo - 1, +d, +h, +mi, +s, +ms).getTime();
  const requestId = /\breq-[0-9a-f-]{36}\b/.exec(context.split(' ').slice(1).join(' '))?.[0];
  return { atMs, level, logger, ...(requestId ? { requestId } : {}), message };
}

export const parseOsloLog = (text: string): OsloLine[] =>
  text.split('\n').flatMap((l) => {
    const p = parseOsloLine(l);
    return p ? [p] : [];
  });

export type HeatRequest = { atMs: number; requestId?: string; method: string; path: string };

/** Heat's `Processing request: METHOD PATH` lines. */
export function heatRequests(lines: OsloLine[]): HeatRequest[] {
  return lines.flatMap((l) => {
    const m = /^Processing request: ([A-Z]+) (\S+)$/.exec(l.message);
    return m ? [{ atMs: l.atMs, requestId: l.requestId, method: m[1], path: m[2] }] : [];
  });
}

export type MistralExecution = {
  executionId: string;
  workflow: string;
  startedMs: number;
  /**
   * The `nested_stack` input as the start line shows it (`<name>/<id>`; Mistral cuts long inputs short,
   * so it may be a prefix of that).
   */
  nestedStack?: string;
};

/**
 * Executions that went IDLE → RUNNING, with the nested_stack input of their `Starting workflow` line
 * (both logged in the API call's request context, one after the other).
 */
export function mistralExecutions(lines: OsloLine[]): MistralExecution[] {
  const input = new Map<string, string>();
  const out: MistralExecution[] = [];
  for (const l of lines) {
    if (!l.requestId) continue;
    const starting = /^Starting workflow \[name=[^,]+, input=\{'nested_stack': '([^'\]]+)/.exec(l.message);
    if (starting) input.set(l.requestId, starting[1]);
    const start = /^Workflow '([^']+)' \[IDLE -> RUNNING\b.*\(execution_id=([0-9a-f-]{36})\)$/.exec(l.message);
    if (!start) continue;
    const nestedStack = input.get(l.requestId);
    out.push({ executionId: start[2], workflow: start[1], startedMs: l.atMs, ...(nestedStack ? { nestedStack } : {}) });
  }
  return out;
}

export type MistralHttpCall = { atMs: number; method: string; url: string };

/**
 * Every std.http call Mistral is about to send. Told apart by URL, not by request context: the
 * executor's lines carry whatever context its green thread last had (recorded on the lab: one
 * execution's calls logged under another's request id).
 */
export function mistralHttpCalls(lines: OsloLine[]): MistralHttpCall[] {
  return lines.flatMap((l) => {
    const m = /^Running HTTP action \[url=(\S+), method=([A-Z]+),/.exec(l.message);
    return m ? [{ atMs: l.atMs, method: m[2], url: m[1] }] : [];
  });
}
