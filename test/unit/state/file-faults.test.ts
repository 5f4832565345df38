/**
 * FileStore on a file system that fills up or turns read-only, for real: a 1 MiB tmpfs mounted
 * for the test (root only; elsewhere this suite is skipped). For every amount of free space a
 * commit is all or nothing, leaves no lock, temp or journal file behind, fails with
 * StateStoreUnavailableError (503), and succeeds once space is back — never a DUPLICATE.
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readdirSync, rmSync, truncateSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileStore, StateStoreUnavailableError, type Commit, type StateStore } from '../../../core/state';
import { BREAKER, decision } from './support/decision';

const PAGE = 4096;
const asRoot = process.getuid?.() === 0;
let mnt: string;
let filler: string;

function fillUp(): void {
  try {
    for (;;) appendFileSync(filler, Buffer.alloc(PAGE));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
  }
}

/** Fill the disk, then free `pages` pages. */
function leaveFree(pages: number): void {
  fillUp();
  truncateSync(filler, Math.max(0, Math.floor(statSync(filler).size / PAGE) - pages) * PAGE);
}

const leftovers = (store: string) =>
  ['locks', 'tmp', 'journal'].flatMap((d) => readdirSync(join(store, d)).map((f) => `${d}/${f}`));

async function visibleParts(store: StateStore, c: Commit): Promise<boolean[]> {
  const [seen, subject, , record] = c.writes.map((w) => (w.kind === 'put' ? w.key : ''));
  const id = record.slice('incident:'.length);
  return [
    (await store.get(seen)) !== undefined,
    (await store.get(subject)) !== undefined,
    (await store.get(record)) !== undefined,
    (await store.members(BREAKER)).includes(id),
    (await store.pending('evacuate')).some((p) => p.id === id),
    (await store.readList<{ incident: string }>('audit')).some((a) => a.incident === id),
  ];
}

(asRoot ? describe : describe.skip)('FileStore on a full or read-only disk (a tmpfs, needs root)', () => {
  beforeEach(() => {
    mnt = mkdtempSync(join(tmpdir(), 'stackmend-full-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mnt]);
    filler = join(mnt, 'filler');
  });
  afterEach(() => {
    execFileSync('umount', [mnt]);
    rmSync(mnt, { recursive: true, force: true });
  });

  it('commits all or nothing at every amount of free space, and every refused commit succeeds later', async () => {
    const dir = join(mnt, 'state');
    const store = new FileStore(dir);
    await store.put('incident:before', { status: 'acting' });
    const refused: Commit[] = [];
    for (let pages = 0; pages <= 16; pages++) {
      leaveFree(pages);
      const c = decision(`alarm-${pages}`, `cmp-${pages}`, `inc-${pages}`, { limit: 100 });
      const result = await store.commit(c).catch((e: unknown) => e);
      const parts = await visibleParts(store, c);
      if (result instanceof Error) {
        expect(result).toBeInstanceOf(StateStoreUnavailableError);
        expect(result.message).toMatch(/ENOSPC.*Nothing was stored; the file system is full: free space/);
        expect(parts).toEqual(parts.map(() => false));
        refused.push(c);
      } else {
        expect(result).toEqual({ committed: true, replayed: false });
        expect(parts).toEqual(parts.map(() => true));
      }
      expect(leftovers(dir)).toEqual([]);
    }
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.length).toBeLessThan(17);

    leaveFree(0);
    await expect(store.put('incident:before', { status: 'done' })).rejects.toThrow(StateStoreUnavailableError);
    expect(await store.get('incident:before')).toEqual({ status: 'acting' }); // no half-written value
    await expect(store.putIfAbsent('seen:full', 1)).rejects.toThrow(StateStoreUnavailableError);
    expect(await store.get('seen:full')).toBeUndefined();
    expect(leftovers(dir)).toEqual([]);

    rmSync(filler);
    for (const c of refused) expect(await store.commit(c)).toEqual({ committed: true, replayed: false });
    expect(await store.putIfAbsent('seen:full', 1)).toBe(true);
    expect(await store.members(BREAKER)).toHaveLength(17);
  });

  it('fails closed on a read-only file system and works again once it is writable', async () => {
    const dir = join(mnt, 'state');
    const store = new FileStore(dir);
    execFileSync('mount', ['-o', 'remount,ro', mnt]);
    const err = await store.commit(decision('ro', 'cmp-ro', 'inc-ro')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StateStoreUnavailableError);
    expect((err as StateStoreUnavailableError).status).toBe(503);
    expect((err as Error).message).toMatch(/EROFS.*mounted read-only: remount it read-write/);
    execFileSync('mount', ['-o', 'remount,rw', mnt]);
    expect((await store.commit(decision('ro', 'cmp-ro', 'inc-ro'))).committed).toBe(true);
  });
});
