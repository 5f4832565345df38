/**
 * `npm run bench [-- --only PART,…]`: stackmend measured, and compared with today's tools. Parts:
 *   cost       bundle size and cold start per function, as built vs as published (no cloud)
 *   storm      100 failed hosts × 100 servers (--hosts, --servers-per-host): 11,110 alarms into
 *              classify-alarm in-process (--storm-runs, default 3), and smaller storms for the curve
 *   storm-http the same storm over HTTP to one `serve` (a replay cloud; Redis db 9)
 *   scale-out  the storm over HTTP to 1, 2 and 4 `serve` processes sharing Redis db 9 (--scale-runs rounds)
 *   lab        the real lab: member replacement vs the Mistral chain, duplicates, host failure vs Masakari
 *              (run it under flock /tmp/stackmend-lab.lock)
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
import { parse, UsageError } from './args';
import { labSuite } from './bench-lab';

export const PARTS = ['cost', 'storm', 'storm-http', 'scale-out', 'lab'] as const;
export type Part = (typeof PARTS)[number];

const say = (s: string) => process.stdout.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${s}\n`);

function partsOf(only: string | undefined): Part[] {
  if (!only) return [...PARTS];
  const asked = only.split(',').map((p) => p.trim());
  const unknown = asked.filter((p) => !(PARTS as readonly string[]).includes(p));
  if (unknown.length) throw new UsageError(`--only ${unknown.join(',')}: the parts are ${PARTS.join(', ')}`);
  return asked as Part[];
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
  });
  const parts = partsOf(values.only);
  const outDir = values.out ?? 'bench-results';
  const measured: Record<string, unknown> = {};
  const stamp = () => ({ measuredAt: new Date().toISOString(), host: machine() });
  const shape = {
    ...DEFAULT_STORM,
    ...(values.hosts ? { hosts: Number(values.hosts) } : {}),
    ...(values['servers-per-host'] ? { serversPerHost: Number(values['servers-per-host']) } : {}),
  };
  for (const part of parts) {
    say(`${part}…`);
    switch (part) {
      case 'cost':
        measured.cost = { ...stamp(), functions: await measureCost(Number(values['cold-runs'] ?? 10)) };
        break;
      case 'storm':
        measured.storm = await storm({ runs: Number(values['storm-runs'] ?? 3), shape, say, stamp });
        break;
      case 'storm-http':
        measured['storm-http'] = await stormHttp({ runs: 1, shape, say, stamp });
        break;
      case 'scale-out':
        measured['scale-out'] = await scaleOut({ runs: Number(values['scale-runs'] ?? 1), shape, say, stamp });
        break;
      case 'lab':
        measured.lab = {
          ...stamp(),
          ...(await labSuite({
            runs: Number(values.runs ?? 3),
            masakariRuns: Number(values['masakari-runs'] ?? 1),
            say,
          })),
        };
        break;
      default: {
        const unreachable: never = part;
        throw new UsageError(`unknown part ${String(unreachable)}`);
      }
    }
  }
  fs.mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, `${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(file, `${JSON.stringify(measured, null, 2)}\n`);
  const latestFile = path.join(outDir, 'latest.json');
  const previous = fs.existsSync(latestFile) ? (JSON.parse(fs.readFileSync(latestFile, 'utf8')) as object) : {};
  const latest = { ...previous, ...measured };
  fs.writeFileSync(latestFile, `${JSON.stringify(latest, null, 2)}\n`);
  const written = render(latest, outDir);
  process.stdout.write(
    `\n${fs.readFileSync(path.join(outDir, 'latest.md'), 'utf8')}\nwritten: ${[file, latestFile, ...written].join(', ')}\n`,
  );
  return 0;
}

const machine = () => `${os.cpus().length} cpu, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}`;
