/**
 * Decision overhead from the lab's logs (bench/overhead-stats.ts): a Mistral execution's first
 * mark_unhealthy call, told by its URL, and Heat's receipt of it, on lines recorded from the lab
 * (test/unit/bench/logs/, the token redacted); and two holds' samples merged.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  callsFromLog,
  callTimes,
  mergeOverhead,
  mistralFromLogs,
  type OverheadResults,
} from '../../../bench/overhead-stats';
import { jsonLogger } from '../../../core/runtime/log';
import { summarize } from '../../../bench/stats';

const log = (name: string) => fs.readFileSync(path.join(__dirname, 'logs', name), 'utf8');

describe("Mistral's intervals from its and Heat's logs", () => {
  it("times the execution's start → its mark_unhealthy call → Heat processing that PATCH", () => {
    const m = mistralFromLogs(
      log('mistral-heal.log'),
      log('heat-heal.log'),
      'stackmend_bench_heal_member',
      0,
      Infinity,
    );

    expect(m.unmatched).toBe(0);
    expect(m.executionToHeatCall).toMatchObject({ n: 1, median: 614 });
    expect(m.executionToHeatWrite).toMatchObject({ n: 1, median: 6460 });
  });

  it('leaves out executions of other workflows and outside the window', () => {
    const m = mistralFromLogs(log('mistral-heal.log'), log('heat-heal.log'), 'another_workflow', 0, Infinity);

    expect(m.executionToHeatCall.n).toBe(0);
  });
});

describe('overhead samples of two holds', () => {
  const result = (sm: number[], mc: number[]): OverheadResults => ({
    measuredAt: 'x',
    host: 'h',
    stacksPerSystem: 3,
    stackmend: { alarmToHeatWrite: summarize(sm), incidentToHeatWrite: summarize(sm), unmatched: 1 },
    mistral: {
      alarmToHeatWrite: summarize(mc),
      executionToHeatCall: summarize(mc),
      executionToHeatWrite: summarize(mc),
      unmatched: 2,
    },
  });

  it('are summarized as one sample', () => {
    const merged = mergeOverhead(result([1, 2], [10]), result([3], [20, 30]));

    expect(merged.stackmend.alarmToHeatWrite).toMatchObject({ n: 3, median: 2 });
    expect(merged.mistral.executionToHeatCall).toMatchObject({ n: 3, median: 20 });
    expect(merged.stackmend.unmatched + merged.mistral.unmatched).toBe(6);
  });
});

describe("stackmend's own calls, from its runtime's debug log", () => {
  const lines: string[] = [];
  const log = jsonLogger({ level: 'debug', sink: (l) => lines.push(l) });
  log.info('step done', { step: 'classify-alarm' });
  log.debug('openstack call', {
    service: 'heat',
    method: 'PATCH',
    url: 'http://127.0.0.1:8004/v1/p1/stacks/grp-abc/0f1e2d3c-aaaa-bbbb-cccc-000000000001/resources/0',
    status: 200,
    requestId: 'req-1',
    ms: 250,
  });
  log.debug('openstack call', {
    service: 'nova',
    method: 'GET',
    url: 'http://127.0.0.1:8774/v2.1/servers/0f1e2d3c-aaaa-bbbb-cccc-000000000002',
    status: 404,
    ms: 40,
  });

  it('are the `openstack call` lines, each sent its `ms` before it was logged', () => {
    const calls = callsFromLog(lines.join('\n'));

    expect(calls).toHaveLength(2);
    expect(calls[0].sentMs).toBe(Date.parse(JSON.parse(lines[1]).ts) - 250);
  });

  it('are grouped by route, the ids left out', () => {
    expect(callTimes(callsFromLog(lines.join('\n'))).map((c) => c.route)).toEqual([
      'PATCH heat /stacks/{}/resources/{}',
      'GET nova /servers/{}',
    ]);
  });
});
