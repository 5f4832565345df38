/**
 * Decision overhead from the lab's logs (bench/overhead-stats.ts): a Mistral execution's first
 * mark_unhealthy call, told by its URL, and Heat's receipt of it, on lines recorded from the lab
 * (test/unit/bench/logs/, the token redacted); and two holds' samples merged.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { mergeOverhead, mistralFromLogs, type OverheadResults } from '../../../bench/overhead-stats';
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
