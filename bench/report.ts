/**
 * bench-results/latest.md (the README's benchmark table is copied from it) and the pictures
 * (bench/pictures.ts), drawn from bench-results/latest.json: the newest result of every part.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BundleCost } from './cost';
import { pictures } from './pictures';
import type { ScaleOutResults, StormHttpResults, StormResults } from './storm/run';
import { fmt, millis, summarize, times, type Summary } from './stats';

export type Latest = {
  cost?: { measuredAt: string; host: string; functions: Record<string, BundleCost> };
  lab?: LabResults;
  storm?: StormResults;
  'storm-http'?: StormHttpResults;
  'scale-out'?: ScaleOutResults;
};

export type LabResults = {
  measuredAt: string;
  host: string;
  masakariConfig?: string;
  replace?: { stackmend: Summary; mistralChain: Summary };
  repairStarted?: { stackmend: Summary; mistralChain: Summary };
  evacuate?: { stackmend: Summary; masakari: Summary };
  /** Masakari / stackmend per interleaved pair */
  evacuateRatio?: Summary;
  duplicates?: { stackmend: unknown; mistralChain: unknown };
};

const kib = (b: number) => `${(b / 1024).toFixed(1)} KiB`;

function costTable(c: NonNullable<Latest['cost']>): string[] {
  return [
    `## Cost per invocation (${c.measuredAt}, ${c.host})`,
    '',
    'Cold start in a fresh `node`: `require` of the bundle, then its first `main` (local/whisk/coldstart.ts);',
    'as built vs with the package files as published (`--without-shims`), interleaved, ratio per pair.',
    '',
    '| function | minified (gzip) | as published | load | first `main` | load as built / as published |',
    '|---|---|---|---|---|---|',
    ...Object.entries(c.functions).map(
      ([fn, f]) =>
        `| ${fn} | ${kib(f.bytes)} (${kib(f.gzipBytes)}) | ${kib(f.publishedBytes)} | ${fmt(f.loadMs, millis)} | ${fmt(f.firstCallMs, millis)} | ${fmt(f.loadRatio, times)} |`,
    ),
    '',
  ];
}

function labTable(r: LabResults): string[] {
  const row = (what: string, s: { stackmend: Summary } & Record<string, Summary>, baseline: string, b: Summary) =>
    `| ${what} | ${fmt(s.stackmend)} | ${baseline}: ${fmt(b)} |`;
  return [
    `## The lab (${r.measuredAt}, ${r.host})`,
    '',
    '| scenario | stackmend | baseline |',
    '|---|---|---|',
    ...(r.repairStarted
      ? [
          row(
            'ResourceGroup member deleted → Heat update started',
            r.repairStarted,
            'Aodh→Zaqar→Mistral→Heat',
            r.repairStarted.mistralChain,
          ),
        ]
      : []),
    ...(r.replace
      ? [
          row(
            'ResourceGroup member deleted → replacement ACTIVE, UPDATE_COMPLETE',
            r.replace,
            'Aodh→Zaqar→Mistral→Heat',
            r.replace.mistralChain,
          ),
        ]
      : []),
    ...(r.evacuate
      ? [
          row(
            'host killed + reported → pet ACTIVE on the other host',
            r.evacuate,
            `Masakari (${r.masakariConfig}; Masakari / stackmend per pair ${fmt(r.evacuateRatio, times)})`,
            r.evacuate.masakari,
          ),
        ]
      : []),
    ...(r.duplicates
      ? [
          `| identical alarm deliveries → remediations started | ${JSON.stringify(r.duplicates.stackmend)} | ${JSON.stringify(r.duplicates.mistralChain)} |`,
        ]
      : []),
    '',
  ];
}

const n0 = (v: number) => (Number.isFinite(v) ? v.toFixed(0) : 'n/a');

