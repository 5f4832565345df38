/**
 * openStore(url): the one place a state URL turns into a store.
 *   memory:                   in-process (tests, single-process runs)
 *   file:///abs/dir, file:dir the embedded directory store (relative to the working directory)
 *   redis://host:port/db      Redis (rediss:// for TLS; user:password@ allowed)
 */
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StateUrlError } from './errors';
import { FileStore } from './file-store';
import { MemoryStore } from './memory-store';
import { RedisStore } from './redis-store';
import type { StateStore, StoreOptions } from './store';

export type StateUrl = { kind: 'memory' } | { kind: 'file'; dir: string } | { kind: 'redis'; url: string; db: number };
export type OpenStoreOptions = StoreOptions & {
  /** Redis only: namespace for every key (default "stackmend:"). */ keyPrefix?: string;
};

export function parseStateUrl(raw: string, cwd: string = process.cwd()): StateUrl {
  const url = typeof raw === 'string' ? raw.trim() : '';
  if (url === 'memory:' || url === 'memory://') return { kind: 'memory' };
  if (url.startsWith('file:')) return { kind: 'file', dir: fileDir(url, cwd) };
  if (/^rediss?:\/\//i.test(url)) return { kind: 'redis', url, db: redisDb(url) };
  throw new StateUrlError(String(raw), 'unknown scheme');
}

export function openStore(url: string, opts: OpenStoreOptions = {}): StateStore {
  const parsed = parseStateUrl(url);
  switch (parsed.kind) {
    case 'memory':
      return new MemoryStore(opts);
    case 'file':
      return new FileStore(parsed.dir, opts);
    case 'redis':
      return new RedisStore(parsed.url, opts);
  }
}

function fileDir(url: string, cwd: string): string {
  if (url.startsWith('file://')) {
    try {
      return fileURLToPath(url);
    } catch (e) {
      throw new StateUrlError(url, `${(e as Error).message} (a file URL needs an absolute path: file:///abs/dir)`);
    }
  }
  const rest = decodeURIComponent(url.slice('file:'.length));
  if (!rest) throw new StateUrlError(url, 'no directory given');
  return isAbsolute(rest) ? rest : resolve(cwd, rest);
}

function redisDb(url: string): number {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new StateUrlError(url, 'not a valid URL');
  }
  if (!u.hostname) throw new StateUrlError(url, 'no host given');
  const path = u.pathname.replace(/^\//, '');
  if (path === '') return 0;
  if (!/^\d+$/.test(path)) throw new StateUrlError(url, `the path must be a database number, got "/${path}"`);
  return Number(path);
}
