/**
 * Lock files for the FileStore: created with link(2) from a temp file, so exactly one process
 * (or one bundled copy of this code) holds a key at a time. The work done under the lock is
 * synchronous, so a lock is held for microseconds. A lock older than staleMs belongs to a
 * crashed holder and is taken over. Waiting is a short, bounded retry; then StateLockTimeoutError.
 */
import { linkSync, renameSync, statSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname } from 'node:path';
import { StateLockTimeoutError } from '../errors';
import { createFile, isErrno, readText, removeFile } from './io';

export type LockTiming = { staleMs: number; waitMs: number };
export const DEFAULT_LOCK_TIMING: LockTiming = { staleMs: 10_000, waitMs: 2_000 };

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A lock file and the name it guards (for the timeout message). */
export type LockSpec = { path: string; name: string };

/** Run fn while holding the lock file. fn must be synchronous: nothing else may interleave. */
export function withLock<T>(lockPath: string, key: string, fn: () => T, timing = DEFAULT_LOCK_TIMING): Promise<T> {
  return withLocks([{ path: lockPath, name: key }], fn, timing);
}

/**
 * Run fn while holding every lock. All are tried at once; if one is busy, those taken are let go
 * before waiting, so nobody holds a lock while waiting for another (no convoys, no deadlock).
 * After waitMs in all, StateLockTimeoutError names the lock that stayed busy.
 */
export async function withLocks<T>(locks: LockSpec[], fn: () => T, timing = DEFAULT_LOCK_TIMING): Promise<T> {
  const sorted = [...new Map(locks.map((l) => [l.path, l])).values()].sort((a, b) => (a.path < b.path ? -1 : 1));
  const token = `${process.pid}-${randomBytes(8).toString('hex')}`;
  const started = Date.now();
  for (let attempt = 0; ; attempt++) {
    const busy = takeAll(sorted, token);
    if (!busy) break;
    breakIfStale(busy.path, timing.staleMs);
    const waited = Date.now() - started;
    if (waited >= timing.waitMs) throw new StateLockTimeoutError(busy.name, busy.path, waited);
    await pause(Math.min(1 + attempt, 8) * (0.5 + Math.random())); // holders keep a lock for well under 1 ms
  }
  try {
    return fn();
  } finally {
    for (const lock of sorted) release(lock.path, token);
  }
}

/** Take every lock, or none: the first busy one is returned after letting go of the others. */
function takeAll(locks: LockSpec[], token: string): LockSpec | undefined {
  const taken: LockSpec[] = [];
  try {
    for (const lock of locks) {
      if (!tryAcquire(lock.path, token)) {
        for (const t of taken) release(t.path, token);
        return lock;
      }
      taken.push(lock);
    }
    return undefined;
  } catch (e) {
    for (const t of taken) release(t.path, token);
    throw e;
  }
}

/** The lock file appears whole with our token in it, or not at all (a full disk leaves no empty lock). */
function tryAcquire(lockPath: string, token: string): boolean {
  return createFile(lockPath, token, dirname(lockPath));
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
