/**
 * In-process store for tests and single-process runs. Values are kept as JSON text so a caller
 * can never mutate what is stored, and so it behaves like the file and Redis stores.
 * Expiry is judged lazily against the injected clock. Every method does its work synchronously
 * before its first await, so each one (commit included) is atomic.
 */
import { checkCommit, conflictsOf, type Commit, type CommitResult, type Write } from './commit';
import { newToken } from './leases';
import { WithQueues } from './queues';
import { MemoryQueues } from './memory/queues';
import { MemoryReceipts, MemorySets } from './memory/sets';
import type { CreateOptions, Entry, ListPage, StateStore } from './store';
import type { StoreOptions, TtlOptions } from './store';
import { byKey, checkName, encodeValue, expiryFrom, isLive, page } from './values';

type Cell = { json: string; expiresAt?: number; owner?: string };

export class MemoryStore extends WithQueues implements StateStore {
  private readonly cells = new Map<string, Cell>();
  private readonly lists = new Map<string, string[]>();
  private readonly sets = new MemorySets();
  private readonly receipts = new MemoryReceipts();
  protected readonly queues = new MemoryQueues();
  private readonly now: () => number;

  constructor(opts: StoreOptions = {}) {
    super();
    this.now = opts.now ?? Date.now;
  }

  async get<T>(key: string): Promise<T | undefined> {
    const cell = this.live(checkName('key', key));
    return cell ? (JSON.parse(cell.json) as T) : undefined;
  }

  async put<T>(key: string, value: T, opts?: TtlOptions): Promise<void> {
    this.cells.set(checkName('key', key), { json: encodeValue(key, value), expiresAt: expiryFrom(this.now(), opts) });
  }

  async putIfAbsent<T>(key: string, value: T, opts?: CreateOptions): Promise<boolean> {
    const cell = this.live(checkName('key', key));
    if (cell) return opts?.owner !== undefined && cell.owner === opts.owner;
    const owner = opts?.owner ?? newToken();
    this.cells.set(key, { json: encodeValue(key, value), expiresAt: expiryFrom(this.now(), opts), owner });
    return true;
  }

  async update<T>(key: string, fn: (current: T | undefined) => T, opts?: TtlOptions): Promise<T> {
    const cell = this.live(checkName('key', key));
    const json = encodeValue(key, fn(cell ? (JSON.parse(cell.json) as T) : undefined));
    const expiresAt = opts?.ttlSeconds === undefined ? cell?.expiresAt : expiryFrom(this.now(), opts);
    this.cells.set(key, { json, expiresAt, owner: cell?.owner });
    return JSON.parse(json) as T;
  }

  async delete(key: string): Promise<void> {
    this.cells.delete(checkName('key', key));
  }

  async list<T>(prefix: string): Promise<Entry<T>[]> {
    const found: Entry<T>[] = [];
    for (const key of this.cells.keys()) {
      const cell = key.startsWith(prefix) ? this.live(key) : undefined;
      if (cell) found.push({ key, value: JSON.parse(cell.json) as T });
    }
    return found.sort(byKey);
  }

  async append<T>(listKey: string, value: T): Promise<void> {
    this.push(checkName('list key', listKey), value);
  }

  async readList<T>(listKey: string, opts?: ListPage): Promise<T[]> {
    return page(this.lists.get(checkName('list key', listKey)) ?? [], opts).map((j) => JSON.parse(j) as T);
  }

  async commit(c: Commit): Promise<CommitResult> {
    checkCommit(c);
    const token = c.token ?? newToken();
    if (this.receipts.has(token, this.now())) return { committed: true, replayed: true };
    const conflicts = conflictsOf(c, token, { read: (k) => this.live(k), members: this.sets.members });
    if (conflicts.length) return { committed: false, conflicts };
    for (const w of c.writes) this.apply(w, token);
    this.receipts.remember(token, this.now());
    return { committed: true, replayed: false };
  }

  async members(set: string): Promise<string[]> {
    return this.sets.members(checkName('set', set));
  }

  async close(): Promise<void> {}

  private apply(w: Write, token: string): void {
    switch (w.kind) {
      case 'put':
        this.cells.set(w.key, {
          json: encodeValue(w.key, w.value),
          expiresAt: expiryFrom(this.now(), w),
          owner: token,
        });
        return;
      case 'delete':
        this.cells.delete(w.key);
        return;
      case 'schedule':
        return this.queues.schedule(w.queue, w.id, w.dueAt);
      case 'append':
        return this.push(w.list, w.value);
      case 'reserve':
        return this.sets.add(w.set, w.member);
      case 'release':
        return this.sets.remove(w.set, w.member);
      default: {
        const unreachable: never = w;
        return unreachable;
      }
    }
  }

  private push(listKey: string, value: unknown): void {
    const list = this.lists.get(listKey) ?? [];
    list.push(encodeValue(listKey, value));
    this.lists.set(listKey, list);
  }

  /** The cell if it exists and has not expired; an expired cell is dropped on the way. */
  private live(key: string): Cell | undefined {
    const cell = this.cells.get(key);
    if (cell && !isLive(cell.expiresAt, this.now())) {
      this.cells.delete(key);
      return undefined;
    }
    return cell;
  }
}
