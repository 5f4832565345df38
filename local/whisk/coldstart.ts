/**
 * Cold start of a built bundle, as a fresh OpenWhisk/Lambda container sees it: in a new `node`
 * process, the time to `require` the bundle (read, compile, run its top level) and the time of the
 * first `main(params)` call. Node's own start-up is not counted.
 *
 *   measureColdStart('dist/classify-alarm/index.js', alarm) → { loadMs, firstCallMs, bytes, … }
 *
 * CLI (prints a table and writes JSON):
 *   npx tsx local/whisk/coldstart.ts [--dist dist] [--params FILE | --params-dir DIR] [--runs 5]
 *     [--out dist/coldstart.json]
 *   --params-dir DIR: DIR/<function>.json per function ({} when absent); --runs: median of N processes
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface ColdStart {
  loadMs: number;
  firstCallMs: number;
  bytes: number;
  /** set when the first call threw/rejected or the process did not finish in time */
  error?: string;
}

export interface ColdStartOptions {
  /** `main` (OpenWhisk, default) or `handler` (Lambda) */
  entry?: 'main' | 'handler';
  /** kill the child after this long (a first call may wait on the network); default 30 s */
  timeoutMs?: number;
}

const MARK = '@@stackmend-coldstart@@';

/** Runs in the child: reads params from stdin, times require + first call, prints one marked line. */
const PROBE = `
const { performance } = require('node:perf_hooks');
const [bundle, entry] = process.argv.slice(1);
let input = '';
process.stdin.on('data', (d) => (input += d)).on('end', async () => {
  const params = JSON.parse(input || '{}');
  let loadMs = 0, firstCallMs = 0, error;
  const t0 = performance.now();
  try {
    const mod = require(bundle);
    loadMs = performance.now() - t0;
    const t1 = performance.now();
    try { await mod[entry](params); } catch (e) { error = String((e && e.stack) || e); }
    firstCallMs = performance.now() - t1;
  } catch (e) { loadMs = performance.now() - t0; error = String((e && e.stack) || e); }
  process.stdout.write('\\n${MARK}' + JSON.stringify({ loadMs, firstCallMs, error }) + '\\n');
  process.exit(0);
});`;

export function measureColdStart(
  bundlePath: string,
  params: Record<string, unknown>,
  options: ColdStartOptions = {},
): Promise<ColdStart> {
  const bundle = path.resolve(bundlePath);
  const bytes = fs.statSync(bundle).size;
  const timeoutMs = options.timeoutMs ?? 30_000;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', PROBE, bundle, options.entry ?? 'main'], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (d: Buffer) => (out += d));
    child.stderr.on('data', (d: Buffer) => (err += d));
    child.on('error', reject);
    child.on('close', () => {
      clearTimeout(timer);
      const line = out.split('\n').find((l) => l.startsWith(MARK));
      if (!line)
        return resolve({
          loadMs: NaN,
          firstCallMs: NaN,
          bytes,
          error: `no result within ${timeoutMs} ms${err ? `: ${err.trim().slice(-500)}` : ''}`,
        });
      const measured = JSON.parse(line.slice(MARK.length)) as Omit<ColdStart, 'bytes'>;
      resolve({ ...measured, bytes, ...(measured.error ? {} : { error: undefined }) });
    });
    child.stdin.end(JSON.stringify(params));
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

async function cli(argv: string[]): Promise<void> {
  const flag = (name: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
  const dist = path.resolve(flag('--dist') ?? 'dist');
  const runs = Number(flag('--runs') ?? 3);
  const out = path.resolve(flag('--out') ?? path.join(dist, 'coldstart.json'));
  const paramsFor = (fn: string): Record<string, unknown> => {
    const file =
      flag('--params') ?? (flag('--params-dir') ? path.join(flag('--params-dir')!, `${fn}.json`) : undefined);
    return file && fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : {};
  };
  const functions = fs
    .readdirSync(dist)
    .filter((fn) => fs.existsSync(path.join(dist, fn, 'index.js')))
    .sort();
  if (!functions.length) throw new Error(`no bundles under ${dist}; run npm run build first`);

  const results: Record<string, ColdStart & { runs: number }> = {};
  console.log(`function            bytes      load ms   first call ms   (median of ${runs})`);
  for (const fn of functions) {
    const samples: ColdStart[] = [];
    for (let i = 0; i < runs; i++) samples.push(await measureColdStart(path.join(dist, fn, 'index.js'), paramsFor(fn)));
    const error = samples.find((s) => s.error)?.error;
    results[fn] = {
      loadMs: median(samples.map((s) => s.loadMs)),
      firstCallMs: median(samples.map((s) => s.firstCallMs)),
      bytes: samples[0]!.bytes,
      runs,
      ...(error ? { error } : {}),
    };
    const r = results[fn]!;
    console.log(
      `${fn.padEnd(18)} ${String(r.bytes).padStart(8)} ${r.loadMs.toFixed(1).padStart(11)} ${r.firstCallMs.toFixed(1).padStart(15)}${error ? `   (first call failed: ${error.split('\n')[0]})` : ''}`,
    );
  }
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(
    out,
    `${JSON.stringify({ node: process.version, measuredAt: new Date().toISOString(), functions: results }, null, 2)}\n`,
  );
  console.log(`\nwritten to ${path.relative(process.cwd(), out)}`);
}

if (require.main === module) {
  cli(process.argv.slice(2)).catch((error: unknown) => {
    console.error(`coldstart: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
