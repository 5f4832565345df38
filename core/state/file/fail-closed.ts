/**
 * File-system failures that mean "the store cannot keep anything now" become
 * StateStoreUnavailableError (503), saying what to fix. Nothing was acknowledged: a commit that
 * failed before its journal changed nothing, one that failed after is finished by the next call
 * (core/state/file/commit.ts).
 */
import { StateStoreUnavailableError } from '../errors';

const FIXES = {
  ENOSPC: 'the file system is full: free space on it, then retry',
  EDQUOT: 'the disk quota is used up: free space or raise the quota, then retry',
  EROFS: 'the file system is mounted read-only: remount it read-write',
  EACCES: 'permission denied: let this process write to the directory',
  EPERM: 'operation not permitted: let this process write to the directory',
  EIO: 'an I/O error: check the disk',
  EMFILE: 'too many open files in this process: raise its limit (ulimit -n)',
  ENFILE: 'too many open files on this machine',
} as const;

const fixFor = (e: unknown): string | undefined => {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  return code && code in FIXES ? FIXES[code as keyof typeof FIXES] : undefined;
};

export function failClosed(dir: string, e: unknown): unknown {
  const fix = fixFor(e);
  if (!fix) return e;
  const err = e as NodeJS.ErrnoException;
  return new StateStoreUnavailableError(`file://${dir}`, `${err.code}: ${err.message}`, {
    cause: e,
    hint: `Nothing was stored; ${fix}.`,
  });
}

/** Run a store operation, turning those failures into StateStoreUnavailableError. */
export async function guarded<T>(dir: string, fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw failClosed(dir, e);
  }
}
