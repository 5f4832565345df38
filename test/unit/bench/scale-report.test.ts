/**
 * The scale run's table (bench/report.ts): Masakari's run on the same pets beside stackmend's, and
 * a Masakari run that did not finish within the hold told as such.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { render } from '../../../bench/report';
import type { ScaleResults } from '../../../bench/scale-stats';

const scale = (masakari: ScaleResults['masakari']): ScaleResults => ({
  measuredAt: '2026-12-02T11:00:00.000Z',
  host: '2 cpu',
  asked: { pets: 200, cattle: 100, others: 700 },
  onHost: { pets: 200, cattle: 100 },
  bootMs: 300_000,
  limitedBy: 'nothing: every server asked for booted',
  recovery: { petsActiveMs: 90_000, cattleReplacedMs: 120_000, incidentMs: 800, timeline: [], status: 'resolved' },
  masakari,
  cloudCalls: { 'nova GET': 3 },
  cloudCallsTotal: 3,
  stateStore: { peakBytes: 4096, peakFiles: 3 },
  cleanupMs: 60_000,
  serversBefore: 0,
  serversAtDeath: 1000,
  serversAfter: 0,
});
const table = (s: ScaleResults) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stackmend-report-'));
  render({ scale: s }, dir);
  return fs.readFileSync(path.join(dir, 'latest.md'), 'utf8');
};

describe("the scale run's table", () => {
  it("gives Masakari's time on the same pets and the cloud's size", () => {
    const md = table(
      scale({ host: 'compute2', pets: 200, moved: 200, petsActiveMs: 400_000, notificationStatus: 'finished' }),
    );
    expect(md).toMatch(/Masakari: compute2 \(holding the 200 pets\).*\| 400\.0\d? s \(notification finished\)/);
    expect(md).toContain('1000 servers in the cloud when compute1 was killed');
    expect(md).toContain('700 other servers on compute2');
  });

  it('says how many Masakari moved when it did not finish within the hold', () => {
    const md = table(
      scale({ host: 'compute2', pets: 200, moved: 57, petsActiveMs: NaN, notificationStatus: 'running' }),
    );
    expect(md).toContain('not within the hold: 57 of 200 moved');
  });
});
