/**
 * The StateStore contract: every implementation must pass the same behaviour.
 * Every suite runs against memory, file and Redis (support/each-store.ts).
 */
import { StateArgumentError, type StateStore } from '../../../core/state';
import type { Harness } from './support/harness';
import { describeEachStore } from './support/each-store';

describeEachStore((current) => {
  let h: Harness;
  let store: StateStore;
  beforeEach(() => {
    ({ h, store } = current());
  });

  it('returns what was put, a copy each time, and nothing after delete', async () => {
    const incident = { phase: 'fencing', servers: ['a', 'b'], at: '2026-11-23T03:00:00Z' };
    await store.put('incident:1', incident);
    const got = await store.get<typeof incident>('incident:1');
    expect(got).toEqual(incident);
    got!.servers.push('mutated');
    expect(await store.get('incident:1')).toEqual(incident);

    await store.put('incident:1', { phase: 'done' });
    expect(await store.get('incident:1')).toEqual({ phase: 'done' });
    await store.delete('incident:1');
    expect(await store.get('incident:1')).toBeUndefined();
    expect(await store.get('never-written')).toBeUndefined();
    await expect(store.delete('never-written')).resolves.toBeUndefined();
  });

  it('creates a key once with putIfAbsent and leaves the first value in place', async () => {
    expect(await store.putIfAbsent('idem:alarm-1', { by: 'first' })).toBe(true);
    expect(await store.putIfAbsent('idem:alarm-1', { by: 'second' })).toBe(false);
    expect(await store.get('idem:alarm-1')).toEqual({ by: 'first' });
  });

  it('lets exactly one of 20 concurrent putIfAbsent calls win', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => store.putIfAbsent('idem:race', { winner: i })),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await store.get('idem:race')).toEqual({ winner: results.indexOf(true) });
  });

  it('forgets entries after their TTL, keeps an expiry across update, and lets putIfAbsent reuse an expired key', async () => {
    await store.put('ttl:put', 1, { ttlSeconds: 1 });
    expect(await store.putIfAbsent('ttl:idem', 'first', { ttlSeconds: 1 })).toBe(true);
    await store.put('ttl:updated', 1, { ttlSeconds: 1 });
    expect(await store.update<number>('ttl:updated', (n) => (n ?? 0) + 1)).toBe(2);
    await store.put('ttl:forever', 'stays');
    expect(await store.get('ttl:put')).toBe(1);

    await h.advance(1_000);

    expect(await store.get('ttl:put')).toBeUndefined();
    expect(await store.get('ttl:updated')).toBeUndefined();
    expect(await store.list('ttl:')).toEqual([{ key: 'ttl:forever', value: 'stays' }]);
    expect(await store.putIfAbsent('ttl:idem', 'second')).toBe(true);
    expect(await store.get('ttl:idem')).toBe('second');
    expect(await store.update<number>('ttl:put', (n) => (n ?? 100) + 1)).toBe(101);
  });

  it('applies 20 concurrent increments without losing one', async () => {
    expect(await store.update<number>('counter', (n) => (n ?? 0) + 1)).toBe(1);
    await Promise.all(Array.from({ length: 19 }, () => store.update<number>('counter', (n) => (n ?? 0) + 1)));
    expect(await store.get('counter')).toBe(20);
  });

  it('lists live entries under a prefix, sorted by key, treating glob and escape characters literally', async () => {
    const keys = ['incident:2', 'incident:10', 'incident:1:server:b', 'incidents', 'other'];
    const globby = ['odd*[x]?\\:1', 'odd*[x]?\\:2', 'oddZ[x]?\\:3', 'oddZ[x]?:4'];
    for (const key of [...keys, ...globby]) await store.put(key, key.length);
    expect(await store.list('incident:')).toEqual([
      { key: 'incident:10', value: 11 }, // '0' sorts before ':'
      { key: 'incident:1:server:b', value: 19 },
      { key: 'incident:2', value: 10 },
    ]);
    expect((await store.list('odd*[x]?\\:')).map((e) => e.key)).toEqual(['odd*[x]?\\:1', 'odd*[x]?\\:2']);
    expect(await store.list('nothing-here:')).toEqual([]);
  });

  it('reads an appended list back in order, with offset and limit', async () => {
    for (let i = 0; i < 5; i++) await store.append('audit:incident-1', { step: i });
    expect(await store.readList('audit:incident-1')).toEqual([0, 1, 2, 3, 4].map((step) => ({ step })));
    expect(await store.readList('audit:incident-1', { offset: 1, limit: 2 })).toEqual([{ step: 1 }, { step: 2 }]);
    expect(await store.readList('audit:incident-1', { offset: 4, limit: 10 })).toEqual([{ step: 4 }]);
    expect(await store.readList('audit:none')).toEqual([]);
  });

  it('hands out scheduled work only when due, and only once', async () => {
    await store.schedule('recheck', 'srv-a', 1_000);
    await store.schedule('recheck', 'srv-b', 2_000);
    await store.schedule('recheck', 'srv-c', 3_000);
    await store.schedule('recheck', 'srv-c', 1_500); // upsert moves it earlier
    expect(await store.pending('recheck')).toEqual([
      { id: 'srv-a', dueAt: 1_000 },
      { id: 'srv-c', dueAt: 1_500 },
      { id: 'srv-b', dueAt: 2_000 },
    ]);

    expect(await store.takeDue('recheck', 999)).toEqual([]);
    expect(await store.takeDue('recheck', 1_500, 1)).toEqual(['srv-a']);
    expect(await store.takeDue('recheck', 1_500)).toEqual(['srv-c']);
    expect(await store.takeDue('recheck', 1_500)).toEqual([]);
    expect(await store.pending('recheck')).toEqual([{ id: 'srv-b', dueAt: 2_000 }]);
    expect(await store.takeDue('other-queue', 10_000)).toEqual([]);
  });

  it('gives two concurrent takers disjoint ids that together cover all due work', async () => {
    const ids = Array.from({ length: 30 }, (_, i) => `srv-${String(i).padStart(2, '0')}`);
    for (const [i, id] of ids.entries()) await store.schedule('evacuate', id, 100 + i);
    const [a, b] = await Promise.all([store.takeDue('evacuate', 10_000, 20), store.takeDue('evacuate', 10_000, 20)]);
    expect(a.filter((id) => b.includes(id))).toEqual([]);
    expect([...a, ...b].sort()).toEqual(ids);
    expect(await store.pending('evacuate')).toEqual([]);
  });

  it('refuses values JSON cannot hold and empty keys, saying what to do instead', async () => {
    await expect(store.put('k', undefined)).rejects.toThrow(StateArgumentError);
    await expect(store.put('k', undefined)).rejects.toThrow(/Use delete\(\)/);
    await expect(store.put('', 1)).rejects.toThrow(/key must be a non-empty string/);
    await expect(store.put('k', 1, { ttlSeconds: 0 })).rejects.toThrow(/ttlSeconds must be a positive number/);
  });
});
