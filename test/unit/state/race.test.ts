/**
 * Races between real processes (support/race-worker.ts, each its own Node process running the
 * store through tsx) on the file store and on Redis (db 12, keys under a per-run prefix):
 * one winner for one alarm, the circuit breaker holds, and work leased by a process killed with
 * SIGKILL comes back and is acknowledged exactly once.
 */
import type { Leased } from '../../../core/state';
import { firstLine, RACE_STORES, raceTargets, runAll, startSoon, startWorker } from './support/race';
import { openTarget } from './support/race-jobs';

const RACE_REDIS = 'redis://127.0.0.1:6379/12';
const PROCESSES = 8;
const names = Array.from({ length: PROCESSES }, (_, i) => `p${i + 1}`);

describe.each(RACE_STORES)('%s store, 8 processes', (kind) => {
  const newTarget = raceTargets(kind, RACE_REDIS, 'race');

  it('lets exactly one of 8 × 1,000 putIfAbsent calls of one alarm win', async () => {
    const target = newTarget();
    const startAt = startSoon();
    const out = await runAll(names.map((name) => ({ target, name, startAt, scenario: 'create', times: 1_000 })));
    const wins = out.map((lines) => (lines[0] as { wins: number }).wins);
    expect(wins.reduce((a, b) => a + b, 0)).toBe(1);
    const store = openTarget(target);
    expect(await store.get('seen:alarm-1')).toEqual({ by: names[wins.indexOf(1)], i: 0 });
    await store.close();
  }, 120_000);

  it('gives each of 10 hosts to one process and reserves at most 5 breaker slots', async () => {
    const target = newTarget();
    const startAt = startSoon();
    const out = await runAll(
      names.map((name) => ({ target, name, startAt, scenario: 'claim', subjects: 10, limit: 5 })),
    );
    const claimed = out.flatMap((lines) => (lines[0] as { claimed: string[] }).claimed);
    expect(claimed).toHaveLength(5);
    expect(new Set(claimed).size).toBe(5);
    const store = openTarget(target);
    expect(await store.members('breaker')).toHaveLength(5);
    expect(await store.list('incident:')).toHaveLength(5);
    expect(await store.pending('evacuate')).toHaveLength(5);
    expect(await store.readList('audit')).toHaveLength(5);
    await store.close();
  }, 120_000);

  it('hands work leased by a SIGKILLed process to a survivor after the lease, acknowledged once', async () => {
    const target = newTarget();
    const ids = Array.from({ length: 12 }, (_, i) => `inc-${String(i).padStart(2, '0')}`);
    const seed = openTarget(target);
    for (const id of ids) await seed.schedule('work', id, Date.now());
    const victim = startWorker({
      target,
      name: 'victim',
      startAt: 0,
      scenario: 'lease-and-hang',
      leaseMs: 3_000,
      limit: 5,
    });
    const held = ((await firstLine(victim)) as { leased: Leased[] }).leased.map((l) => l.id);
    expect(held).toHaveLength(5);
    victim.child.kill('SIGKILL');
    expect(await victim.exited).toBeNull(); // killed, no exit code
    const deadline = Date.now() + 60_000;
    const startAt = startSoon();
    const out = await runAll(
      ['s1', 's2', 's3'].map((name) => ({ target, name, startAt, scenario: 'drain', leaseMs: 30_000, deadline })),
    );
    const acked = out.flat().flatMap((l) => ('acked' in (l as object) ? [(l as { acked: Leased }).acked] : []));
    expect(acked.map((a) => a.id).sort()).toEqual(ids);
    for (const a of acked) expect(a.attempts).toBe(held.includes(a.id) ? 2 : 1);
    expect(await seed.pending('work')).toEqual([]);
    await seed.close();
  }, 120_000);
});
