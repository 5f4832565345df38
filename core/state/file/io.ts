/**
 * Small synchronous file primitives the FileStore is built from. Every write goes to a temp
 * file first, so a reader never sees half a file: rename replaces atomically, link creates
 * atomically (fails with EEXIST when the name is taken).
 */
import { randomBytes } from 'node:crypto';
import { linkSync, readFileSync, readdirSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as z from 'zod';
import { StateCorruptError } from '../errors';
import { decodeValue } from '../values';

export const isErrno = (e: unknown, code: string): boolean => (e as NodeJS.ErrnoException | null)?.code === code;

export const tempName = (tmpDir: string, tag = 'w'): string =>
  join(tmpDir, `${tag}-${process.pid}-${randomBytes(8).toString('hex')}`);

/** Write text to a new temp file; on failure (a full disk) nothing is left behind. */
export function writeTemp(tmpDir: string, text: string): string {
  const tmp = tempName(tmpDir);
  try {
    writeFileSync(tmp, text, { flag: 'wx' });
  } catch (e) {
    discard(tmp);
    throw e;
  }
  return tmp;
}

/** Write text to path, replacing whatever is there, atomically. */
export function replaceFile(path: string, text: string, tmpDir: string): void {
  const tmp = writeTemp(tmpDir, text);
  try {
    renameSync(tmp, path);
  } catch (e) {
    discard(tmp);
    throw e;
  }
}

/** Create path with text only if nothing is there: true when this call created it. */
export function createFile(path: string, text: string, tmpDir: string): boolean {
  const tmp = writeTemp(tmpDir, text);
  try {
    linkSync(tmp, path);
    return true;
  } catch (e) {
    if (isErrno(e, 'EEXIST')) return false;
    throw e;
  } finally {
    discard(tmp);
  }
}

/** Remove a file; true when this call removed it, false when it was already gone. */
export function removeFile(path: string): boolean {
  try {
    unlinkSync(path);
    return true;
  } catch (e) {
    if (isErrno(e, 'ENOENT')) return false;
    throw e;
  }
}

/** Clean up after a failure: remove a file if possible, never mask the failure that got us here. */
export function discard(path: string): void {
  try {
    removeFile(path);
  } catch {
    /* the original error is what the caller must see */
  }
}

/** File names in dir; none when the dir does not exist yet. */
export function namesIn(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch (e) {
    if (isErrno(e, 'ENOENT')) return [];
    throw e;
  }
}

export function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    if (isErrno(e, 'ENOENT')) return undefined;
    throw e;
  }
}

/** The parseable entries of a JSON-lines file, in order; a line torn by a crash is skipped. */
export function readJsonLines<T>(path: string): T[] {
  const items: T[] = [];
  for (const line of (readText(path) ?? '').split('\n')) {
    try {
      if (line) items.push(JSON.parse(line) as T);
    } catch {
      /* torn line */
    }
  }
  return items;
}

/** Parse a JSON file against its schema; undefined when the file does not exist. */
export function readJson<S extends z.ZodType>(path: string, schema: S): z.infer<S> | undefined {
  const text = readText(path);
  if (text === undefined) return undefined;
  const parsed = schema.safeParse(decodeValue<unknown>(path, text));
  if (parsed.success) return parsed.data;
  throw new StateCorruptError(
    path,
    parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; '),
  );
}
