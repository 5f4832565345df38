/**
 * RedisStore when the network or the server fails, for real (a TCP proxy in front of the
 * project's Redis, db 13): the store fails closed and fast with StateStoreUnavailableError, and a
 * caller that retries with the same owner token or commit token learns that it had won.
 */
import { createServer, type Socket } from 'node:net';
import { RedisStore, StateStoreUnavailableError } from '../../../core/state';
import { decision } from './support/decision';
import { RUN_PREFIX, deleteRunKeys, requireRedis } from './support/harness';
import { RedisProxy } from './support/redis-proxy';

const DB = 13;
const keyPrefix = `${RUN_PREFIX}faults:`;
const timing = { connectTimeoutMs: 500, commandTimeoutMs: 500 };
let proxy: RedisProxy;

beforeAll(() => requireRedis(`redis://127.0.0.1:6379/${DB}`));
beforeEach(async () => {
  proxy = new RedisProxy();
  await proxy.start();
});
afterEach(() => proxy.stop());
afterAll(() => deleteRunKeys(`redis://127.0.0.1:6379/${DB}`));

const direct = () => new RedisStore(`redis://127.0.0.1:6379/${DB}`, { keyPrefix });

describe('RedisStore under faults', () => {
  it('answers a putIfAbsent retried after its reply was lost as won, and others as taken', async () => {
    const warm = direct();
    await warm.putIfAbsent('seen:warm-up', 1); // the script is cached server-wide: the lost call runs it
    const store = new RedisStore(proxy.url(DB), { keyPrefix, timing });
    proxy.loseReplyTo('seen:lost-reply');
    const lost = await store.putIfAbsent('seen:lost-reply', { by: 'call-1' }, { owner: 'call-1' }).catch((e) => e);
    expect(lost).toBeInstanceOf(StateStoreUnavailableError);
    expect(await warm.get('seen:lost-reply')).toEqual({ by: 'call-1' }); // it did run
    expect(await store.putIfAbsent('seen:lost-reply', { by: 'call-1' }, { owner: 'call-1' })).toBe(true);
    expect(await store.putIfAbsent('seen:lost-reply', { by: 'call-2' }, { owner: 'call-2' })).toBe(false);
    await Promise.all([store.close(), warm.close()]);
  });

  it('answers a commit retried after its reply was lost as replayed, writing nothing twice', async () => {
    const warm = direct();
    await warm.commit({ writes: [] });
    const store = new RedisStore(proxy.url(DB), { keyPrefix, timing });
    const c = decision('lost-commit', 'cmp-lost', 'inc-lost', { token: 'classify-call-1' });
    proxy.loseReplyTo('inc-lost');
    expect(await store.commit(c).catch((e) => e)).toBeInstanceOf(StateStoreUnavailableError);
    expect(await store.commit(c)).toEqual({ committed: true, replayed: true });
    const audit = await warm.readList<{ incident: string }>('audit');
    expect(audit.filter((a) => a.incident === 'inc-lost')).toHaveLength(1);
    await Promise.all([store.close(), warm.close()]);
  });

  it('fails closed within a second while Redis is stopped, and works again once it is back', async () => {
    const store = new RedisStore(proxy.url(DB), { keyPrefix, timing });
    await store.put('incident:stop', 1);
    await proxy.stop();
    for (const call of [() => store.get('incident:stop'), () => store.commit(decision('s', 'cmp-s', 'inc-s'))]) {
      const started = Date.now();
      await expect(call()).rejects.toThrow(StateStoreUnavailableError);
      expect(Date.now() - started).toBeLessThan(1_500);
    }
    await proxy.start();
    expect(await store.get('incident:stop')).toBe(1);
    expect((await store.commit(decision('s', 'cmp-s', 'inc-s'))).committed).toBe(true);
    await store.close();
  });

  it('fails closed when a server accepts connections and never answers', async () => {
    const accepted: Socket[] = [];
    const silent = createServer((s) => void accepted.push(s));
    await new Promise<void>((done) => silent.listen(0, '127.0.0.1', done));
    const store = new RedisStore(`redis://127.0.0.1:${(silent.address() as { port: number }).port}/${DB}`, { timing });
    const started = Date.now();
    const err = await store.putIfAbsent('seen:x', 1).catch((e) => e);
    expect(err).toBeInstanceOf(StateStoreUnavailableError);
    expect((err as StateStoreUnavailableError).status).toBe(503);
    expect((err as Error).message).toMatch(/no answer .* within 500 ms\)\. Check that Redis is running/);
    expect(Date.now() - started).toBeLessThan(1_500);
    await store.close();
    for (const s of accepted) s.destroy();
    await new Promise((done) => silent.close(done));
  }, 20_000);
});
