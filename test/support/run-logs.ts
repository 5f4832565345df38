/**
 * A test run's logs and secrets, kept for the check that runs after every other test file
 * (test/after-all/logs-hold-no-secrets.test.ts; test/support/sequencer.cjs puts it last). The run
 * directory is made by test/support/global-setup.ts for one jest invocation: where the lab's logs
 * (/var/log/stackmend-lab, test/lab/lab.sh) ended when the run began, stackmend's logs of the
 * runtimes the tests started, and the secrets those runtimes were given.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { jsonLogger } from '../../core/runtime/log';
import { silentLogger, type Logger } from '../../core/domain/log';

export const LAB_LOGS = '/var/log/stackmend-lab';
export const RUN_DIR_ENV = 'STACKMEND_TEST_RUN_DIR';
const SECRETS_FILE = 'secrets.txt';
export const OFFSETS_FILE = 'lab-log-offsets.json';

export const runDir = (): string | undefined => process.env[RUN_DIR_ENV];

/** stackmend's log for one runtime of this run (JSON lines in the run directory); silent outside a run. */
export function runLogger(name: string): Logger {
  const dir = runDir();
  if (!dir) return silentLogger;
  const file = path.join(dir, `stackmend-${name}-${process.pid}-${Date.now()}.log`);
  return jsonLogger({ level: 'info', fields: { app: 'stackmend' }, sink: (l) => fs.appendFileSync(file, `${l}\n`) });
}

/** Notes secrets a test configured (one per line, mode 0600), for the after-all check. */
export function noteSecrets(...secrets: string[]): void {
  const dir = runDir();
  if (dir) fs.appendFileSync(path.join(dir, SECRETS_FILE), secrets.map((s) => `${s}\n`).join(''), { mode: 0o600 });
}

export function notedSecrets(): string[] {
  const dir = runDir();
  const file = dir && path.join(dir, SECRETS_FILE);
  return file && fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
}

/** Sizes of the lab's logs now (their ends when the run began). */
export function labLogSizes(): Record<string, number> {
  if (!fs.existsSync(LAB_LOGS)) return {};
  const logs = fs.readdirSync(LAB_LOGS).filter((f) => f.endsWith('.log'));
  return Object.fromEntries(logs.map((f) => [f, fs.statSync(path.join(LAB_LOGS, f)).size]));
}
