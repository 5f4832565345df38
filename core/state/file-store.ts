/**
 * The embedded store of the local runtime: a directory, correct across processes and across
 * separately bundled copies of this code in one process, because it keeps no state in memory.
 *
 *   kv/<key>.json      { key, value, expiresAt? }   one file per key; expired = absent
 *   locks/<key>.lock   per-key lock for put/update/delete and replacing an expired key
 *   lists/<key>.jsonl  append-only JSON lines
 *   queues/<q>/<id>.json  delayed work (see file/queue.ts)
 *   tmp/               temp files, renamed or linked into place
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod';
import { StateConflictError, StateStoreUnavailableError } from './errors';
import { createFile, namesIn, readJson, readJsonLines, removeFile, replaceFile } from './file/io';
import { DEFAULT_LOCK_TIMING, withLock, type LockTiming } from './file/lock';
import { encodeName, keyFile, layoutOf, listFile, lockFile, mayHoldPrefix, type Layout } from './file/names';
import { pendingIn, scheduleIn, takeDueIn } from './file/queue';
import type { Entry, ListPage, Scheduled, StateStore, StoreOptions, TtlOptions } from './store';
import { byKey, checkEpochMs, checkName, encodeValue, expiryFrom, isLive, page, takeLimit } from './values';

const KeyFile = z.object({
  key: z.string(),
  value: z.unknown(),
  expiresAt: z
    .number()
    .nullish()
    .transform((v) => v ?? undefined),
});
type Stored = z.infer<typeof KeyFile>;
const MAX_CREATE_RACES = 20;

export type FileStoreOptions = StoreOptions & { lock?: Partial<LockTiming> };

export class FileStore implements StateStore {
  private readonly l: Layout;
  private readonly now: () => number;
  private readonly timing: LockTiming;

  constructor(dir: string, opts: FileStoreOptions = {}) {
    this.l = layoutOf(dir);
    this.now = opts.now ?? Date.now;
    this.timing = { ...DEFAULT_LOCK_TIMING, ...opts.lock };
    try {
      for (const d of [this.l.kv, this.l.locks, this.l.lists, this.l.queues, this.l.tmp])
        mkdirSync(d, { recursive: true });
    } catch (e) {
      throw new StateStoreUnavailableError(
        `file://${dir}`,
        `cannot create the state directory: ${(e as Error).message}`,
        { cause: e },
      );
    }
  }

  async get<T>(key: string): Promise<T | undefined> {
    return this.live(checkName('key', key))?.value as T | undefined;
  }

  async put<T>(key: string, value: T, opts?: TtlOptions): Promise<void> {
    const text = this.envelope(checkName('key', key), value, expiryFrom(this.now(), opts));
    await this.locked(key, () => replaceFile(keyFile(this.l, key), text, this.l.tmp));
  }

  async putIfAbsent<T>(key: string, value: T, opts?: TtlOptions): Promise<boolean> {
    const path = keyFile(this.l, checkName('key', key));
    const text = this.envelope(key, value, expiryFrom(this.now(), opts));
    if (createFile(path, text, this.l.tmp)) return true;
    if (this.live(key)) return false;
    // An expired entry is in the way: replace it under the lock so only one caller wins.
    return this.locked(key, () => {
      const current = this.stored(key);
      if (current && isLive(current.expiresAt, this.now())) return false;
      if (!current) return createFile(path, text, this.l.tmp);
      replaceFile(path, text, this.l.tmp);
      return true;
    });
  }

  async update<T>(key: string, fn: (current: T | undefined) => T, opts?: TtlOptions): Promise<T> {
    const path = keyFile(this.l, checkName('key', key));
    return this.locked(key, () => {
      for (let attempt = 1; attempt <= MAX_CREATE_RACES; attempt++) {
        const current = this.stored(key);
        const live = current && isLive(current.expiresAt, this.now()) ? current : undefined;
        const expiresAt = opts?.ttlSeconds === undefined ? live?.expiresAt : expiryFrom(this.now(), opts);
        const text = this.envelope(key, fn(live?.value as T | undefined), expiresAt);
        // A putIfAbsent creates without the lock, so a missing file is created, never replaced.
        if (current) replaceFile(path, text, this.l.tmp);
        else if (!createFile(path, text, this.l.tmp)) continue;
        return (JSON.parse(text) as Stored).value as T;
      }
      throw new StateConflictError(key, MAX_CREATE_RACES);
    });
  }

  async delete(key: string): Promise<void> {
    await this.locked(checkName('key', key), () => removeFile(keyFile(this.l, key)));
  }

  async list<T>(prefix: string): Promise<Entry<T>[]> {
    const encoded = encodeName(prefix);
    const found: Entry<T>[] = [];
    for (const name of namesIn(this.l.kv)) {
      if (!name.endsWith('.json') || !mayHoldPrefix(name.slice(0, -5), encoded)) continue;
      const s = readJson(join(this.l.kv, name), KeyFile);
      if (s && s.key.startsWith(prefix) && isLive(s.expiresAt, this.now()))
        found.push({ key: s.key, value: s.value as T });
    }
    return found.sort(byKey);
  }

  /**
   * One O_APPEND write per entry, so concurrent appenders never interleave inside a line. The
   * newline goes first: an entry after a line torn by a crash still starts on a line of its own.
   */
  async append<T>(listKey: string, value: T): Promise<void> {
    appendFileSync(listFile(this.l, checkName('list key', listKey)), `\n${encodeValue(listKey, value)}`);
  }

  async readList<T>(listKey: string, opts?: ListPage): Promise<T[]> {
    return page(readJsonLines<T>(listFile(this.l, checkName('list key', listKey))), opts);
  }

  async schedule(queue: string, id: string, dueAt: number): Promise<void> {
    scheduleIn(this.l, checkName('queue', queue), checkName('id', id), checkEpochMs('dueAt', dueAt));
  }

  async takeDue(queue: string, now: number, limit?: number): Promise<string[]> {
    return takeDueIn(this.l, checkName('queue', queue), checkEpochMs('now', now), takeLimit(limit));
  }

  async pending(queue: string): Promise<Scheduled[]> {
    return pendingIn(this.l, checkName('queue', queue));
  }

  async close(): Promise<void> {}

  private envelope(key: string, value: unknown, expiresAt: number | undefined): string {
    return `{"key":${JSON.stringify(key)},"expiresAt":${expiresAt ?? null},"value":${encodeValue(key, value)}}`;
  }

  private stored(key: string): Stored | undefined {
    return readJson(keyFile(this.l, key), KeyFile);
  }

  private live(key: string): Stored | undefined {
    const s = this.stored(key);
    return s && isLive(s.expiresAt, this.now()) ? s : undefined;
  }

  private locked<R>(key: string, fn: () => R): Promise<R> {
    return withLock(lockFile(this.l, key), key, fn, this.timing);
  }
}
