/**
 * The state store port: incident state, idempotency keys, per-server progress, the audit log
 * and delayed work. Functions are stateless; everything they must remember lives behind this.
 * Values are stored as JSON: what you get back is what JSON.parse(JSON.stringify(value)) gives.
 * Every implementation fails closed: a store it cannot reach or write (Redis down or timing out,
 * disk full, read-only, no permission) raises StateStoreUnavailableError (status 503) and
 * acknowledges nothing.
 */
import type { Commit, CommitResult } from './commit';

export type TtlOptions = { ttlSeconds?: number };
/** owner: who creates the key (default: a fresh token per call). See putIfAbsent. */
export type CreateOptions = TtlOptions & { owner?: string };
export type ListPage = { offset?: number; limit?: number };
export type Entry<T> = { key: string; value: T };
/**
 * A due item as pending() lists it. attempts: how often it was leased since it was last
 * scheduled (left out when 0); leasedUntil: the end of its last lease (left out when it has not
 * been leased since it was scheduled or retried); a lease that ended before now no longer hides it.
 */
export type Scheduled = { id: string; dueAt: number; attempts?: number; leasedUntil?: number };
/** A due item lent to one caller until leasedUntil; token proves the lease to ack/retry. */
export type Leased = { id: string; dueAt: number; attempts: number; token: string; leasedUntil: number };
export type LeaseOptions = { limit?: number; leaseMs: number };

export interface StateStore {
  get<T>(key: string): Promise<T | undefined>;
  /** Unconditional write. Without ttlSeconds the value never expires. */
  put<T>(key: string, value: T, opts?: TtlOptions): Promise<void>;
  /**
   * Atomic create: the idempotency primitive. true when this call created the key, or when the
   * key already holds a live value created with the same `owner` (a re-sent or retried call of
   * the one that won); false when it exists otherwise. put() and delete() forget the owner.
   */
  putIfAbsent<T>(key: string, value: T, opts?: CreateOptions): Promise<boolean>;
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
  /**
   * Several writes, all or nothing, after checking preconditions in the same atomic step
   * (see core/state/commit.ts for what a commit can require and write). Conflicts are a result,
   * not an error. A commit retried with the same token after its first attempt was applied
   * answers { committed: true, replayed: true } and writes nothing again.
   */
  commit(c: Commit): Promise<CommitResult>;
  /** Members of a set written by commit reserve/release (the circuit breaker), sorted. */
  members(set: string): Promise<string[]>;
  /**
   * Delayed work: upsert `id` in `queue` due at epoch ms `dueAt`. Scheduling an item that is
   * leased ends that lease (its ack then answers false and keeps the new schedule) and resets
   * its attempts to 0.
   */
  schedule(queue: string, id: string, dueAt: number): Promise<void>;
  /**
   * Lend up to `limit` items that are due at `now` (or whose lease expired at or before `now`),
   * soonest first (by due time, or by the end of the expired lease), each to this caller only,
   * for leaseMs. A leased item is invisible to
   * other lease calls until its lease expires; then it is handed out again with attempts + 1.
   */
  lease(queue: string, now: number, opts: LeaseOptions): Promise<Leased[]>;
  /** Done: remove the item if `token` is still its lease. false = the lease was lost; the item stays. */
  ack(queue: string, id: string, token: string): Promise<boolean>;
  /** Not done: give the item back, due at dueAt, keeping its attempts. false = the lease was lost. */
  retry(queue: string, id: string, token: string, dueAt: number): Promise<boolean>;
  /**
   * Atomically remove and return up to `limit` ids due at or before `now`
   * (each id handed out once even with concurrent callers). Work taken this way is lost when the
   * taker dies before finishing it: use lease/ack.
   */
  takeDue(queue: string, now: number, limit?: number): Promise<string[]>;
  /** Everything scheduled in queue, leased or not, soonest dueAt first (status/timeline views). */
  pending(queue: string): Promise<Scheduled[]>;
  close(): Promise<void>;
}

/** Options every store takes. `now` is the clock TTLs are judged against (tests inject one). */
export type StoreOptions = { now?: () => number };

/** How many ids takeDue and lease hand out when the caller does not say. */
export const DEFAULT_TAKE_LIMIT = 100;
