/**
 * Redis-backed store for deployed functions (ioredis). Everything lives under one key prefix
 * (default "stackmend:"): <prefix>kv:<key> JSON strings (and <prefix>owner:<key> who created
 * them), <prefix>list:<key> lists, <prefix>set:<set> sets, <prefix>queue:<queue> sorted sets
 * with <prefix>lease:<queue> hashes (redis/queue-scripts.ts), <prefix>receipt:<token> applied
 * commits. Expiry of values is Redis's own (PX), judged by the server clock: the `now` option
 * is accepted for symmetry and not used. Leases are judged by the `now` their callers pass.
 */
import { checkCommit, type Commit, type CommitResult } from './commit';
import { StateConflictError } from './errors';
import { newToken } from './leases';
import { WithQueues } from './queues';
import { commitArgs, commitResult, type RedisNames } from './redis/commit';
import { RedisConnection, DEFAULT_CONNECTION_TIMING, type ConnectionTiming } from './redis/connection';
import { RedisQueues } from './redis/queues';
import type { CreateOptions, Entry, ListPage, StateStore } from './store';
import type { StoreOptions, TtlOptions } from './store';
import { byKey, checkName, decodeValue, encodeValue, pageBounds, ttlMs } from './values';

export type RedisStoreOptions = StoreOptions & { keyPrefix?: string; timing?: Partial<ConnectionTiming> };

const MAX_UPDATE_ATTEMPTS = 100;
const SCAN_BATCH = 500;

/** Escape the glob characters of a SCAN MATCH pattern so a prefix matches only itself. */
export const escapeGlob = (s: string): string => s.replace(/[*?[\]\\]/g, '\\$&');

export class RedisStore extends WithQueues implements StateStore {
  private readonly conn: RedisConnection;
  private readonly prefix: string;
  private readonly n: RedisNames;
  protected readonly queues: RedisQueues;

  constructor(url: string, opts: RedisStoreOptions = {}) {
    super();
    this.conn = new RedisConnection(url, { ...DEFAULT_CONNECTION_TIMING, ...opts.timing });
    const p = (this.prefix = opts.keyPrefix ?? 'stackmend:');
    this.n = {
      kv: (k) => `${p}kv:${checkName('key', k)}`,
      owner: (k) => `${p}owner:${checkName('key', k)}`,
      queue: (q) => `${p}queue:${checkName('queue', q)}`,
      leases: (q) => `${p}lease:${checkName('queue', q)}`,
      list: (l) => `${p}list:${checkName('list key', l)}`,
      set: (s) => `${p}set:${checkName('set', s)}`,
      receipt: (t) => `${p}receipt:${checkName('commit token', t)}`,
    };
    this.queues = new RedisQueues(this.conn, this.n);
  }

  async get<T>(key: string): Promise<T | undefined> {
    const k = this.n.kv(key);
    const json = await this.conn.run((r) => r.get(k));
    return json === null ? undefined : decodeValue<T>(k, json);
  }

  async put<T>(key: string, value: T, opts?: TtlOptions): Promise<void> {
    const [k, o, json, ms] = [this.n.kv(key), this.n.owner(key), encodeValue(key, value), ttlMs(opts)];
    await this.conn.run((r) =>
      (ms === undefined ? r.multi().set(k, json) : r.multi().set(k, json, 'PX', ms)).del(o).exec(),
    );
  }

  async putIfAbsent<T>(key: string, value: T, opts?: CreateOptions): Promise<boolean> {
    const [k, o, json, ms] = [this.n.kv(key), this.n.owner(key), encodeValue(key, value), ttlMs(opts)];
    const owner = opts?.owner ?? newToken();
    const ok = await this.conn.run((r) => r.stackmendPutIfAbsent(k, o, json, owner, String(ms ?? '')));
    return ok === 1;
  }

  /** Optimistic: read, compute, compare-and-set in Lua; retry when another writer got there first. */
  async update<T>(key: string, fn: (current: T | undefined) => T, opts?: TtlOptions): Promise<T> {
    const [k, o, ms] = [this.n.kv(key), this.n.owner(key), ttlMs(opts)];
    for (let attempt = 1; attempt <= MAX_UPDATE_ATTEMPTS; attempt++) {
      const current = await this.conn.run((r) => r.get(k));
      const next = encodeValue(key, fn(current === null ? undefined : decodeValue<T>(k, current)));
      const had = current === null ? '0' : '1';
      const written = await this.conn.run((r) =>
        r.stackmendCompareAndSet(k, o, had, current ?? '', next, ms === undefined ? '' : String(ms)),
      );
      if (written === 1) return JSON.parse(next) as T;
    }
    throw new StateConflictError(key, MAX_UPDATE_ATTEMPTS);
  }

  async delete(key: string): Promise<void> {
    const [k, o] = [this.n.kv(key), this.n.owner(key)];
    await this.conn.run((r) => r.del(k, o));
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
    const [k, json] = [this.n.list(listKey), encodeValue(listKey, value)];
    await this.conn.run((r) => r.rpush(k, json));
  }

  async readList<T>(listKey: string, opts?: ListPage): Promise<T[]> {
    const { offset, limit } = pageBounds(opts);
    if (limit === 0) return [];
    const k = this.n.list(listKey);
    const items = await this.conn.run((r) => r.lrange(k, offset, limit === undefined ? -1 : offset + limit - 1));
    return items.map((j) => decodeValue<T>(k, j));
  }

  async commit(c: Commit): Promise<CommitResult> {
    checkCommit(c);
    const args = commitArgs(c, c.token ?? newToken(), this.n);
    const json = await this.conn.run((r) => r.stackmendCommit(Number(args[0]), ...args.slice(1)));
    return commitResult(c, json, (key, text) => decodeValue(this.n.kv(key), text));
  }

  async members(set: string): Promise<string[]> {
    const k = this.n.set(set);
    return (await this.conn.run((r) => r.smembers(k))).sort();
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
}
