/** The benchmark pictures (bench/svg.ts), drawn from bench-results/latest.json into bench-results/. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Latest } from './report';
import { bars, lines } from './svg';

type Picture = { file: string; svg: string };

function cost(c: NonNullable<Latest['cost']>): Picture[] {
  const fns = Object.keys(c.functions);
  const f = (pick: (b: (typeof c.functions)[string]) => number) => fns.map((fn) => pick(c.functions[fn]));
  return [
    {
      file: 'cost-size.svg',
      svg: bars({
        title: 'Bundle size per function (minified)',
        unit: 'KiB',
        categories: fns,
        series: [
          { name: 'as built', values: f((b) => b.bytes / 1024) },
          { name: 'as published', values: f((b) => b.publishedBytes / 1024) },
        ],
      }),
    },
    {
      file: 'cost-cold-start.svg',
      svg: bars({
        title: 'Cold start per function: require + first main (median)',
        unit: 'ms',
        categories: fns,
        series: [
          { name: 'load, as built', values: f((b) => b.loadMs.median) },
          { name: 'load, as published', values: f((b) => b.publishedLoadMs.median) },
          { name: 'first main', values: f((b) => b.firstCallMs.median) },
        ],
      }),
    },
  ];
}

function storm(s: NonNullable<Latest['storm']>): Picture[] {
  const pts = (f: (c: (typeof s.curve)[number]) => number) => s.curve.map((c) => [c.alarms, f(c)] as [number, number]);
  return [
    {
      file: 'storm-calls.svg',
      svg: lines({
        title: 'Alarm storm: OpenStack calls per alarm (classify-alarm, in-process)',
        xLabel: 'alarms in the storm',
        yLabel: 'calls per alarm',
        lines: [{ name: 'calls per alarm', points: pts((c) => c.cloudCallsPerAlarm) }],
      }),
    },
    {
      file: 'storm-throughput.svg',
      svg: lines({
        title: "Alarm storm: throughput (stackmend's own time) and p99 latency",
        xLabel: 'alarms in the storm',
        yLabel: 'alarms/s ÷ 10, ms',
        lines: [
          { name: 'alarms/s ÷ 10', points: pts((c) => c.alarmsPerOwnSecond / 10) },
          { name: 'p99 ms', points: pts((c) => c.p99Ms) },
        ],
      }),
    },
  ];
}

function scaleOut(s: NonNullable<Latest['scale-out']>): Picture[] {
  return [
    {
      file: 'scale-out.svg',
      svg: lines({
        title: 'Scale-out: serve processes on one Redis (2 cores)',
        xLabel: 'serve processes',
        yLabel: 'alarms/s',
        lines: [
          { name: 'alarms/s (median)', points: s.byProcesses.map((b) => [b.processes, b.alarmsPerSecond.median]) },
        ],
      }),
    },
  ];
}

/** Writes every picture the results allow; returns the files written. */
export function pictures(latest: Latest, outDir: string): string[] {
  const all = [
    ...(latest.cost ? cost(latest.cost) : []),
    ...(latest.storm ? storm(latest.storm) : []),
    ...(latest['scale-out'] ? scaleOut(latest['scale-out']) : []),
  ];
  return all.map((p) => {
    const file = path.join(outDir, p.file);
    fs.writeFileSync(file, p.svg);
    return file;
  });
}
