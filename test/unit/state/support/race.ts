/** Starting racing processes (support/race-worker.ts) and reading what they print. */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import type { Job } from './race-jobs';

const WORKER = resolve(__dirname, 'race-worker.ts');
/** Far enough ahead that every child has loaded tsx and the store before the race starts. */
export const startSoon = (): number => Date.now() + 2_500;

export type Worker = { child: ChildProcess; lines: unknown[]; exited: Promise<number | null> };

export function startWorker(job: Job): Worker {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER, JSON.stringify(job)], {
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
export async function runAll(jobs: Job[]): Promise<unknown[][]> {
  const workers = jobs.map(startWorker);
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
