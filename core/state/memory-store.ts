/**
 * In-process store for tests and single-process runs. Values are kept as JSON text so a caller
 * can never mutate what is stored, and so it behaves like the file and Redis stores.
 * Expiry is judged lazily against the injected clock.
 */
import type { Entry, ListPage, Scheduled, StateStore, StoreOptions, TtlOptions } from './store';
import {
  byKey,
  checkEpochMs,
  checkName,
  dueFirst,
  dueNow,
  encodeValue,
  expiryFrom,
  isLive,
  page,
  takeLimit,
} from './values';

type Cell = { json: string; expiresAt?: number };

export class MemoryStore implements StateStore {
  private readonly cells = new Map<string, Cell>();
  private readonly lists = new Map<string, string[]>();
  private readonly queues = new Map<string, Map<string, number>>();
  private readonly now: () => number;

  constructor(opts: StoreOptions = {}) {
    this.now = opts.now ?? Date.now;
  }

  async get<T>(key: string): Promise<T | undefined> {
    const cell = this.live(checkName('key', key));
    return cell ? (JSON.parse(cell.json) as T) : undefined;
  }

  async put<T>(key: string, value: T, opts?: TtlOptions): Promise<void> {
    this.cells.set(checkName('key', key), { json: encodeValue(key, value), expiresAt: expiryFrom(this.now(), opts) });
  }

  async putIfAbsent<T>(key: string, value: T, opts?: TtlOptions): Promise<boolean> {
    if (this.live(checkName('key', key))) return false;
    await this.put(key, value, opts);
    return true;
  }

  async update<T>(key: string, fn: (current: T | undefined) => T, opts?: TtlOptions): Promise<T> {
    const cell = this.live(checkName('key', key));
    const json = encodeValue(key, fn(cell ? (JSON.parse(cell.json) as T) : undefined));
    const expiresAt = opts?.ttlSeconds === undefined ? cell?.expiresAt : expiryFrom(this.now(), opts);
    this.cells.set(key, { json, expiresAt });
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
    const json = encodeValue(checkName('list key', listKey), value);
    const list = this.lists.get(listKey) ?? [];
    list.push(json);
    this.lists.set(listKey, list);
  }

  async readList<T>(listKey: string, opts?: ListPage): Promise<T[]> {
    return page(this.lists.get(checkName('list key', listKey)) ?? [], opts).map((j) => JSON.parse(j) as T);
  }

  async schedule(queue: string, id: string, dueAt: number): Promise<void> {
    const q = this.queues.get(checkName('queue', queue)) ?? new Map<string, number>();
    q.set(checkName('id', id), checkEpochMs('dueAt', dueAt));
    this.queues.set(queue, q);
  }

  async takeDue(queue: string, now: number, limit?: number): Promise<string[]> {
    const q = this.queues.get(checkName('queue', queue));
    if (!q) return [];
    const due = dueNow(entriesOf(q), checkEpochMs('now', now), takeLimit(limit));
    for (const { id } of due) q.delete(id);
    return due.map((e) => e.id);
  }

  async pending(queue: string): Promise<Scheduled[]> {
    return entriesOf(this.queues.get(checkName('queue', queue))).sort(dueFirst);
  }

  async close(): Promise<void> {}

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

const entriesOf = (q: Map<string, number> | undefined): Scheduled[] =>
  [...(q ?? [])].map(([id, dueAt]) => ({ id, dueAt }));
