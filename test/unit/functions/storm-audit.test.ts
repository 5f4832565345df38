/**
 * A storm's transitions in the audit log, once each however many invocations race
 * (functions/_shared/blast.ts writes them in the commit that moves `blast:storms`; core/policy/storms.ts
 * says which). Ten hosts fenced by an external agent at once, each running a pet (./support/scenes.ts
 * `ten-hosts`, the recorded COMPUTE_HOST notification), under the default blast radius: 10 of 13 hosts
 * failed, over the cloud's 50 %. Raced in one process (Promise.all) on the memory, file and Redis stores,
 * and by 8 processes (./support/classify-worker.ts) on the file and Redis stores. Redis: the project's on
 * 127.0.0.1:6379, db 15, keys under this run's prefix (deleted after the suite).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { assessBlast } from '../../../core/policy/blast';
import { PolicySchema } from '../../../core/policy/policy';
import type { StormAudit } from '../../../core/policy/storms';
import { FileStore, MemoryStore, RedisStore, type StateStore } from '../../../core/state';
import { step as classify } from '../../../functions/classify-alarm';
import { readBlast, saveStorms, STORMS } from '../../../functions/_shared/blast';
import { AUDIT_LOG, Incidents, isStormAudit, type AuditEntry } from '../../../functions/_shared/incidents';
import { deleteRunKeys, requireRedis, RUN_PREFIX } from '../state/support/harness';
import { RACE_STORES, raceTargets, runAll, startSoon } from '../state/support/race';
import { openTarget } from '../state/support/race-jobs';
import type { ClassifyJob } from './support/classify-worker';
import { HOSTS, hostDown, sceneCloud, sceneFactory, T0 } from './support/scenes';

const REDIS = 'redis://127.0.0.1:6379/15';
const RACERS = 8;
/** The default blast radius (cloud 50 %); breaker room for every host, so that only the storm holds them. */
const CONFIG = { policy: { maxOpenIncidents: 20 } };
const POLICY = PolicySchema.parse(CONFIG.policy);

const storms = async (store: StateStore): Promise<StormAudit[]> =>
  (await store.readList<AuditEntry>(AUDIT_LOG)).filter(isStormAudit);
const started = async (store: StateStore) => (await storms(store)).filter((e) => e.storm === 'started');

const STORES = ['memory', 'file', 'redis'] as const;
let redisRuns = 0;

describe.each(STORES)('storm audit raced in one process on the %s store', (kind) => {
  let store: StateStore;
  let dir: string | undefined;
  let t = T0;
  const now = () => t;
  beforeAll(async () => {
    if (kind === 'redis') await requireRedis(REDIS);
  });
  beforeEach(() => {
    t = T0;
    dir = kind === 'file' ? mkdtempSync(join(tmpdir(), 'stackmend-storm-audit-')) : undefined;
    store =
      kind === 'memory'
        ? new MemoryStore({ now })
        : kind === 'file'
          ? new FileStore(dir!, { now })
          : new RedisStore(REDIS, { keyPrefix: `${RUN_PREFIX}storm-audit-${++redisRuns}:` });
  });
  afterEach(async () => {
    await store.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  afterAll(async () => {
    if (kind === 'redis') await deleteRunKeys(REDIS);
  });

  const classifyAll = (factory: ReturnType<typeof sceneFactory>, bodies: unknown[]) =>
    Promise.all(
      bodies.map((body) => classify.handle({ method: 'POST', headers: {}, query: {}, body, config: CONFIG }, factory)),
    );

  it(`logs "storm started" once when ${RACERS} host alarms are decided at once, and nothing when a look changes nothing`, async () => {
    const factory = sceneFactory(store, sceneCloud('ten-hosts', now), now);
    const res = await classifyAll(
      factory,
      HOSTS.slice(0, RACERS).map((h) => hostDown(h)),
    );
    const outcomes = res.flatMap((r) => (r.body as { results: { outcome: string }[] }).results.map((x) => x.outcome));
    expect(outcomes).toEqual(Array(RACERS).fill('HELD_FOR_APPROVAL'));
    expect(await started(store)).toEqual([
      expect.objectContaining({ scope: 'cloud', failed: HOSTS.slice().sort(), total: 13, limit: '50%' }),
    ]);
    expect(await storms(store)).toHaveLength(1);
    // every held incident looked at again (heldRecheckSec later): the storm goes on unchanged, nothing logged
    t += POLICY.heldRecheckSec * 1000;
    const again = await classify.handle(
      { method: 'POST', headers: {}, query: {}, body: { reconcile: true }, config: CONFIG },
      factory,
    );
    expect((again.body as { results: unknown[] }).results).toHaveLength(RACERS);
    expect(await storms(store)).toHaveLength(1);
  });

  it(`logs each transition once when ${RACERS} invocations store the same look`, async () => {
    const cloud = sceneCloud('ten-hosts', now);
    const nova = cloud.nova;
    const d = { store, incidents: new Incidents(store, now), policy: POLICY, now };
    const look = async () => {
      const read = await readBlast(d, await nova.listComputeServices(), []);
      return { read, v: assessBlast(HOSTS[0], read, POLICY, false) };
    };
    const race = async () => {
      const { read, v } = await look();
      await Promise.all(Array.from({ length: RACERS }, () => saveStorms(store, read, v, POLICY)));
    };
    await race();
    expect((await storms(store)).map((e) => e.storm)).toEqual(['started']);
    await race(); // the same storm looked at again: nothing changes, nothing logged
    expect((await storms(store)).map((e) => e.storm)).toEqual(['started']);
    for (const h of HOSTS.slice(1)) nova.setService(h, { state: 'up', forced_down: false, updated_at: novaNow(t) });
    await race(); // 1 of 13 failed: back under the limit, the cooldown starts
    t += POLICY.blastRadius.stormCooldownSec * 1000;
    for (const h of HOSTS.slice(1)) nova.setService(h, { updated_at: novaNow(t) });
    await race(); // the cooldown is over
    expect((await storms(store)).map((e) => e.storm)).toEqual(['started', 'calming', 'resumed']);
    expect(await store.get(STORMS)).toBeUndefined();
  });
});

/** Nova's updated_at for epoch ms (UTC, microseconds, no zone), as the fake cloud writes it. */
const novaNow = (ms: number) => new Date(ms).toISOString().replace('Z', '000');

describe.each(RACE_STORES)(`storm audit raced by ${RACERS} processes on the %s store`, (kind) => {
  const newTarget = raceTargets(kind, REDIS, 'storm-audit');

  it(`logs "storm started" once when ${RACERS} processes each decide one host alarm at once`, async () => {
    const target = newTarget();
    const startAt = startSoon();
    const jobs: ClassifyJob[] = HOSTS.slice(0, RACERS).map((h, p) => ({
      target,
      scene: 'ten-hosts',
      name: `p${p + 1}`,
      startAt,
      alarms: [hostDown(h)],
      config: CONFIG,
    }));
    const out = await runAll(jobs, resolve(__dirname, 'support/classify-worker.ts'));
    expect(out.map(([line]) => line)).toEqual(jobs.map(() => ({ outcomes: { HELD_FOR_APPROVAL: 1 } })));
    const store = openTarget(target);
    expect(await started(store)).toHaveLength(1);
    expect(await storms(store)).toHaveLength(1);
    await store.close();
  }, 120_000);
});
