/** Drives the project's lab script (test/lab/lab.sh) from the CLI and the benchmarks. */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

export const LAB_SCRIPT = path.join(__dirname, '..', 'test', 'lab', 'lab.sh');

export class LabCommandError extends Error {
  override name = 'LabCommandError';
}

/** Runs `lab.sh <args>`; output goes to the terminal unless `quiet`. */
export function lab(args: string[], opts: { quiet?: boolean } = {}): string {
  const r = spawnSync('bash', [LAB_SCRIPT, ...args], {
    encoding: 'utf8',
    stdio: opts.quiet ? 'pipe' : ['ignore', 'inherit', 'inherit'],
  });
  if (r.status !== 0)
    throw new LabCommandError(
      `npm run lab -- ${args.join(' ')} failed (exit ${r.status})${opts.quiet ? `: ${(r.stderr ?? '').slice(-500)}` : ''}`,
    );
  return r.stdout ?? '';
}
