/**
 * The state store port: incident state, idempotency keys, per-server progress, the audit log
 * and delayed work. Functions are stateless; everything they must remember lives behind this.
 * Values are stored as JSON: what you get back is what JSON.parse(JSON.stringify(value)) gives.
 */
export type TtlOptions = { ttlSeconds?: number };
export type ListPage = { offset?: number; limit?: number };
export type Entry<T> = { key: string; value: T };
export type Scheduled = { id: string; dueAt: number };

export interface StateStore {
  get<T>(key: string): Promise<T | undefined>;
  /** Unconditional write. Without ttlSeconds the value never expires. */
  put<T>(key: string, value: T, opts?: TtlOptions): Promise<void>;
  /** Atomic create. false when the key already exists (and has not expired): the idempotency primitive. */
  putIfAbsent<T>(key: string, value: T, opts?: TtlOptions): Promise<boolean>;
  /**
   * Atomic read-modify-write (optimistic: fn may run more than once and must be pure).
   * Returns the stored value. Without ttlSeconds an existing expiry is kept.
   */
  update<T>(key: string, fn: (current: T | undefined) => T, opts?: TtlOptions): Promise<T>;
  delete(key: string): Promise<void>;
  /** All live entries whose key starts with prefix, sorted by key. */
  list<T>(prefix: string): Promise<Entry<T>[]>;
  /** Append-only list (the audit log). */
  append<T>(listKey: string, value: T): Promise<void>;
  readList<T>(listKey: string, opts?: ListPage): Promise<T[]>;
  /** Delayed work: upsert `id` in `queue` due at epoch ms `dueAt`. */
  schedule(queue: string, id: string, dueAt: number): Promise<void>;
  /**
   * Atomically remove and return up to `limit` ids due at or before `now`
   * (each id handed out once even with concurrent callers).
   */
  takeDue(queue: string, now: number, limit?: number): Promise<string[]>;
  /** Ids scheduled in queue with their due times, soonest first (for status/timeline views). */
  pending(queue: string): Promise<Scheduled[]>;
  close(): Promise<void>;
}

/** Options every store takes. `now` is the clock TTLs are judged against (tests inject one). */
export type StoreOptions = { now?: () => number };

/** How many ids takeDue hands out when the caller does not say. */
export const DEFAULT_TAKE_LIMIT = 100;
