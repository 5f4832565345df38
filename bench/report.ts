/**
 * bench-results/latest.md (the README's benchmark table is copied from it) and the pictures
 * (bench/pictures.ts), drawn from bench-results/latest.json: the newest result of every part.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BundleCost } from './cost';
import { summarizeHa, type HaResults, type HaVariant } from './ha-stats';
import type { OverheadResults } from './overhead-stats';
import { pictures } from './pictures';
import type { ScaleResults } from './scale-stats';
import type { ScaleOutResults, StormHttpResults, StormResults } from './storm/run';
import { fmt, millis, ratios, secs, summarize, times, type Summary } from './stats';

export type Latest = {
  cost?: { measuredAt: string; host: string; functions: Record<string, BundleCost> };
  lab?: LabResults;
  storm?: StormResults;
  'storm-http'?: StormHttpResults;
  'scale-out'?: ScaleOutResults;
  ha?: HaResults;
  overhead?: OverheadResults;
  scale?: ScaleResults;
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

const HA_ROWS = {
  'stackmend-reported': 'stackmend, forced down in Nova by the fencing agent, then reported',
  'masakari-tuned': "Masakari, the same failure and report, the lab's tuned wait",
  'masakari-default': 'Masakari, the same failure and report, its default wait',
  'stackmend-detected': 'stackmend on its own: no report, detect-hosts + Ironic power-off',
} as const satisfies Record<HaVariant, string>;

function haTable(h: HaResults): string[] {
  const rows = summarizeHa(h.runs);
  const wait = (w: number[]) => (w.length ? ` (\`wait_period_after_service_update\` ${w.join(', ')} s)` : '');
  return [
    `## Instance HA: host death → all HA servers ACTIVE elsewhere (${h.measuredAt}, ${h.host})`,
    '',
    `nova-compute of compute1 SIGKILLed with ${[...new Set(rows.flatMap((r) => r.servers))].join(', ')} HA servers on it;`,
    'each round runs the variants one after the other (cli/bench-ha.ts); ratio = variant / stackmend',
    '(reported) per round. "First moved": death → the first server on another host.',
    '',
    '| variant | all ACTIVE elsewhere | first moved | ratio to stackmend (reported) |',
    '|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${HA_ROWS[r.variant]}${wait(r.masakariWaitSec)} | ${fmt(r.total)} | ${fmt(r.firstMoved)} | ${r.ratioToStackmend ? fmt(r.ratioToStackmend, times) : '—'} |`,
    ),
    '',
  ];
}

function overheadTable(o: OverheadResults): string[] {
  const f = (x: Parameters<typeof fmt>[0]) => fmt(x, millis);
  return [
    `## Decision overhead: alarm → first OpenStack write (${o.measuredAt}, ${o.host})`,
    '',
    'A ResourceGroup member deleted in Nova, then the recorded Aodh alarm about it delivered; the first write',
    "of both systems is Heat's mark_unhealthy PATCH, timed by heat-api's log (`Processing request`); Mistral's",
    `start and its call by Mistral's log (cli/bench-overhead.ts). ${o.stacksPerSystem} stacks per system at the same time,`,
    'one alarm at a time per stack.',
    '',
    '| interval | stackmend | Zaqar → Mistral → Heat |',
    '|---|---|---|',
    `| alarm delivered (POST to classify-alarm / into the Zaqar queue) → Heat receives the write | ${f(o.stackmend.alarmToHeatWrite)} | ${f(o.mistral.alarmToHeatWrite)} |`,
    `| decision started (incident recorded / execution RUNNING) → Heat receives the write | ${f(o.stackmend.incidentToHeatWrite)} | ${f(o.mistral.executionToHeatWrite)} |`,
    ...(o.stackmend.incidentToSend
      ? [
          `| alarm delivered → the system sends the write | ${f(o.stackmend.alarmToSend)} | — |`,
          `| decision started → the system sends the write | ${f(o.stackmend.incidentToSend)} | ${f(o.mistral.executionToHeatCall)} |`,
        ]
      : [`| execution RUNNING → Mistral sends the first Heat call | — | ${f(o.mistral.executionToHeatCall)} |`]),
    `| alarm → write, Mistral / stackmend per pair (the i-th delivery of each system; both run at once) | ${fmt(ratios(o.mistral.alarmToHeatWrite.runs, o.stackmend.alarmToHeatWrite.runs), times)} | — |`,
    `| alarms not matched to a write | ${o.stackmend.unmatched} | ${o.mistral.unmatched} |`,
    '',
    ...(o.stackmend.callTimes?.length
      ? [
          "stackmend's OpenStack calls during the latest hold, each from sent to answered (its runtime's debug log):",
          '',
          '| call | time | ',
          '|---|---|',
          ...o.stackmend.callTimes.slice(0, 12).map((c) => `| \`${c.route}\` | ${f(c.ms)} |`),
          '',
        ]
      : []),
    ...(o.failures?.length
      ? [`Stacks stopped early: ${o.failures.length} (${o.failures.map((f) => f.split(':')[0]).join(', ')}).`, '']
      : []),
    ...(o.note ? [`${o.note}.`, ''] : []),
  ];
}

function scaleTable(s: ScaleResults): string[] {
  const r = s.recovery;
  const kib1 = (b: number) => `${(b / 1024).toFixed(0)} KiB`;
  return [
    `## Scale: one host with ${s.onHost.pets} pets + ${s.onHost.cattle} cattle dies (${s.measuredAt}, ${s.host})`,
    '',
    `Asked ${s.asked.pets} pets + ${s.asked.cattle} cattle on compute1${s.asked.others ? ` and ${s.asked.others} other servers on compute2` : ''} (cli/bench-scale.ts); booted in ${secs(s.bootMs)}; limited by ${s.limitedBy}.${s.serversAtDeath ? ` ${s.serversAtDeath} servers in the cloud when compute1 was killed.` : ''}`,
    r
      ? 'compute1 killed, forced down by the fencing agent, reported to classify-alarm.'
      : 'Nothing was killed: the boot did not finish within the hold (Heat cannot update a stack still creating).',
    '',
    '| what | figure |',
    '|---|---|',
    `| host death → incident recorded | ${r ? secs(r.incidentMs) : 'n/a'} |`,
    `| host death → every pet ACTIVE on another host | ${r ? secs(r.petsActiveMs) : 'n/a'} |`,
    `| host death → every cattle member replaced (UPDATE_COMPLETE, all ACTIVE off compute1) | ${r ? secs(r.cattleReplacedMs) : 'n/a'} |`,
    ...(s.masakari
      ? [
          'error' in s.masakari
            ? `| Masakari, the same failure of the host the pets moved to | not measured: ${s.masakari.error} |`
            : `| Masakari: ${s.masakari.host} (holding the ${s.masakari.pets} pets) killed, forced down, reported → every pet ACTIVE on another host | ${Number.isNaN(s.masakari.petsActiveMs) || s.masakari.petsActiveMs === null ? `not within the hold: ${s.masakari.moved} of ${s.masakari.pets} moved` : secs(s.masakari.petsActiveMs)} (notification ${s.masakari.notificationStatus}) |`,
        ]
      : []),
    `| OpenStack calls stackmend made | ${s.cloudCallsTotal} (${Object.entries(s.cloudCalls)
      .map(([k, v]) => `${k}: ${v}`)
      .join(', ')}) |`,
    `| state store (file) at its largest | ${kib1(s.stateStore.peakBytes)} in ${s.stateStore.peakFiles} files |`,
    `| incident | ${r?.status ?? 'n/a'} |`,
    `| clean-up (stack and pets deleted, lab reset) | ${secs(s.cleanupMs)}; servers in the cloud before ${s.serversBefore}, after ${s.serversAfter} |`,
    '',
    ...(r?.timeline.length
      ? [
          "Where the time goes (the incident's timeline, s after death):",
          '',
          '| s | step | outcome | reason |',
          '|---|---|---|---|',
          ...r.timeline.map(
            (e) => `| ${(e.ms / 1000).toFixed(1)} | ${e.step} | ${e.outcome} | ${e.reason.replace(/\|/g, '/')} |`,
          ),
          '',
        ]
      : []),
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
    ...(latest.ha ? haTable(latest.ha) : []),
    ...(latest.overhead ? overheadTable(latest.overhead) : []),
    ...(latest.scale ? scaleTable(latest.scale) : []),
  ];
  const mdFile = path.join(outDir, 'latest.md');
  fs.writeFileSync(mdFile, `${md.join('\n')}\n`);
  return [mdFile, ...pictures(latest, outDir)];
}
