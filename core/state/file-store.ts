/**
 * The embedded store of the local runtime: a directory, correct across processes and across
 * separately bundled copies of this code in one process, because it keeps no state in memory.
 *
 *   kv/, sets/, receipts/   see file/kv.ts
 *   lists/<key>.jsonl       append-only JSON lines
 *   queues/<q>/<id>.json    delayed work (see file/queue.ts)
 *   locks/                  one lock per key, queue, set and commit token (file/lock.ts)
 *   journal/                commits being applied (file/commit.ts)
 *   tmp/                    temp files, renamed or linked into place
 * Every change happens under the locks of what it touches, after finishing any commit a dead
 * holder left behind; reads take no lock and see each file whole.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { checkCommit, type Commit, type CommitResult } from './commit';
import { StateStoreUnavailableError } from './errors';
import { commitIn, locksOf } from './file/commit';
import { recoverJournals } from './file/journal';
import { guarded } from './file/fail-closed';
import { readJsonLines, removeFile, replaceFile } from './file/io';
import { envelope, listIn, liveIn, membersIn, purgeReceipts } from './file/kv';
import { DEFAULT_LOCK_TIMING, withLocks, type LockSpec, type LockTiming } from './file/lock';
import { keyFile, layoutOf, listFile, lockFile, type Layout } from './file/names';
import { FileQueues } from './file/queues';
import { newToken } from './leases';
import { WithQueues } from './queues';
import type { CreateOptions, Entry, ListPage, StateStore } from './store';
import type { StoreOptions, TtlOptions } from './store';
import { checkName, encodeValue, expiryFrom, page } from './values';

export type FileStoreOptions = StoreOptions & { lock?: Partial<LockTiming> };
const PURGE_EVERY = 256; // commits between two sweeps of expired receipts

export class FileStore extends WithQueues implements StateStore {
  private readonly l: Layout;
  private readonly now: () => number;
  private readonly timing: LockTiming;
  protected readonly queues: FileQueues;
  private commits = 0;

  constructor(dir: string, opts: FileStoreOptions = {}) {
    super();
    this.l = layoutOf(dir);
    this.now = opts.now ?? Date.now;
    this.timing = { ...DEFAULT_LOCK_TIMING, ...opts.lock };
    try {
      const { kv, locks, lists, queues, sets, receipts, journal, tmp } = this.l;
      for (const d of [kv, locks, lists, queues, sets, receipts, journal, tmp]) mkdirSync(d, { recursive: true });
    } catch (e) {
      throw new StateStoreUnavailableError(
        `file://${dir}`,
        `cannot create the state directory: ${(e as Error).message}`,
        { cause: e },
      );
    }
    this.queues = new FileQueues(
      this.l,
      (locks, fn) => this.locked(locks, fn),
      (fn) => this.guard(fn),
    );
  }

  async get<T>(key: string): Promise<T | undefined> {
    return this.guard(() => liveIn(this.l, checkName('key', key), this.now())?.value as T | undefined);
  }

  async put<T>(key: string, value: T, opts?: TtlOptions): Promise<void> {
    const text = envelope(checkName('key', key), value, expiryFrom(this.now(), opts));
    await this.locked(this.keyLock(key), () => replaceFile(keyFile(this.l, key), text, this.l.tmp));
  }

  async putIfAbsent<T>(key: string, value: T, opts?: CreateOptions): Promise<boolean> {
    const owner = opts?.owner ?? newToken();
    const text = envelope(checkName('key', key), value, expiryFrom(this.now(), opts), owner);
    const mine = (live: { owner?: string }) => opts?.owner !== undefined && live.owner === opts.owner;
    const seen = await this.guard(() => liveIn(this.l, key, this.now()));
    if (seen) return mine(seen); // values change only under the lock: one that exists now existed first
    return this.locked(this.keyLock(key), () => {
      const live = liveIn(this.l, key, this.now());
      if (live) return mine(live);
      replaceFile(keyFile(this.l, key), text, this.l.tmp);
      return true;
    });
  }

  async update<T>(key: string, fn: (current: T | undefined) => T, opts?: TtlOptions): Promise<T> {
    return this.locked(this.keyLock(key), () => {
      const live = liveIn(this.l, key, this.now());
      const expiresAt = opts?.ttlSeconds === undefined ? live?.expiresAt : expiryFrom(this.now(), opts);
      const text = envelope(key, fn(live?.value as T | undefined), expiresAt, live?.owner);
      replaceFile(keyFile(this.l, key), text, this.l.tmp);
      return (JSON.parse(text) as { value: T }).value;
    });
  }

  async delete(key: string): Promise<void> {
    await this.locked(this.keyLock(key), () => removeFile(keyFile(this.l, key)));
  }

  async list<T>(prefix: string): Promise<Entry<T>[]> {
    return this.guard(() => listIn<T>(this.l, prefix, this.now()));
  }

  /**
   * One O_APPEND write per entry, so concurrent appenders never interleave inside a line. The
   * newline goes first: an entry after a line torn by a crash still starts on a line of its own.
   */
  async append<T>(listKey: string, value: T): Promise<void> {
    const line = `\n${encodeValue(checkName('list key', listKey), value)}`;
    await this.guard(() => appendFileSync(listFile(this.l, listKey), line));
  }

  async readList<T>(listKey: string, opts?: ListPage): Promise<T[]> {
    return this.guard(() => page(readJsonLines<T>(listFile(this.l, checkName('list key', listKey))), opts));
  }

  async commit(c: Commit): Promise<CommitResult> {
    checkCommit(c);
    const token = c.token ?? newToken();
    const locks = locksOf(this.l, c, token);
    const result = await this.locked(locks, () => commitIn(this.l, c, token, locks, this.now()));
    if (result.committed && ++this.commits % PURGE_EVERY === 0)
      await this.guard(() => purgeReceipts(this.l, this.now()));
    return result;
  }

  async members(set: string): Promise<string[]> {
    return this.guard(() => membersIn(this.l, checkName('set', set)));
  }

  async close(): Promise<void> {}

  private guard<T>(fn: () => T | Promise<T>): Promise<T> {
    return guarded(this.l.root, fn);
  }

  /** Run fn under these locks, after finishing any commit a dead or failed holder left behind. */
  private locked<R>(locks: LockSpec[], fn: () => R): Promise<R> {
    return this.guard(async () => {
      await recoverJournals(this.l, this.timing);
      return withLocks(locks, fn, this.timing);
    });
  }

  private keyLock = (key: string): LockSpec[] => [{ path: lockFile(this.l, checkName('key', key)), name: key }];
}
