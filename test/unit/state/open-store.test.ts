import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileStore, MemoryStore, RedisStore, StateUrlError, openStore, parseStateUrl } from '../../../core/state';

describe('openStore', () => {
  it.each([
    ['memory:', { kind: 'memory' }],
    ['file:///var/lib/stackmend/state', { kind: 'file', dir: '/var/lib/stackmend/state' }],
    ['file:///var/lib/stack%20mend', { kind: 'file', dir: '/var/lib/stack mend' }],
    ['file:.stackmend/state', { kind: 'file', dir: '/srv/app/.stackmend/state' }],
    ['file:/abs/dir', { kind: 'file', dir: '/abs/dir' }],
    ['redis://127.0.0.1:6379/7', { kind: 'redis', url: 'redis://127.0.0.1:6379/7', db: 7 }],
    ['redis://cache.internal', { kind: 'redis', url: 'redis://cache.internal', db: 0 }],
    ['rediss://user:pw@cache:6380/2', { kind: 'redis', url: 'rediss://user:pw@cache:6380/2', db: 2 }],
  ])('understands %s', (url, expected) => {
    expect(parseStateUrl(url, '/srv/app')).toEqual(expected);
  });

  it.each([
    ['postgres://db/state', /unknown scheme/],
    ['', /unknown scheme/],
    ['file:', /no directory given/],
    ['file://otherhost/dir', /absolute path/],
    ['redis://127.0.0.1:6379/cache', /database number/],
  ])('refuses %p and lists the accepted forms', (url, reason) => {
    const err = (() => {
      try {
        parseStateUrl(url);
      } catch (e) {
        return e as Error;
      }
      throw new Error('expected a StateUrlError');
    })();
    expect(err).toBeInstanceOf(StateUrlError);
    expect(err.message).toMatch(reason);
    expect(err.message).toContain('Use one of: memory:, file:///absolute/dir, file:relative/dir, redis://host:port/db');
  });

  it('hides a password in a refused URL', () => {
    expect(() => parseStateUrl('redis://:hunter2@127.0.0.1:6379/x')).toThrow(/redis:\/\/:\*\*\*@127\.0\.0\.1:6379\/x/);
  });

  it('opens the store each URL names', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stackmend-open-'));
    try {
      const stores = [openStore('memory:'), openStore(`file://${dir}`), openStore('redis://127.0.0.1:6379/7')];
      expect(stores.map((s) => s.constructor)).toEqual([MemoryStore, FileStore, RedisStore]);
      await Promise.all(stores.map((s) => s.close()));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
