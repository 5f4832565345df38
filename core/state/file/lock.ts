/**
 * Per-key lock files for the FileStore: created with O_EXCL ('wx'), so exactly one process
 * (or one bundled copy of this code) holds a key at a time. The work done under the lock is
 * synchronous, so a lock is held for microseconds. A lock older than staleMs belongs to a
 * crashed holder and is taken over. Waiting is a short, bounded retry; then StateLockTimeoutError.
 */
import { closeSync, linkSync, openSync, renameSync, statSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { StateLockTimeoutError } from '../errors';
import { isErrno, readText, removeFile } from './io';

export type LockTiming = { staleMs: number; waitMs: number };
export const DEFAULT_LOCK_TIMING: LockTiming = { staleMs: 10_000, waitMs: 2_000 };

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Run fn while holding the lock file. fn must be synchronous: nothing else may interleave. */
export async function withLock<T>(
  lockPath: string,
  key: string,
  fn: () => T,
  timing: LockTiming = DEFAULT_LOCK_TIMING,
): Promise<T> {
  const token = `${process.pid}-${randomBytes(8).toString('hex')}`;
  const started = Date.now();
  for (let attempt = 0; ; attempt++) {
    if (tryAcquire(lockPath, token)) break;
    breakIfStale(lockPath, timing.staleMs);
    const waited = Date.now() - started;
    if (waited >= timing.waitMs) throw new StateLockTimeoutError(key, lockPath, waited);
    await pause(Math.min(1 + attempt, 8) * (0.5 + Math.random())); // holders keep a lock for well under 1 ms
  }
  try {
    return fn();
  } finally {
    release(lockPath, token);
  }
}

function tryAcquire(lockPath: string, token: string): boolean {
  let fd: number;
  try {
    fd = openSync(lockPath, 'wx');
  } catch (e) {
    if (isErrno(e, 'EEXIST')) return false;
    throw e;
  }
  try {
    writeSync(fd, token);
  } finally {
    closeSync(fd);
  }
  return true;
}

/** Release only our own lock: after a takeover the file may belong to someone else. */
function release(lockPath: string, token: string): void {
  if (readText(lockPath) === token) removeFile(lockPath);
}

/**
 * Move a stale lock aside (only one taker's rename succeeds), then check what was moved:
 * if it turned out to be a fresh lock that replaced the stale one meanwhile, put it back.
 */
function breakIfStale(lockPath: string, staleMs: number): void {
  let age: number;
  try {
    age = Date.now() - statSync(lockPath).mtimeMs;
  } catch (e) {
    if (isErrno(e, 'ENOENT')) return;
    throw e;
  }
  if (age < staleMs) return;
  const aside = `${lockPath}.stale-${randomBytes(6).toString('hex')}`;
  try {
    renameSync(lockPath, aside);
  } catch (e) {
    if (isErrno(e, 'ENOENT')) return;
    throw e;
  }
  try {
    if (Date.now() - statSync(aside).mtimeMs < staleMs) linkSync(aside, lockPath);
  } catch (e) {
    if (!isErrno(e, 'EEXIST')) throw e;
  } finally {
    removeFile(aside);
  }
}
