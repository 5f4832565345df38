/**
 * The periodic trigger's feed from a stage's `reconcile` (deploy/reconcile-feed.cjs), as the deploy plugin
 * chooses it before anything is packaged: every minute on any OpenWhisk, or a six-field cron where the
 * alarms provider allows seconds. Feed names and parameters: Apache OpenWhisk's openwhisk-package-alarms.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { FEEDS, reconcileFeed } from '../../../deploy/reconcile-feed.cjs';

const where = 'deploy/stages/prod.yml';
const stagesDir = path.join(__dirname, '../../../deploy/stages');

describe('the reconcile feed of a stage', () => {
  it('fires every minute through the interval feed unless the stage says otherwise', () => {
    expect(reconcileFeed(undefined, where)).toEqual({
      feed: '/whisk.system/alarms/interval',
      parameters: { minutes: 1 },
    });
    expect(reconcileFeed({ minutes: 5 }, where)).toEqual({ feed: FEEDS.minutes, parameters: { minutes: 5 } });
  });

  it('fires on a six-field cron, seconds first, through the alarm feed', () => {
    expect(reconcileFeed({ cron: ' */10 * * * * * ' }, where)).toEqual({
      feed: '/whisk.system/alarms/alarm',
      parameters: { cron: '*/10 * * * * *' },
    });
  });

  it.each(fs.readdirSync(stagesDir).filter((f) => f.endsWith('.yml')))(
    'keeps the default of %s: every minute, on every provider',
    (file) => {
      const stage = parseYaml(fs.readFileSync(path.join(stagesDir, file), 'utf8')) as { reconcile?: unknown };

      expect(reconcileFeed(stage.reconcile, file)).toEqual({ feed: FEEDS.minutes, parameters: { minutes: 1 } });
    },
  );

  it.each([
    [{ cron: '*/10 * * * *  * *' }, /reconcile cron is not valid: cron ".*" must have 5 fields/],
    [{ cron: '60 * * * * *' }, /second "60" is outside 0-59/],
    [{ cron: '0 0 0 30 2 *' }, /never fires/],
    [{ cron: 10 }, /cron 10 is not a string/],
    [{ minutes: 0 }, /minutes 0 is not a whole number of at least 1/],
    [{ minutes: 1.5 }, /minutes 1.5 is not a whole number/],
    [{ minutes: 1, cron: '* * * * * *' }, /names both minutes and cron/],
    [{ seconds: 10 }, /has "seconds", which a deploy does not send/],
    [{}, /reconcile is empty/],
    ['every minute', /must be a mapping/],
  ])('refuses %j, naming the stage file and what to write', (reconcile, reason) => {
    const attempt = () => reconcileFeed(reconcile, where);

    expect(attempt).toThrow(reason);
    expect(attempt).toThrow(/^deploy\/stages\/prod\.yml: reconcile .*; write `reconcile: \{minutes: 1\}`/);
  });
});
