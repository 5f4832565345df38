/**
 * Masakari's `wait_period_after_service_update` for one benchmark hold of the lab lock: the lab renders
 * it into /etc/masakari/masakari.conf from test/lab/etc/masakari/masakari.conf (`MASAKARI_WAIT_PERIOD`
 * in test/lab/lab.sh, 5 s); Masakari's own default is 180 s. Switching it rewrites that one line and
 * restarts masakari-engine (`npm run lab -- stop|start masakari-engine`); `restore` puts the file back
 * byte for byte (so the lab's config checksums match again) and restarts the engine once more.
 */
import * as fs from 'node:fs';
import { lab } from './lab';
import { waitFor } from './wait';

export const MASAKARI_CONF = '/etc/masakari/masakari.conf';
export const MASAKARI_ENGINE_LOG = '/var/log/stackmend-lab/masakari-engine.log';
const BACKUP = '/var/lib/stackmend-lab/masakari.conf.bench-backup';
const LINE = /^wait_period_after_service_update\s*=\s*(\d+)\s*$/m;

export class MasakariConfigError extends Error {
  override name = 'MasakariConfigError';
}

/** The wait in a masakari.conf text; undefined when the line is absent (Masakari's default, 180 s). */
export function waitPeriodOf(conf: string): number | undefined {
  const m = LINE.exec(conf);
  return m ? Number(m[1]) : undefined;
}

/** The same text with the wait set to `sec` (the line added to [DEFAULT] when it is absent). */
export function withWaitPeriod(conf: string, sec: number): string {
  if (!Number.isInteger(sec) || sec < 0)
    throw new MasakariConfigError(`wait period ${sec}: expected whole seconds ≥ 0`);
  const line = `wait_period_after_service_update = ${sec}`;
  if (LINE.test(conf)) return conf.replace(LINE, line);
  if (!/^\[DEFAULT\]\s*$/m.test(conf)) throw new MasakariConfigError('masakari.conf has no [DEFAULT] section');
  return conf.replace(/^\[DEFAULT\]\s*$/m, `[DEFAULT]\n${line}`);
}

async function engineStarted(logOffset: number, timeoutSec = 120): Promise<void> {
  await waitFor(
    'masakari-engine to log "Starting ha_engine"',
    async () => {
      const fd = fs.openSync(MASAKARI_ENGINE_LOG, 'r');
      try {
        const size = fs.fstatSync(fd).size;
        const buf = Buffer.alloc(Math.max(0, size - logOffset));
        fs.readSync(fd, buf, 0, buf.length, logOffset);
        return buf.toString('utf8').includes('Starting ha_engine');
      } finally {
        fs.closeSync(fd);
      }
    },
    timeoutSec,
    500,
  );
}

/** Restarts masakari-engine and waits until its log says it started (~25 s on the shared machine). */
async function restartAndWait(): Promise<void> {
  const offset = fs.statSync(MASAKARI_ENGINE_LOG).size;
  lab(['stop', 'masakari-engine'], { quiet: true });
  lab(['start', 'masakari-engine'], { quiet: true });
  await engineStarted(offset);
}

/** A backup left by a run that died mid-way is put back first. Returns the wait now in force. */
export async function recoverMasakariConf(): Promise<number | undefined> {
  if (fs.existsSync(BACKUP)) await restoreMasakariWait();
  return waitPeriodOf(fs.readFileSync(MASAKARI_CONF, 'utf8'));
}

/** Sets the wait and restarts masakari-engine; call restoreMasakariWait() before releasing the lab lock. */
export async function setMasakariWait(sec: number): Promise<void> {
  const conf = fs.readFileSync(MASAKARI_CONF, 'utf8');
  if (waitPeriodOf(conf) === sec) return;
  if (!fs.existsSync(BACKUP)) fs.copyFileSync(MASAKARI_CONF, BACKUP);
  fs.writeFileSync(MASAKARI_CONF, withWaitPeriod(conf, sec));
  await restartAndWait();
}

export async function restoreMasakariWait(): Promise<void> {
  if (!fs.existsSync(BACKUP)) return;
  fs.copyFileSync(BACKUP, MASAKARI_CONF);
  fs.rmSync(BACKUP);
  await restartAndWait();
}
