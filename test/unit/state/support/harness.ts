/**
 * The three stores under one harness, so the contract suite reads the same for each.
 * Memory and file stores get an injected clock; Redis expires on its own clock, so time is real.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { FileStore, MemoryStore, RedisStore, type StateStore } from '../../../../core/state';

export const REDIS_URL = 'redis://127.0.0.1:6379/11';
export const RUN_PREFIX = `stackmend:test-${process.pid}-${Date.now().toString(36)}:`;

export type Harness = {
  name: 'memory' | 'file' | 'redis';
  open(): StateStore;
  /** Let ms pass for expiry purposes. */
  advance(ms: number): Promise<void>;
  cleanup(): Promise<void>;
};

export function memoryHarness(): Harness {
  let t = 1_700_000_000_000;
  return {
    name: 'memory',
    open: () => new MemoryStore({ now: () => t }),
    advance: async (ms) => void (t += ms),
    cleanup: async () => undefined,
  };
}

export function fileHarness(): Harness {
  let t = 1_700_000_000_000;
  const dir = mkdtempSync(join(tmpdir(), 'stackmend-state-'));
  return {
    name: 'file',
    open: () => new FileStore(dir, { now: () => t }),
    advance: async (ms) => void (t += ms),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

let harnessCount = 0;
export function redisHarness(): Harness {
  const keyPrefix = `${RUN_PREFIX}${++harnessCount}:`;
  return {
    name: 'redis',
    open: () => new RedisStore(REDIS_URL, { keyPrefix }),
    advance: (ms) => new Promise((resolve) => setTimeout(resolve, ms + 100)),
    cleanup: async () => undefined, // keys go in afterAll via deleteRunKeys
  };
}

/** Fails the suite with a message that says what to do when the project's Redis is not running. */
export async function requireRedis(url = REDIS_URL): Promise<void> {
  const r = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 1000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  r.on('error', () => undefined);
  try {
    await r.connect();
    await r.ping();
  } catch (e) {
    throw new Error(
      `Redis is not reachable at ${url} (${(e as Error).message}). The state-store suite needs the project's Redis 7 ` +
        'on 127.0.0.1:6379: start it (e.g. `redis-server --daemonize yes --save ""`) and run the tests again.',
    );
  } finally {
    r.disconnect();
  }
}

/** Delete every key this test run created in that database (and nothing else). */
export async function deleteRunKeys(url = REDIS_URL): Promise<void> {
  const r = new Redis(url, { maxRetriesPerRequest: 1 });
  r.on('error', () => undefined);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await r.scan(cursor, 'MATCH', `${RUN_PREFIX}*`, 'COUNT', 1000);
      if (keys.length) await r.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    r.disconnect();
  }
}
