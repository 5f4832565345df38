/**
 * `npm run bench [-- --only PART,…]`: stackmend measured, and compared with today's tools. Parts:
 *   cost       bundle size and cold start per function, as built vs as published (no cloud)
 *   storm      100 failed hosts × 100 servers (--hosts, --servers-per-host): 11,110 alarms into
 *              classify-alarm in-process (--storm-runs, default 3), and smaller storms for the curve
 *   storm-http the same storm over HTTP to one `serve` (a replay cloud; Redis db 9)
 *   scale-out  the storm over HTTP to 1, 2 and 4 `serve` processes sharing Redis db 9 (--scale-runs rounds)
 *   lab        the real lab: member replacement vs the Mistral chain, duplicates, host failure vs Masakari
 *              (run it under flock /tmp/stackmend-lab.lock)
 *   ha         fair instance HA on the lab (cli/bench-ha.ts): --ha-variants (default all of
 *              bench/ha-stats.ts HA_VARIANTS, in that order per round), --ha-rounds (3), --ha-servers (10),
 *              --hold-min (11: no variant starts that would end later). Its runs add to the ones in
 *              latest.json (--fresh drops those), so several holds of the lab lock make one figure.
 *   overhead   decision overhead on the lab (cli/bench-overhead.ts): alarm → first Heat write, stackmend vs the
 *              Zaqar → Mistral → Heat chain (--alarms per system, default 200; --stacks per system, 5);
 *              its samples add to those in latest.json (--fresh drops them), as the ha part's runs do
 *   scale      the scale run on the lab (cli/bench-scale.ts): --pets (200) and --cattle (100) on compute1,
 *              --others (0) servers on compute2 that nothing moves,
 *              the host killed, forced down and reported; then the host the pets moved to killed the same
 *              way and reported to Masakari (--no-masakari skips it); within --hold-min (11), cleaned up after
 * `--render` measures nothing: it draws latest.md and the pictures again from latest.json.
 * Each run writes bench-results/<timestamp>.json; bench-results/latest.json keeps the newest result of
 * every part, latest.md its table, and the pictures (bench/svg.ts) are drawn from it.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { measureCost } from '../bench/cost';
import { render } from '../bench/report';
import { DEFAULT_STORM } from '../bench/storm/alarms';
import { scaleOut, storm, stormHttp } from '../bench/storm/run';
import { HA_VARIANTS, mergeHa, type HaResults, type HaVariant } from '../bench/ha-stats';
import { instanceHa } from './bench-ha';
import { mergeOverhead } from '../bench/overhead-stats';
import { decisionOverhead, type OverheadResults } from './bench-overhead';
import { scaleRun, type ScaleResults } from './bench-scale';
import { numberArg, parse, UsageError } from './args';
import { labSuite } from './bench-lab';

export const PARTS = ['cost', 'storm', 'storm-http', 'scale-out', 'lab', 'ha', 'overhead', 'scale'] as const;
export type Part = (typeof PARTS)[number];

const say = (s: string) => process.stdout.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${s}\n`);

function partsOf(only: string | undefined): Part[] {
  if (!only) return [...PARTS];
  const asked = only.split(',').map((p) => p.trim());
  const unknown = asked.filter((p) => !(PARTS as readonly string[]).includes(p));
  if (unknown.length) throw new UsageError(`--only ${unknown.join(',')}: the parts are ${PARTS.join(', ')}`);
  return asked as Part[];
}

function haVariantsOf(list: string | undefined): HaVariant[] {
  if (!list) return [...HA_VARIANTS];
  const asked = list.split(',').map((v) => v.trim());
  const unknown = asked.filter((v) => !(HA_VARIANTS as readonly string[]).includes(v));
  if (unknown.length)
    throw new UsageError(`--ha-variants ${unknown.join(',')}: the variants are ${HA_VARIANTS.join(', ')}`);
  return asked as HaVariant[];
}

export async function bench(argv: string[]): Promise<number> {
  const { values } = parse(argv, {
    only: { type: 'string' },
    runs: { type: 'string' },
    'masakari-runs': { type: 'string' },
    'cold-runs': { type: 'string' },
    'storm-runs': { type: 'string' },
    'scale-runs': { type: 'string' },
    hosts: { type: 'string' },
    'servers-per-host': { type: 'string' },
    out: { type: 'string' },
    'ha-variants': { type: 'string' },
    'ha-rounds': { type: 'string' },
    'ha-servers': { type: 'string' },
    'hold-min': { type: 'string' },
    fresh: { type: 'boolean' },
    render: { type: 'boolean' },
    alarms: { type: 'string' },
    stacks: { type: 'string' },
    pets: { type: 'string' },
    cattle: { type: 'string' },
    'no-masakari': { type: 'boolean' },
    others: { type: 'string' },
  });
  const parts = values.render ? [] : partsOf(values.only);
  const holdMs = numberArg('hold-min', values['hold-min'], 11, { min: 1, fraction: true }) * 60_000;
  const outDir = values.out ?? 'bench-results';
  const measured: Record<string, unknown> = {};
  const stamp = () => ({ measuredAt: new Date().toISOString(), host: machine() });
  const shape = {
    ...DEFAULT_STORM,
    hosts: numberArg('hosts', values.hosts, DEFAULT_STORM.hosts, { min: 1 }),
    serversPerHost: numberArg('servers-per-host', values['servers-per-host'], DEFAULT_STORM.serversPerHost, { min: 1 }),
  };
  // every number flag checked before any part runs: a bad one fails at once, not an hour in
  const n = {
    coldRuns: numberArg('cold-runs', values['cold-runs'], 10),
    stormRuns: numberArg('storm-runs', values['storm-runs'], 3),
    scaleRuns: numberArg('scale-runs', values['scale-runs'], 1),
    runs: numberArg('runs', values.runs, 3),
    masakariRuns: numberArg('masakari-runs', values['masakari-runs'], 1),
    haRounds: numberArg('ha-rounds', values['ha-rounds'], 3),
    haServers: numberArg('ha-servers', values['ha-servers'], 10),
    alarms: numberArg('alarms', values.alarms, 200),
    stacks: numberArg('stacks', values.stacks, 5, { min: 1 }),
    pets: numberArg('pets', values.pets, 200),
    cattle: numberArg('cattle', values.cattle, 100),
    others: numberArg('others', values.others, 0),
  };
  for (const part of parts) {
    say(`${part}…`);
    switch (part) {
      case 'cost':
        measured.cost = { ...stamp(), functions: await measureCost(n.coldRuns) };
        break;
      case 'storm':
        measured.storm = await storm({ runs: n.stormRuns, shape, say, stamp });
        break;
      case 'storm-http':
        measured['storm-http'] = await stormHttp({ runs: 1, shape, say, stamp });
        break;
      case 'scale-out':
        measured['scale-out'] = await scaleOut({ runs: n.scaleRuns, shape, say, stamp });
        break;
      case 'lab':
        measured.lab = {
          ...stamp(),
          ...(await labSuite({
            runs: n.runs,
            masakariRuns: n.masakariRuns,
            say,
          })),
        };
        break;
      case 'ha':
        measured.ha = {
          ...stamp(),
          ...(await instanceHa({
            variants: haVariantsOf(values['ha-variants']),
            rounds: n.haRounds,
            servers: n.haServers,
            budgetMs: holdMs,
            say,
          })),
        } satisfies HaResults;
        break;
      case 'overhead':
        measured.overhead = {
          ...stamp(),
          ...(await decisionOverhead({
            alarms: n.alarms,
            stacks: n.stacks,
            budgetMs: holdMs,
            say,
          })),
        } satisfies OverheadResults;
        break;
      case 'scale':
        measured.scale = {
          ...stamp(),
          ...(await scaleRun({
            pets: n.pets,
            cattle: n.cattle,
            others: n.others,
            masakari: !values['no-masakari'],
            budgetMs: holdMs,
            say,
          })),
        } satisfies ScaleResults;
        break;
      default: {
        const unreachable: never = part;
        throw new UsageError(`unknown part ${String(unreachable)}`);
      }
    }
  }
  fs.mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, `${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  const latestFile = path.join(outDir, 'latest.json');
  const previous = fs.existsSync(latestFile) ? (JSON.parse(fs.readFileSync(latestFile, 'utf8')) as object) : {};
  const latest: Record<string, unknown> = { ...previous, ...measured };
  const before = previous as { ha?: HaResults; overhead?: OverheadResults };
  if (measured.ha && !values.fresh) latest.ha = mergeHa(before.ha, measured.ha as HaResults);
  if (measured.overhead && !values.fresh)
    latest.overhead = mergeOverhead(before.overhead, measured.overhead as OverheadResults);
  if (parts.length) {
    fs.writeFileSync(file, `${JSON.stringify(measured, null, 2)}\n`);
    fs.writeFileSync(latestFile, `${JSON.stringify(latest, null, 2)}\n`);
  }
  const written = render(latest, outDir);
  process.stdout.write(
    `\n${fs.readFileSync(path.join(outDir, 'latest.md'), 'utf8')}\nwritten: ${[...(parts.length ? [file, latestFile] : []), ...written].join(', ')}\n`,
  );
  return 0;
}

const machine = () => `${os.cpus().length} cpu, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}`;
