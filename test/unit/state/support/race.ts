/**
 * Starting racing processes (support/race-worker.ts, or another worker script that takes its job
 * as one JSON argument) and reading what they print.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { deleteRunKeys, requireRedis, RUN_PREFIX } from './harness';
import type { Job, Target } from './race-jobs';

const WORKER = resolve(__dirname, 'race-worker.ts');
/** Far enough ahead that every child has loaded tsx and the store before the race starts. */
export const startSoon = (): number => Date.now() + 2_500;

export type Worker = { child: ChildProcess; lines: unknown[]; exited: Promise<number | null> };

type Named = { name: string };

export function startWorker<J extends Named = Job>(job: J, worker = WORKER): Worker {
  const child = spawn(process.execPath, ['--import', 'tsx', worker, JSON.stringify(job)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: unknown[] = [];
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
    for (let nl = out.indexOf('\n'); nl >= 0; nl = out.indexOf('\n')) {
      lines.push(JSON.parse(out.slice(0, nl)));
      out = out.slice(nl + 1);
    }
  });
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((done) =>
    child.on('exit', (code) => {
      if (code !== 0 && code !== null) process.stderr.write(`race worker ${job.name} exited ${code}: ${err}\n`);
      done(code);
    }),
  );
  return { child, lines, exited };
}

/** Run the jobs to the end; every worker must exit 0. Returns each worker's lines. */
export async function runAll<J extends Named = Job>(jobs: J[], worker = WORKER): Promise<unknown[][]> {
  const workers = jobs.map((j) => startWorker(j, worker));
  const codes = await Promise.all(workers.map((w) => w.exited));
  expect(codes).toEqual(jobs.map(() => 0));
  return workers.map((w) => w.lines);
}

/** Resolves once the worker has printed a line. */
export async function firstLine(w: Worker, timeoutMs = 30_000): Promise<unknown> {
  const until = Date.now() + timeoutMs;
  while (w.lines.length === 0) {
    if (Date.now() > until) throw new Error('race worker printed nothing');
    await new Promise((r) => setTimeout(r, 20));
  }
  return w.lines[0];
}

export const RACE_STORES = ['file', 'redis'] as const;
export type RaceStore = (typeof RACE_STORES)[number];

/**
 * Stores to race on, fresh for each test: a temporary directory (removed after the test), a key
 * prefix of this run in `redisUrl` (its keys deleted after the suite; the suite fails at once, saying
 * what to start, when Redis is not there). Call inside the describe of one kind.
 */
export function raceTargets(kind: RaceStore, redisUrl: string, tag: string): () => Target {
  let dirs: string[] = [];
  let runs = 0;
  beforeAll(async () => {
    if (kind === 'redis') await requireRedis(redisUrl);
  });
  afterEach(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    dirs = [];
  });
  afterAll(async () => {
    if (kind === 'redis') await deleteRunKeys(redisUrl);
  });
  return () => {
    if (kind === 'redis') return { kind, url: redisUrl, keyPrefix: `${RUN_PREFIX}${tag}-${++runs}:` };
    const dir = mkdtempSync(join(tmpdir(), `stackmend-${tag}-`));
    dirs.push(dir);
    return { kind, dir };
  };
}
