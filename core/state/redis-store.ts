/**
 * Redis-backed store for deployed functions (ioredis). Everything lives under one key prefix
 * (default "stackmend:"): <prefix>kv:<key> JSON strings, <prefix>list:<key> lists,
 * <prefix>queue:<queue> sorted sets scored by due time. Expiry is Redis's own (PX), judged by
 * the server clock: the `now` option is accepted for symmetry and not used.
 */
import { StateConflictError } from './errors';
import { RedisConnection, DEFAULT_CONNECTION_TIMING, type ConnectionTiming } from './redis/connection';
import type { Entry, ListPage, Scheduled, StateStore, StoreOptions, TtlOptions } from './store';
import { byKey, checkEpochMs, checkName, decodeValue, encodeValue, pageBounds, takeLimit, ttlMs } from './values';

export type RedisStoreOptions = StoreOptions & { keyPrefix?: string; timing?: Partial<ConnectionTiming> };

const MAX_UPDATE_ATTEMPTS = 100;
const SCAN_BATCH = 500;

/** Escape the glob characters of a SCAN MATCH pattern so a prefix matches only itself. */
export const escapeGlob = (s: string): string => s.replace(/[*?[\]\\]/g, '\\$&');

export class RedisStore implements StateStore {
  private readonly conn: RedisConnection;
  private readonly prefix: string;

  constructor(url: string, opts: RedisStoreOptions = {}) {
    this.conn = new RedisConnection(url, { ...DEFAULT_CONNECTION_TIMING, ...opts.timing });
    this.prefix = opts.keyPrefix ?? 'stackmend:';
  }

  async get<T>(key: string): Promise<T | undefined> {
    const k = this.kv(key);
    const json = await this.conn.run((r) => r.get(k));
    return json === null ? undefined : decodeValue<T>(k, json);
  }

  async put<T>(key: string, value: T, opts?: TtlOptions): Promise<void> {
    const [k, json, ms] = [this.kv(key), encodeValue(key, value), ttlMs(opts)];
    await this.conn.run((r) => (ms === undefined ? r.set(k, json) : r.set(k, json, 'PX', ms)));
  }

  async putIfAbsent<T>(key: string, value: T, opts?: TtlOptions): Promise<boolean> {
    const [k, json, ms] = [this.kv(key), encodeValue(key, value), ttlMs(opts)];
    const ok = await this.conn.run((r) => (ms === undefined ? r.set(k, json, 'NX') : r.set(k, json, 'PX', ms, 'NX')));
    return ok === 'OK';
  }

  /** Optimistic: read, compute, compare-and-set in Lua; retry when another writer got there first. */
  async update<T>(key: string, fn: (current: T | undefined) => T, opts?: TtlOptions): Promise<T> {
    const k = this.kv(key);
    const ms = ttlMs(opts);
    for (let attempt = 1; attempt <= MAX_UPDATE_ATTEMPTS; attempt++) {
      const current = await this.conn.run((r) => r.get(k));
      const next = encodeValue(key, fn(current === null ? undefined : decodeValue<T>(k, current)));
      const had = current === null ? '0' : '1';
      const written = await this.conn.run((r) =>
        r.stackmendCompareAndSet(k, had, current ?? '', next, ms === undefined ? '' : String(ms)),
      );
      if (written === 1) return JSON.parse(next) as T;
    }
    throw new StateConflictError(key, MAX_UPDATE_ATTEMPTS);
  }

  async delete(key: string): Promise<void> {
    const k = this.kv(key);
    await this.conn.run((r) => r.del(k));
  }

  async list<T>(prefix: string): Promise<Entry<T>[]> {
    const base = this.prefix + 'kv:';
    const keys = await this.scan(`${escapeGlob(base + prefix)}*`);
    const found: Entry<T>[] = [];
    for (let i = 0; i < keys.length; i += SCAN_BATCH) {
      const batch = keys.slice(i, i + SCAN_BATCH);
      const values = await this.conn.run((r) => r.mget(batch));
      batch.forEach((k, j) => {
        const json = values[j];
        if (json !== null && json !== undefined)
          found.push({ key: k.slice(base.length), value: decodeValue<T>(k, json) });
      });
    }
    return found.sort(byKey);
  }

  async append<T>(listKey: string, value: T): Promise<void> {
    const [k, json] = [this.listKey(listKey), encodeValue(listKey, value)];
    await this.conn.run((r) => r.rpush(k, json));
  }

  async readList<T>(listKey: string, opts?: ListPage): Promise<T[]> {
    const { offset, limit } = pageBounds(opts);
    if (limit === 0) return [];
    const k = this.listKey(listKey);
    const items = await this.conn.run((r) => r.lrange(k, offset, limit === undefined ? -1 : offset + limit - 1));
    return items.map((j) => decodeValue<T>(k, j));
  }

  async schedule(queue: string, id: string, dueAt: number): Promise<void> {
    const [k, at, member] = [this.queueKey(queue), checkEpochMs('dueAt', dueAt), checkName('id', id)];
    await this.conn.run((r) => r.zadd(k, at, member));
  }

  async takeDue(queue: string, now: number, limit?: number): Promise<string[]> {
    const [k, at, n] = [this.queueKey(queue), checkEpochMs('now', now), takeLimit(limit)];
    return this.conn.run((r) => r.stackmendTakeDue(k, at, n));
  }

  async pending(queue: string): Promise<Scheduled[]> {
    const k = this.queueKey(queue);
    const flat = await this.conn.run((r) => r.zrange(k, 0, -1, 'WITHSCORES'));
    const out: Scheduled[] = [];
    for (let i = 0; i < flat.length; i += 2) out.push({ id: flat[i], dueAt: Number(flat[i + 1]) });
    return out;
  }

  async close(): Promise<void> {
    await this.conn.close();
  }

  private async scan(match: string): Promise<string[]> {
    const seen = new Set<string>(); // SCAN may return a key more than once
    let cursor = '0';
    do {
      const [next, keys] = await this.conn.run((r) => r.scan(cursor, 'MATCH', match, 'COUNT', SCAN_BATCH));
      for (const k of keys) seen.add(k);
      cursor = next;
    } while (cursor !== '0');
    return [...seen];
  }

  private kv = (key: string) => `${this.prefix}kv:${checkName('key', key)}`;
  private listKey = (key: string) => `${this.prefix}list:${checkName('list key', key)}`;
  private queueKey = (queue: string) => `${this.prefix}queue:${checkName('queue', queue)}`;
}
