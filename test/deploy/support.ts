/**
 * A scratch copy of the service (serverless*.yml, deploy/, fresh bundles from functions/) in a
 * temporary directory, so deploy tests never race a developer's dist/ or .serverless/, and the
 * osls CLI run as a child process with telemetry and notifications off.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { parse as parseYaml } from 'yaml';

const run = promisify(execFile);
export const repoRoot = path.resolve(__dirname, '../..');
const oslsBin = path.join(repoRoot, 'node_modules/osls/bin/serverless.js');

export interface SizeReport {
  budgetBytes: number;
  functions: Record<string, { bytes: number; gzipBytes: number; limitBytes: number; withinBudget: boolean }>;
}

export interface ScratchService {
  dir: string;
  /** what `npm run build` reported (dist/sizes.json) */
  sizes: SizeReport;
  /** runs `osls <args>` in the scratch service; never throws, look at `code` */
  osls(args: string[], env?: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }>;
  remove(): void;
}

export async function scratchService(): Promise<ScratchService> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stackmend-service-'));
  for (const file of ['serverless.yml', 'serverless.aws.yml', 'deploy'])
    fs.cpSync(path.join(repoRoot, file), path.join(dir, file), { recursive: true });
  fs.symlinkSync(path.join(repoRoot, 'node_modules'), path.join(dir, 'node_modules'));
  const sizes = await buildInto(path.join(dir, 'dist'));
  return {
    dir,
    sizes,
    async osls(args, env = {}) {
      const options = {
        cwd: dir,
        env: { ...process.env, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off', ...env },
        maxBuffer: 16 * 1024 * 1024,
      };
      try {
        const { stdout, stderr } = await run(process.execPath, [oslsBin, ...args], options);
        return { code: 0, stdout, stderr };
      } catch (error) {
        const e = error as { code?: number; stdout?: string; stderr?: string };
        return {
          code: typeof e.code === 'number' ? e.code : 1,
          stdout: e.stdout ?? '',
          stderr: e.stderr ?? String(error),
        };
      }
    },
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * `npm run build` into `outdir`. A bundle over its size budget fails the build (exit 1) but is
 * still written: that is asserted by its own test, so deploy tests go on with the bundles.
 */
async function buildInto(outdir: string): Promise<SizeReport> {
  try {
    await run(process.execPath, [path.join(repoRoot, 'scripts/build.mjs'), '--outdir', outdir], { cwd: repoRoot });
  } catch (error) {
    const report = path.join(outdir, 'sizes.json');
    if (!fs.existsSync(report))
      throw new Error(`npm run build failed: ${(error as { stderr?: string }).stderr ?? String(error)}`);
  }
  return JSON.parse(fs.readFileSync(path.join(outdir, 'sizes.json'), 'utf8')) as SizeReport;
}

/** The functions declared in a serverless descriptor of the repository. */
export function declaredFunctions(
  file: 'serverless.yml' | 'serverless.aws.yml',
): Record<string, { name?: string; handler: string; annotations?: Record<string, unknown> }> {
  return parseYaml(fs.readFileSync(path.join(repoRoot, file), 'utf8')).functions;
}

/** The `parameters` of deploy/stages/<stage>.yml, with `${env:…}` references left unresolved. */
export function stageParameters(stage: string): Record<string, unknown> {
  return parseYaml(fs.readFileSync(path.join(repoRoot, 'deploy/stages', `${stage}.yml`), 'utf8')).parameters;
}

/** The JSON document `osls invoke` prints (between the first `{` and the last `}`). */
export function printedJson(stdout: string): unknown {
  return JSON.parse(stdout.slice(stdout.indexOf('{'), stdout.lastIndexOf('}') + 1));
}

/** A small zip reader for the artifacts (entries' names and contents). */
export { readZip } from '../../local/whisk/unzip';
