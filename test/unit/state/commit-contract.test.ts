/**
 * StateStore.commit on every store: the decision of classify-alarm (de-duplication mark,
 * subject claim, circuit-breaker reservation, incident record, first due step) in one step.
 */
import { StateArgumentError, type Commit, type StateStore, type Write } from '../../../core/state';
import type { Harness } from './support/harness';
import { decision } from './support/decision';
import { describeEachStore } from './support/each-store';

describeEachStore((current) => {
  let h: Harness;
  let store: StateStore;
  beforeEach(() => {
    ({ h, store } = current());
  });

  it('writes the mark, the claim, the reservation, the record and the first due step together', async () => {
    expect(await store.commit(decision('a1', 'cmp-1', 'inc-1'))).toEqual({ committed: true, replayed: false });
    expect(await store.get('seen:a1')).toEqual({ at: 't0' });
    expect(await store.get('open-host:cmp-1')).toBe('inc-1');
    expect(await store.get('incident:inc-1')).toEqual({ key: 'inc-1', status: 'acting' });
    expect(await store.members('breaker')).toEqual(['inc-1']);
    expect(await store.pending('evacuate')).toEqual([{ id: 'inc-1', dueAt: 1_000 }]);
    expect(await store.readList('audit')).toEqual([{ incident: 'inc-1', step: 'classified' }]);
  });

  it('writes nothing and names every broken requirement with what it found', async () => {
    await store.put('seen:a2', { at: 'earlier' });
    await store.put('open-host:cmp-2', 'inc-old');
    const result = await store.commit(decision('a2', 'cmp-2', 'inc-2', { holder: 'inc-other' }));
    expect(result).toEqual({
      committed: false,
      conflicts: [
        { kind: 'exists', key: 'seen:a2', found: { at: 'earlier' } },
        { kind: 'changed', key: 'open-host:cmp-2', found: 'inc-old' },
      ],
    });
    expect(await store.get('open-host:cmp-2')).toBe('inc-old');
    expect(await store.get('incident:inc-2')).toBeUndefined();
    expect(await store.members('breaker')).toEqual([]);
    expect(await store.pending('evacuate')).toEqual([]);
    expect(await store.readList('audit')).toEqual([]);
  });

  it('takes a subject over from the holder it read, and reports a missing one as changed', async () => {
    await store.put('open-host:cmp-3', 'inc-done');
    expect((await store.commit(decision('a3', 'cmp-3', 'inc-3', { holder: 'inc-done' }))).committed).toBe(true);
    expect(await store.get('open-host:cmp-3')).toBe('inc-3');
    expect(await store.commit(decision('a4', 'cmp-4', 'inc-4', { holder: 'inc-gone' }))).toEqual({
      committed: false,
      conflicts: [{ kind: 'changed', key: 'open-host:cmp-4', found: undefined }],
    });
  });

  it('reserves at most limit members, re-reserves a member it holds, and frees a slot on release', async () => {
    for (let i = 1; i <= 5; i++)
      expect((await store.commit(decision(`b${i}`, `h${i}`, `inc-${i}`))).committed).toBe(true);
    const sixth = await store.commit(decision('b6', 'h6', 'inc-6'));
    expect(sixth).toEqual({
      committed: false,
      conflicts: [{ kind: 'full', set: 'breaker', limit: 5, members: ['inc-1', 'inc-2', 'inc-3', 'inc-4', 'inc-5'] }],
    });
    expect(await store.get('seen:b6')).toBeUndefined();
    const recheck: Write = { kind: 'reserve', set: 'breaker', member: 'inc-3', limit: 5 };
    expect((await store.commit({ writes: [recheck] })).committed).toBe(true);
    await store.commit({ writes: [{ kind: 'release', set: 'breaker', member: 'inc-1' }] });
    expect((await store.commit(decision('b6', 'h6', 'inc-6'))).committed).toBe(true);
    expect(await store.members('breaker')).toEqual(['inc-2', 'inc-3', 'inc-4', 'inc-5', 'inc-6']);
  });

  it('lets exactly 5 of 10 simultaneous alarms for different hosts past a breaker of 5', async () => {
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => store.commit(decision(`c${i}`, `host-${i}`, `inc-c${i}`))),
    );
    expect(results.filter((r) => r.committed)).toHaveLength(5);
    expect(await store.members('breaker')).toHaveLength(5);
    expect(await store.pending('evacuate')).toHaveLength(5);
  });

  it('gives one host to exactly one of 20 simultaneous alarms', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => store.commit(decision(`d${i}`, 'cmp-shared', `inc-d${i}`))),
    );
    const winners = results.flatMap((r, i) => (r.committed ? [`inc-d${i}`] : []));
    expect(winners).toHaveLength(1);
    expect(await store.get('open-host:cmp-shared')).toBe(winners[0]);
    expect(await store.list('incident:')).toHaveLength(1);
  });

  it('answers a retried commit as replayed without writing again; another token conflicts', async () => {
    expect(await store.commit(decision('e1', 'cmp-e', 'inc-e', { token: 'tok-e' }))).toEqual({
      committed: true,
      replayed: false,
    });
    expect(await store.commit(decision('e1', 'cmp-e', 'inc-e', { token: 'tok-e' }))).toEqual({
      committed: true,
      replayed: true,
    });
    expect(await store.readList('audit')).toHaveLength(1);
    const other = await store.commit(decision('e1', 'cmp-e', 'inc-e', { token: 'tok-other' }));
    expect(other.committed).toBe(false);
  });

  it('counts a key its own token created as absent, and deletes in the same step', async () => {
    expect(await store.putIfAbsent('seen:f1', { at: 't0' }, { owner: 'tok-f' })).toBe(true);
    await store.put('progress:f', 1);
    const c: Commit = {
      token: 'tok-f',
      requires: [{ kind: 'absent', key: 'seen:f1' }],
      writes: [
        { kind: 'delete', key: 'progress:f' },
        { kind: 'put', key: 'done:f', value: true },
      ],
    };
    expect((await store.commit(c)).committed).toBe(true);
    expect(await store.get('progress:f')).toBeUndefined();
    expect(await store.get('done:f')).toBe(true);
  });

  it('forgets a committed put after its TTL', async () => {
    await store.commit({ writes: [{ kind: 'put', key: 'ttl:c', value: 1, ttlSeconds: 1 }] });
    expect(await store.get('ttl:c')).toBe(1);
    await h.advance(1_000);
    expect(await store.get('ttl:c')).toBeUndefined();
    expect((await store.commit({ requires: [{ kind: 'absent', key: 'ttl:c' }], writes: [] })).committed).toBe(true);
  });

  it('refuses a commit it cannot apply as asked, before writing anything', async () => {
    const twice: Commit = {
      writes: [
        { kind: 'reserve', set: 's', member: 'a', limit: 2 },
        { kind: 'reserve', set: 's', member: 'b', limit: 2 },
      ],
    };
    await expect(store.commit(twice)).rejects.toThrow(StateArgumentError);
    await expect(store.commit({ writes: [{ kind: 'put', key: 'k', value: undefined }] })).rejects.toThrow(/delete\(\)/);
    await expect(store.commit({ writes: [{ kind: 'reserve', set: 's', member: 'a', limit: -1 }] })).rejects.toThrow(
      /limit must be a non-negative integer/,
    );
    expect(await store.members('s')).toEqual([]);
  });
});

describeEachStore((current) => {
  let store: StateStore;
  beforeEach(() => {
    ({ store } = current());
  });

  it('putIfAbsent answers true again to the owner that created the key, false to anyone else', async () => {
    expect(await store.putIfAbsent('seen:g', 1, { owner: 'call-1' })).toBe(true);
    expect(await store.putIfAbsent('seen:g', 2, { owner: 'call-1' })).toBe(true); // a re-sent or retried call
    expect(await store.putIfAbsent('seen:g', 3, { owner: 'call-2' })).toBe(false);
    expect(await store.putIfAbsent('seen:g', 4)).toBe(false);
    expect(await store.get('seen:g')).toBe(1);
    await store.update<number>('seen:g', (n) => (n ?? 0) + 10);
    expect(await store.putIfAbsent('seen:g', 5, { owner: 'call-1' })).toBe(true);
    await store.put('seen:g', 6); // a plain put forgets the owner
    expect(await store.putIfAbsent('seen:g', 7, { owner: 'call-1' })).toBe(false);
    await store.delete('seen:g');
    expect(await store.putIfAbsent('seen:g', 8, { owner: 'call-2' })).toBe(true);
    expect(await store.get('seen:g')).toBe(8);
  });
});
