/**
 * RedisStore beyond the contract: where its keys live, and what happens when Redis is not there.
 */
import Redis from 'ioredis';
import { RedisStore, StateCorruptError, StateStoreUnavailableError } from '../../../core/state';
import { escapeGlob } from '../../../core/state/redis-store';
import { REDIS_URL, RUN_PREFIX, deleteRunKeys, requireRedis } from './support/harness';

afterAll(deleteRunKeys);

/** A store on the test db plus a raw client to look behind it. */
async function withRedis(
  keyPrefix: string | undefined,
  run: (store: RedisStore, raw: Redis, keyPrefix: string) => Promise<void>,
) {
  await requireRedis();
  const store = new RedisStore(REDIS_URL, { keyPrefix });
  const raw = new Redis(REDIS_URL);
  try {
    await run(store, raw, keyPrefix ?? 'stackmend:');
  } finally {
    raw.disconnect();
    await store.close();
  }
}

describe('RedisStore', () => {
  it('fails fast with StateStoreUnavailableError naming the URL when nothing listens there', async () => {
    const store = new RedisStore('redis://127.0.0.1:1/0');
    const started = Date.now();
    const err = await store.get('anything').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StateStoreUnavailableError);
    expect((err as Error).message).toMatch(
      /redis:\/\/127\.0\.0\.1:1\/0 is unreachable \(.*ECONNREFUSED.*\)\. Check that Redis is running/,
    );
    expect(Date.now() - started).toBeLessThan(2_000);
    // A later call tries again instead of hanging on a dead connection.
    await expect(store.putIfAbsent('k', 1)).rejects.toThrow(StateStoreUnavailableError);
    await store.close();
  });

  it('keeps its password out of the error message', async () => {
    const store = new RedisStore('redis://:hunter2@127.0.0.1:1/0');
    const err = (await store.get('x').catch((e: unknown) => e)) as Error;
    expect(err.message).toContain('redis://:***@127.0.0.1:1/0');
    expect(err.message).not.toContain('hunter2');
    await store.close();
  });

  it('stores JSON under its key prefix, with Redis expiring TTL keys itself', async () => {
    await withRedis(`${RUN_PREFIX}layout:`, async (store, raw, keyPrefix) => {
      await store.put('incident:1', { phase: 'fencing' }, { ttlSeconds: 30 });
      await store.append('audit:1', 'started');
      await store.schedule('recheck', 'srv-a', 42);
      expect(await raw.get(`${keyPrefix}kv:incident:1`)).toBe('{"phase":"fencing"}');
      expect(await raw.pttl(`${keyPrefix}kv:incident:1`)).toBeGreaterThan(29_000);
      expect(await raw.lrange(`${keyPrefix}list:audit:1`, 0, -1)).toEqual(['"started"']);
      expect(await raw.zscore(`${keyPrefix}queue:recheck`, 'srv-a')).toBe('42');
    });
  });

  it('puts keys under stackmend: by default', async () => {
    const key = `${RUN_PREFIX.slice('stackmend:'.length)}default-prefix`;
    await withRedis(undefined, async (store, raw) => {
      await store.put(key, true);
      expect(await raw.exists(`stackmend:kv:${key}`)).toBe(1);
      await store.delete(key); // outside the run prefix, so deleteRunKeys would not see it
    });
  });

  it('names the Redis key when something other than stackmend wrote there', async () => {
    await withRedis(`${RUN_PREFIX}foreign:`, async (store, raw, keyPrefix) => {
      await raw.set(`${keyPrefix}kv:incident:1`, 'not json');
      await expect(store.get('incident:1')).rejects.toThrow(StateCorruptError);
      await expect(store.update('incident:1', () => 1)).rejects.toThrow(`${keyPrefix}kv:incident:1`);
    });
  });

  it.each([
    ['incident:*', 'incident:\\*'],
    ['a?b[c]d\\e', 'a\\?b\\[c\\]d\\\\e'],
    ['plain:key', 'plain:key'],
  ])('escapes SCAN glob characters in %p', (prefix, escaped) => {
    expect(escapeGlob(prefix)).toBe(escaped);
  });
});
