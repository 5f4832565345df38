/**
 * Leases on every store: reconcile borrows due work, acknowledges it when done, and a borrower
 * that dies gives it back by doing nothing (the lease ends and the item is handed out again).
 * Time is the `now` the caller passes, so no test waits.
 */
import { StateArgumentError, type StateStore } from '../../../core/state';
import { describeEachStore } from './support/each-store';

const LEASE = { leaseMs: 30_000 };

describeEachStore((current) => {
  let store: StateStore;
  beforeEach(() => {
    ({ store } = current());
  });

  it('lends due items once, soonest first, with a token and attempt 1, and hides them while leased', async () => {
    await store.schedule('evacuate', 'inc-b', 2_000);
    await store.schedule('evacuate', 'inc-a', 1_000);
    await store.schedule('evacuate', 'inc-later', 9_000);
    const leased = await store.lease('evacuate', 5_000, LEASE);
    expect(leased.map(({ token: _t, ...rest }) => rest)).toEqual([
      { id: 'inc-a', dueAt: 1_000, attempts: 1, leasedUntil: 35_000 },
      { id: 'inc-b', dueAt: 2_000, attempts: 1, leasedUntil: 35_000 },
    ]);
    expect(new Set(leased.map((l) => l.token)).size).toBe(2);
    expect(await store.lease('evacuate', 5_000, LEASE)).toEqual([]);
    expect(await store.pending('evacuate')).toEqual([
      { id: 'inc-a', dueAt: 1_000, attempts: 1, leasedUntil: 35_000 },
      { id: 'inc-b', dueAt: 2_000, attempts: 1, leasedUntil: 35_000 },
      { id: 'inc-later', dueAt: 9_000 },
    ]);
  });

  it('removes an item on ack with its lease token, and keeps it on a wrong token', async () => {
    await store.schedule('notify', 'inc-1', 1_000);
    const [l] = await store.lease('notify', 1_000, LEASE);
    expect(await store.ack('notify', 'inc-1', 'not-the-token')).toBe(false);
    expect(await store.pending('notify')).toHaveLength(1);
    expect(await store.ack('notify', 'inc-1', l.token)).toBe(true);
    expect(await store.pending('notify')).toEqual([]);
    expect(await store.ack('notify', 'inc-1', l.token)).toBe(false);
  });

  it('hands an item out again after its lease ended, with attempts + 1, and refuses the old token', async () => {
    await store.schedule('evacuate', 'inc-2', 1_000);
    const [first] = await store.lease('evacuate', 1_000, LEASE);
    expect(await store.lease('evacuate', 30_999, LEASE)).toEqual([]);
    const [second] = await store.lease('evacuate', 31_000, LEASE);
    expect(second).toMatchObject({ id: 'inc-2', dueAt: 1_000, attempts: 2, leasedUntil: 61_000 });
    expect(second.token).not.toBe(first.token);
    expect(await store.ack('evacuate', 'inc-2', first.token)).toBe(false);
    expect(await store.retry('evacuate', 'inc-2', first.token, 0)).toBe(false);
    expect(await store.ack('evacuate', 'inc-2', second.token)).toBe(true);
  });

  it('gives an item back for later with retry, keeping its attempts', async () => {
    await store.schedule('stack-update', 'inc-3', 1_000);
    const [l] = await store.lease('stack-update', 1_000, LEASE);
    expect(await store.retry('stack-update', 'inc-3', l.token, 6_000)).toBe(true);
    expect(await store.pending('stack-update')).toEqual([{ id: 'inc-3', dueAt: 6_000, attempts: 1 }]);
    expect(await store.lease('stack-update', 5_999, LEASE)).toEqual([]);
    const [again] = await store.lease('stack-update', 6_000, LEASE);
    expect(again).toMatchObject({ id: 'inc-3', dueAt: 6_000, attempts: 2 });
  });

  it('lets a step reschedule its own leased item: the new schedule survives the ack', async () => {
    await store.schedule('evacuate', 'inc-4', 1_000);
    await store.schedule('evacuate', 'inc-5', 1_000);
    const [a, b] = await store.lease('evacuate', 1_000, LEASE);
    await store.schedule('evacuate', 'inc-4', 50_000);
    await store.commit({ writes: [{ kind: 'schedule', queue: 'evacuate', id: 'inc-5', dueAt: 60_000 }] });
    expect(await store.ack('evacuate', 'inc-4', a.token)).toBe(false);
    expect(await store.ack('evacuate', 'inc-5', b.token)).toBe(false);
    expect(await store.pending('evacuate')).toEqual([
      { id: 'inc-4', dueAt: 50_000 },
      { id: 'inc-5', dueAt: 60_000 },
    ]);
  });

  it('gives concurrent leasers disjoint items that together cover all due work', async () => {
    const ids = Array.from({ length: 30 }, (_, i) => `inc-${String(i).padStart(2, '0')}`);
    for (const [i, id] of ids.entries()) await store.schedule('evacuate', id, 100 + i);
    const batches = await Promise.all([1, 2, 3].map(() => store.lease('evacuate', 10_000, { limit: 12, ...LEASE })));
    const got = batches.flat().map((l) => l.id);
    expect(new Set(got).size).toBe(got.length);
    expect(got.sort()).toEqual(ids);
  });

  it('lends at most limit items and wants a positive lease time', async () => {
    for (const id of ['x', 'y', 'z']) await store.schedule('q', id, 0);
    expect((await store.lease('q', 1, { limit: 2, ...LEASE })).map((l) => l.id)).toEqual(['x', 'y']);
    await expect(store.lease('q', 1, { leaseMs: 0 })).rejects.toThrow(StateArgumentError);
    await expect(store.lease('q', 1, { limit: 0, ...LEASE })).rejects.toThrow(/limit must be a positive integer/);
  });
});
