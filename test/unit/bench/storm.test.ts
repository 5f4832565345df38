/**
 * The alarm storm of `npm run bench -- --only storm` (bench/storm/): the stream it sends and what
 * classify-alarm makes of it in-process, on a small storm. Counts only, never times.
 */
import { stormAlarms } from '../../../bench/storm/alarms';
import { stormInProcess } from '../../../bench/storm/in-process';
import { bars, lines, timelines } from '../../../bench/svg';
import { parseAlarms } from '../../../core/domain/intake';

const SHAPE = { hosts: 3, serversPerHost: 10, duplicateRate: 0.1, seed: 14 };

describe('the storm stream', () => {
  const stream = stormAlarms(SHAPE);

  it('reports every host once and alarms about every server once, plus the duplicate deliveries', () => {
    const distinct = stream.filter((d) => !d.duplicate);

    expect(distinct.filter((d) => d.about === 'host')).toHaveLength(3);
    expect(new Set(distinct.filter((d) => d.about === 'server').map((d) => d.serverId)).size).toBe(30);
    expect(stream.filter((d) => d.duplicate)).toHaveLength(Math.round(33 * 0.1));
  });

  it("sends each host's report before any alarm about its servers", () => {
    const firstReport = new Map<string, number>();
    stream.forEach((d, i) => d.about === 'host' && !firstReport.has(d.host) && firstReport.set(d.host, i));

    stream.forEach((d, i) => d.about === 'server' && expect(i).toBeGreaterThan(firstReport.get(d.host)!));
  });

  it('is made of deliveries stackmend parses: one incident each, a duplicate under the same key', () => {
    const keys = stream.map((d) => parseAlarms(d.body, { receivedAt: new Date() }).incidents.map((i) => i.key));

    expect(keys.every((k) => k.length === 1)).toBe(true);
    expect(new Set(keys.flat()).size).toBe(33);
  });
});

describe('the storm into classify-alarm in-process', () => {
  it('opens one incident per failed host, acts once for each and groups every server alarm under it', async () => {
    const run = await stormInProcess(SHAPE);

    expect(run.incidents).toBe(3);
    expect(run.actions).toBe(3);
    expect(run.duplicateActions).toBe(0);
    expect(run.outcomes).toEqual({ DISPATCHED: 3, GROUPED: 30, DUPLICATE: run.duplicates });
  });

  it('makes as many cloud calls per alarm whatever the size of the storm', async () => {
    const small = await stormInProcess({ ...SHAPE, hosts: 1 });
    const larger = await stormInProcess({ ...SHAPE, hosts: 6 });

    expect(larger.cloudCallsPerAlarm).toMatchObject({
      hostReport: small.cloudCallsPerAlarm.hostReport,
      serverAlarm: small.cloudCallsPerAlarm.serverAlarm,
      duplicate: 0,
    });
  });

  it('reads a server alarm in two calls: the policy needs no image and no aggregates (core/policy/reads.ts)', async () => {
    const run = await stormInProcess({ ...SHAPE, hosts: 1 });

    expect(run.cloudCallsPerAlarm.serverAlarm).toBe(2);
  });
});

describe('the benchmark pictures', () => {
  it.each([
    ['bars', bars({ title: 'a & b', unit: 'ms', categories: ['x', 'y'], series: [{ name: 's', values: [1, 2] }] })],
    [
      'lines',
      lines({
        title: 't',
        xLabel: 'n',
        yLabel: 'v',
        lines: [
          {
            name: 'l',
            points: [
              [1, 2],
              [3, 4],
            ],
          },
        ],
      }),
    ],
    ['timelines', timelines({ title: 't', unit: 's', rows: [{ name: 'r', spans: [{ from: 0, to: 2, label: 'p' }] }] })],
  ])('%s is one SVG document with its text escaped', (_, svg) => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trim().endsWith('</svg>')).toBe(true);
    expect(svg).not.toMatch(/&(?!amp;|lt;|gt;)/);
  });
});
