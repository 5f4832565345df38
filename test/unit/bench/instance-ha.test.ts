/**
 * The instance-HA benchmark's pure parts: the Masakari wait switch on the lab's rendered masakari.conf
 * (bench/masakari-wait.ts) and the summary of interleaved runs merged over several holds of the lab
 * lock (bench/ha-stats.ts). Counts and arithmetic only, never times measured here.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { mergeHa, summarizeHa, type HaRun } from '../../../bench/ha-stats';
import { MasakariConfigError, waitPeriodOf, withWaitPeriod } from '../../../bench/masakari-wait';

const TEMPLATE = fs.readFileSync(path.join(__dirname, '..', '..', 'lab', 'etc', 'masakari', 'masakari.conf'), 'utf8');
const RENDERED = TEMPLATE.replace('@MASAKARI_WAIT@', '5');

describe("Masakari's wait_period_after_service_update in the lab's masakari.conf", () => {
  it('reads the value the lab renders', () => {
    expect(waitPeriodOf(RENDERED)).toBe(5);
  });

  it('sets the default 180 s on that one line and nothing else', () => {
    const set = withWaitPeriod(RENDERED, 180);

    expect(waitPeriodOf(set)).toBe(180);
    expect(set.split('\n').filter((l, i) => l !== RENDERED.split('\n')[i])).toEqual([
      'wait_period_after_service_update = 180',
    ]);
  });

  it('adds the line to [DEFAULT] when the file has none (Masakari then waits its default)', () => {
    const without = '[DEFAULT]\nauth_strategy = keystone\n';

    expect(waitPeriodOf(without)).toBeUndefined();
    expect(waitPeriodOf(withWaitPeriod(without, 180))).toBe(180);
  });

  it('refuses a wait that is not whole seconds', () => {
    expect(() => withWaitPeriod(RENDERED, 1.5)).toThrow(MasakariConfigError);
  });
});

const run = (variant: HaRun['variant'], round: string, ms: number, extra: Partial<HaRun> = {}): HaRun => ({
  variant,
  round,
  ms,
  firstMovedMs: ms / 2,
  servers: 10,
  at: '2026-12-02T05:40:00.000Z',
  ...extra,
});

describe('instance-HA runs', () => {
  it('add up over invocations (each hold of the lab lock brings some)', () => {
    const first = { measuredAt: 'a', host: 'h', runs: [run('stackmend-reported', 'a#0', 10_000)] };
    const second = { measuredAt: 'b', host: 'h', runs: [run('masakari-default', 'b#0', 200_000)] };

    expect(mergeHa(first, second)).toEqual({
      measuredAt: 'b',
      host: 'h',
      runs: [...first.runs, ...second.runs],
      failures: [],
    });
    expect(mergeHa(undefined, second)).toEqual({ ...second, failures: [] });
  });

  it('give each variant a median and a ratio to stackmend over the rounds that ran both', () => {
    const runs = [
      run('stackmend-reported', 'a#0', 10_000),
      run('masakari-tuned', 'a#0', 30_000, { masakariWaitSec: 5 }),
      run('stackmend-reported', 'a#1', 20_000),
      run('masakari-tuned', 'a#1', 50_000, { masakariWaitSec: 5 }),
      run('masakari-default', 'b#0', 200_000, { masakariWaitSec: 180 }), // a round without stackmend
    ];

    const [sm, tuned, dflt] = summarizeHa(runs);

    expect(sm).toMatchObject({ variant: 'stackmend-reported', total: { n: 2, median: 15_000 } });
    expect(sm.ratioToStackmend).toBeUndefined();
    expect(tuned).toMatchObject({
      masakariWaitSec: [5],
      total: { median: 40_000 },
      ratioToStackmend: { n: 2, min: 2.5, max: 3 },
    });
    expect(dflt).toMatchObject({ variant: 'masakari-default', masakariWaitSec: [180], total: { n: 1 } });
    expect(dflt.ratioToStackmend).toBeUndefined();
  });
});
