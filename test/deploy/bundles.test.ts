/**
 * The function bundles as `npm run build` makes them, with what scripts/bundle-shims.mjs leaves out:
 * the trimmed packages still do stackmend's work (ioredis against the host's Redis, db 9; run under
 * flock /tmp/stackmend-redis.lock), and a left-out feature is absent from the bundle.
 */
import { spawnSync } from 'node:child_process';
import Redis from 'ioredis';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { STEP_NAMES } from '../../core/domain/pipeline';
import { RedisStore } from '../../core/state';
import { scratchService, type ScratchService } from './support';

const REDIS = 'redis://127.0.0.1:6379/9';
const MARK = '@@bundle@@';

/** db 9 belongs to these tests and the benchmarks (bench/storm): emptied before and after. */
const flush = async () => {
  const r = new Redis(REDIS);
  await r.flushdb();
  await r.quit();
};

let service: ScratchService;
beforeAll(async () => {
  await flush();
  service = await scratchService();
});
afterAll(async () => {
  service?.remove();
  await flush();
});

const bundle = (fn: string) => path.join(service.dir, 'dist', fn, 'index.js');

/** `main(params)` of a bundle in a fresh node: its answer. */
function main(fn: string, params: Record<string, unknown>): { statusCode?: number; body?: unknown } {
  const probe = `require(process.argv[1]).main(JSON.parse(process.argv[2])).then((a) => { process.stdout.write('${MARK}' + JSON.stringify(a) + '\\n'); process.exit(0); });`;
  const run = spawnSync(process.execPath, ['-e', probe, bundle(fn), JSON.stringify(params)], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  const line = run.stdout.split('\n').find((l) => l.startsWith(MARK));
  if (!line) throw new Error(`dist/${fn}/index.js gave no answer: ${run.stderr}`);
  return JSON.parse(line.slice(MARK.length));
}

describe('the function bundles', () => {
  it.each([...STEP_NAMES])('%s runs its reconcile on a real Redis with the trimmed ioredis', async (fn) => {
    const store = new RedisStore(REDIS);
    await store.schedule(fn, 'bundle-probe', Date.now() + 3_600_000); // due later: the tick leases nothing
    try {
      const answer = main(fn, { reconcile: true, state_url: REDIS, webhook_token: 'bundle-probe' });

      expect(answer.statusCode).toBe(200);
      expect((await store.pending(fn)).map((p) => p.id)).toContain('bundle-probe');
    } finally {
      await store.close();
    }
  });

  it.each([...STEP_NAMES])('%s leaves out Redis Cluster and Sentinel, zod’s JSON Schema and axios’ fetch', (fn) => {
    const source = fs.readFileSync(bundle(fn), 'utf8');

    expect(source).toContain('NotBundledError');
    for (const gone of ['ClusterSubscriberGroup', 'SentinelIterator(', 'JSONSchemaGenerator', 'fetchAdapter'])
      expect(source).not.toContain(gone);
  });
});