function stormTable(s: StormResults, http: StormHttpResults | undefined): string[] {
  const ip = s.inProcess;
  const pick = (f: (r: (typeof ip)[number]) => number) => summarize(ip.map(f));
  const first = ip[0];
  const c = first.cloudCallsPerAlarm;
  const h = (cell: (r: StormHttpResults) => string) => (http ? cell(http) : 'not run (`--only storm-http`)');
  const own = fmt(
    pick((r) => r.alarmsPerOwnSecond),
    n0,
  );
  const rows: [string, string, string][] = [
    [
      'throughput per core',
      `${own} alarms/s of stackmend's own time (${fmt(
        pick((r) => r.alarmsPerCpuSecond),
        n0,
      )} per CPU s with the fake)`,
      h(
        (r) =>
          `${n0(r.alarmsPerServeCpuSecond)} alarms per CPU s of serve (${n0(r.alarmsPerSecond)}/s wall, 16 in flight)`,
      ),
    ],
    [
      'latency p50 / p99',
      `${millis(first.latencyMs.median)} / ${millis(first.latencyMs.p99 ?? NaN)}`,
      h((r) => `${millis(r.latencyMs.median)} / ${millis(r.latencyMs.p99 ?? NaN)}`),
    ],
    [
      'incidents',
      ip.map((r) => r.incidents).join(', '),
      h((r) => `${r.hostIncidents} host incidents (${r.incidents} records, ${r.resolved} resolved)`),
    ],
    [
      'duplicate actions',
      `${ip.map((r) => r.duplicateActions).join(', ')} of ${first.actions} hand-offs`,
      h((r) => `${r.duplicateEvacuations} of ${r.evacuations} Nova evacuations`),
    ],
    ['host report → first write to Nova', '(hand-offs counted, not run)', h((r) => fmt(r.decisionMs, millis))],
    [
      'cloud calls per alarm',
      `host report ${c.hostReport}, server alarm ${c.serverAlarm}, duplicate ${c.duplicate}; mean ${c.all.toFixed(2)}`,
      h((r) => `${r.cloudRequestsPerAlarm.toFixed(2)} requests per alarm, evacuations included`),
    ],
  ];
  return [
    `## Alarm storm (${s.measuredAt}, ${s.host})`,
    '',
    `${s.shape.hosts} failed hosts × ${s.shape.serversPerHost} servers: ${first.alarms} alarms ` +
      `(${first.distinct} distinct, ${first.duplicates} duplicate deliveries).`,
    '',
    '| | in-process (fake cloud, memory store) | over HTTP (1 `serve`, replay cloud, Redis) |',
    '|---|---|---|',
    ...rows.map((r) => `| ${r.join(' | ')} |`),
    '',
    '| alarms | hosts | calls per alarm | alarms/s own | p99 |',
    '|---|---|---|---|---|',
    ...s.curve.map(
      (k) =>
        `| ${k.alarms} | ${k.hosts} | ${k.cloudCallsPerAlarm.toFixed(2)} | ${n0(k.alarmsPerOwnSecond)} | ${millis(k.p99Ms)} |`,
    ),
    '',
  ];
}

function scaleOutTable(s: ScaleOutResults): string[] {
  return [
    `## Scale-out (${s.measuredAt}, ${s.host})`,
    '',
    `The storm (${s.shape.hosts} × ${s.shape.serversPerHost}) dealt round-robin over N \`serve\` processes sharing one Redis.`,
    '',
    '| serve processes | alarms/s | ratio to 1 | host incidents | duplicate evacuations |',
    '|---|---|---|---|---|',
    ...s.byProcesses.map(
      (b) =>
        `| ${b.processes} | ${fmt(b.alarmsPerSecond, n0)} | ${fmt(b.ratioToOne, times)} | ${b.hostIncidents.join(', ')} | ${b.duplicateEvacuations} |`,
    ),
    '',
  ];
}

/** Writes latest.md and the pictures into `outDir`; returns the files written. */
export function render(latest: Latest, outDir: string): string[] {
  const md = [
    '# stackmend benchmark',
    '',
    'Each figure: median (min, max, p95 where n ≥ 20, n); comparisons interleaved and given as ratios.',
    '',
    ...(latest.cost ? costTable(latest.cost) : []),
    ...(latest.storm ? stormTable(latest.storm, latest['storm-http']) : []),
    ...(latest['scale-out'] ? scaleOutTable(latest['scale-out']) : []),
    ...(latest.lab ? labTable(latest.lab) : []),
  ];
  const mdFile = path.join(outDir, 'latest.md');
  fs.writeFileSync(mdFile, `${md.join('\n')}\n`);
  return [mdFile, ...pictures(latest, outDir)];
}
