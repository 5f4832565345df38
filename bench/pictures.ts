/** The benchmark pictures (bench/svg.ts), drawn from bench-results/latest.json into bench-results/. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Latest } from './report';
import { summarizeHa } from './ha-stats';
import { bars, lines, timelines } from './svg';
import type { Summary } from './stats';

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

const HA_NAMES = {
  'stackmend-reported': 'stackmend (reported)',
  'masakari-tuned': 'Masakari (wait 5 s)',
  'masakari-default': 'Masakari (wait 180 s)',
  'stackmend-detected': 'stackmend (detects alone)',
} as const;

function instanceHa(h: NonNullable<Latest['ha']>): Picture[] {
  const rows = summarizeHa(h.runs).map((r) => ({
    name: HA_NAMES[r.variant],
    spans: [
      { from: 0, to: r.firstMoved.median / 1000, label: 'until the first server moved' },
      { from: r.firstMoved.median / 1000, to: r.total.median / 1000, label: 'the rest' },
    ],
  }));
  return [
    {
      file: 'ha-timeline.svg',
      svg: timelines({ title: 'Host death → all 10 HA servers ACTIVE elsewhere (median)', unit: 's', rows }),
    },
  ];
}

function overhead(o: NonNullable<Latest['overhead']>): Picture[] {
  const tail = (x: Summary) => x.p99 ?? x.p95 ?? x.max;
  const values = (alarm: Summary, decision: Summary) => [alarm.median, tail(alarm), decision.median, tail(decision)];
  return [
    {
      file: 'decision-overhead.svg',
      svg: bars({
        title: 'Heat processes the first write: after the alarm, after the decision (tail: p99)',
        unit: 'ms',
        categories: ['alarm → write', 'alarm → write, tail', 'decision → write', 'decision → write, tail'],
        series: [
          {
            name: 'stackmend',
            values: values(o.stackmend.alarmToHeatWrite, o.stackmend.incidentToHeatWrite),
          },
          {
            name: 'Zaqar → Mistral',
            values: values(o.mistral.alarmToHeatWrite, o.mistral.executionToHeatWrite),
          },
        ],
      }),
    },
  ];
}

function scale(s: NonNullable<Latest['scale']>): Picture[] {
  const r = s.recovery;
  if (!r) return [];
  return [
    {
      file: 'scale-timeline.svg',
      svg: timelines({
        title: `One host with ${s.onHost.pets} pets + ${s.onHost.cattle} cattle dies`,
        unit: 's',
        rows: [
          { name: 'incident recorded', spans: [{ from: 0, to: r.incidentMs / 1000 }] },
          { name: 'pets ACTIVE elsewhere', spans: [{ from: r.incidentMs / 1000, to: r.petsActiveMs / 1000 }] },
          { name: 'cattle replaced', spans: [{ from: r.incidentMs / 1000, to: r.cattleReplacedMs / 1000 }] },
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
    ...(latest.ha ? instanceHa(latest.ha) : []),
    ...(latest.overhead ? overhead(latest.overhead) : []),
    ...(latest.scale ? scale(latest.scale) : []),
  ];
  return all.map((p) => {
    const file = path.join(outDir, p.file);
    fs.writeFileSync(file, p.svg);
    return file;
  });
}
