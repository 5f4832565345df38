/**
 * FileStore beyond the contract: one directory shared by several store instances, several
 * bundled copies of the code, and several processes must behave as one store.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { FileStore, StateCorruptError, StateLockTimeoutError, StateStoreUnavailableError } from '../../../core/state';
import { lockFile, layoutOf } from '../../../core/state/file/names';

const run = promisify(execFile);
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'stackmend-filestore-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('FileStore', () => {
  it('behaves as one store when two instances share a directory', async () => {
    const a = new FileStore(dir);
    const b = new FileStore(dir);
    expect(await a.putIfAbsent('idem:x', 'a')).toBe(true);
    expect(await b.putIfAbsent('idem:x', 'b')).toBe(false);
    await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).update<number>('n', (n) => (n ?? 0) + 1)));
    expect(await a.get('n')).toBe(20);
    await b.append('audit', 1);
    await a.append('audit', 2);
    expect(await a.readList('audit')).toEqual([1, 2]);
    await a.schedule('q', 'job', 5);
    expect(await b.pending('q')).toEqual([{ id: 'job', dueAt: 5 }]);
    expect(await b.takeDue('q', 10)).toEqual(['job']);
    expect(await a.takeDue('q', 10)).toEqual([]);
  });

  it('shares state with a separately loaded copy of its own code', async () => {
    let Copy: typeof FileStore | undefined;
    jest.isolateModules(() => {
      Copy = (jest.requireActual('../../../core/state/file-store') as { FileStore: typeof FileStore }).FileStore;
    });
    expect(Copy).not.toBe(FileStore);
    const original = new FileStore(dir);
    const copy = new Copy!(dir);
    expect(await original.putIfAbsent('idem:bundle', 1)).toBe(true);
    expect(await copy.putIfAbsent('idem:bundle', 2)).toBe(false);
    await copy.update<number>('idem:bundle', (n) => (n ?? 0) + 10);
    expect(await original.get('idem:bundle')).toBe(11);
  });

  it('stays correct when three processes increment, create and take work at once', async () => {
    const ids = Array.from({ length: 12 }, (_, i) => `job-${i}`);
    const seed = new FileStore(dir);
    for (const id of ids) await seed.schedule('work', id, 0);
    const worker = resolve(__dirname, 'support/file-worker.ts');
    const startAt = String(Date.now() + 1_500); // after every child has loaded, so their loops overlap
    const outs = await Promise.allSettled(
      ['p1', 'p2', 'p3'].map((name) =>
        run(process.execPath, ['--import', 'tsx', worker, dir, name, '100', startAt], { timeout: 25_000 }),
      ),
    );
    const results = outs.map((o) => {
      if (o.status === 'rejected') throw o.reason;
      return JSON.parse(o.value.stdout) as { won: boolean; taken: string[] };
    });
    expect(await seed.get('counter')).toBe(300);
    expect(results.filter((r) => r.won)).toHaveLength(1);
    expect(results.flatMap((r) => r.taken).sort()).toEqual([...ids].sort());
    expect(await seed.readList('audit')).toHaveLength(3);
  }, 30_000);

  it('takes over a lock left behind by a crashed process', async () => {
    const store = new FileStore(dir);
    const lock = lockFile(layoutOf(dir), 'progress:srv-1');
    writeFileSync(lock, 'crashed-holder');
    const old = new Date(Date.now() - 60_000);
    utimesSync(lock, old, old);
    expect(await store.update<number>('progress:srv-1', (n) => (n ?? 0) + 1)).toBe(1);
    expect(readdirSync(join(dir, 'locks'))).toEqual([]);
  });

  it('gives up on a live lock after a bounded wait with StateLockTimeoutError', async () => {
    const store = new FileStore(dir, { lock: { waitMs: 100 } });
    const lock = lockFile(layoutOf(dir), 'progress:srv-2');
    writeFileSync(lock, 'busy-holder');
    const started = Date.now();
    const err = await store.put('progress:srv-2', 1).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StateLockTimeoutError);
    expect((err as Error).message).toMatch(/progress:srv-2.*delete that lock file/s);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(await store.get('progress:srv-2')).toBeUndefined();
  });

  it('keeps very long and non-ASCII keys apart, and lists them by prefix', async () => {
    const store = new FileStore(dir);
    const long = (tail: string) => `incident:${'x'.repeat(300)}:${tail}`;
    const keys = [long('a'), long('b'), 'Server:É/../etc', 'server:é/../etc'];
    for (const key of keys) await store.put(key, key.slice(-3));
    for (const key of keys) expect(await store.get(key)).toBe(key.slice(-3));
    expect((await store.list('incident:xxx')).map((e) => e.key)).toEqual([long('a'), long('b')]);
    expect((await store.list('server:')).map((e) => e.key)).toEqual(['server:é/../etc']);
    expect(readdirSync(join(dir, 'kv')).every((f) => Buffer.byteLength(f) < 255)).toBe(true);
  });

  it('says which directory is unusable when it cannot be created', () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, '');
    expect(() => new FileStore(join(file, 'state'))).toThrow(StateStoreUnavailableError);
    expect(() => new FileStore(join(file, 'state'))).toThrow(/a-file\/state is unreachable .*may write to it/);
  });

  it('names the file when stored state cannot be read', async () => {
    const store = new FileStore(dir);
    await store.put('broken', 1);
    const [file] = readdirSync(join(dir, 'kv'));
    writeFileSync(join(dir, 'kv', file), '{"key":"broken","val');
    await expect(store.get('broken')).rejects.toThrow(StateCorruptError);
    await expect(store.get('broken')).rejects.toThrow(new RegExp(file.replace(/[%.]/g, '\\$&')));
  });

  it('skips an audit line torn by a crash and keeps appending after it', async () => {
    const store = new FileStore(dir);
    await store.append('audit', { step: 1 });
    const [file] = readdirSync(join(dir, 'lists'));
    writeFileSync(join(dir, 'lists', file), '\n{"st', { flag: 'a' });
    await store.append('audit', { step: 2 });
    expect(await store.readList('audit')).toEqual([{ step: 1 }, { step: 2 }]);
  });
});
