/**
 * Where a FileStore keeps things, and how keys become file names.
 *
 * Names keep [a-z0-9_-] and write every other UTF-8 byte as %XX (upper-case hex), so they are
 * safe on case-insensitive disks and never collide. Encoding is prefix-preserving, which lets
 * list() skip files by name. Names too long for a file system keep a readable head and end in
 * "~" + a SHA-256 of the key; the real key is always stored inside the file as well.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';

const MAX_NAME = 200;
const HEAD = 150;
const HASH_MARK = '~';

export type Layout = {
  root: string;
  kv: string;
  locks: string;
  lists: string;
  queues: string;
  sets: string;
  receipts: string;
  journal: string;
  tmp: string;
};

export function layoutOf(root: string): Layout {
  return {
    root,
    kv: join(root, 'kv'),
    locks: join(root, 'locks'),
    lists: join(root, 'lists'),
    queues: join(root, 'queues'),
    sets: join(root, 'sets'),
    receipts: join(root, 'receipts'),
    journal: join(root, 'journal'),
    tmp: join(root, 'tmp'),
  };
}

export function encodeName(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[a-z0-9_-]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  if (out.length <= MAX_NAME) return out;
  const head = out.slice(0, HEAD).replace(/%[0-9A-F]?$/, ''); // never cut an escape in half
  return `${head}${HASH_MARK}${createHash('sha256').update(text).digest('hex').slice(0, 40)}`;
}

/** Could the file named `name` (without extension) hold a key that starts with the encoded prefix? */
export function mayHoldPrefix(name: string, encodedPrefix: string): boolean {
  if (name.startsWith(encodedPrefix)) return true;
  const mark = name.indexOf(HASH_MARK);
  return mark >= 0 && encodedPrefix.startsWith(name.slice(0, mark));
}

export const keyFile = (l: Layout, key: string): string => join(l.kv, `${encodeName(key)}.json`);
/** A lock per key, queue, set and commit token; encoded names never hold a '.', so kinds never collide. */
export type Lockable = 'key' | 'queue' | 'set' | 'receipt';
export const lockFile = (l: Layout, name: string, kind: Lockable = 'key'): string =>
  join(l.locks, kind === 'key' ? `${encodeName(name)}.lock` : `${encodeName(name)}.${kind}.lock`);
export const listFile = (l: Layout, listKey: string): string => join(l.lists, `${encodeName(listKey)}.jsonl`);
export const queueDir = (l: Layout, queue: string): string => join(l.queues, encodeName(queue));
export const queueFile = (l: Layout, queue: string, id: string): string =>
  join(queueDir(l, queue), `${encodeName(id)}.json`);
export const setFile = (l: Layout, set: string): string => join(l.sets, `${encodeName(set)}.json`);
export const receiptFile = (l: Layout, token: string): string => join(l.receipts, `${encodeName(token)}.json`);
export const journalFile = (l: Layout, token: string): string => join(l.journal, `${encodeName(token)}.json`);
