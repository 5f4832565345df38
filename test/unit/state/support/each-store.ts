/**
 * Runs one behaviour suite against every StateStore implementation: memory, file and Redis
 * (the project's Redis on 127.0.0.1:6379, db 11, keys under a per-run prefix).
 */
import type { StateStore } from '../../../../core/state';
import { deleteRunKeys, fileHarness, memoryHarness, redisHarness, requireRedis, type Harness } from './harness';

const harnesses = { memory: memoryHarness, file: fileHarness, redis: redisHarness } as const;
export type Current = { store: StateStore; h: Harness };

export function describeEachStore(body: (current: () => Current) => void): void {
  afterAll(deleteRunKeys);
  describe.each(Object.keys(harnesses) as (keyof typeof harnesses)[])('%s store', (name) => {
    let current: Current;
    beforeAll(async () => {
      if (name === 'redis') await requireRedis();
    });
    beforeEach(() => {
      const h = harnesses[name]();
      current = { h, store: h.open() };
    });
    afterEach(async () => {
      await current.store.close();
      await current.h.cleanup();
    });
    body(() => current);
  });
}
