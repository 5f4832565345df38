/**
 * Keystone token validations are remembered briefly (core/runtime/token-cache.ts): a storm of alarms
 * carrying one token asks Keystone once per TTL, never past the token's expiry, with a bounded number
 * of entries; refusals are never remembered. A real KeystoneSession against recorded Keystone answers.
 */
import { cloudConfigFromEntry } from '../../../core/openstack/config';
import { KeystoneSession } from '../../../core/openstack/keystone';
import { cachedValidator } from '../../../core/runtime/token-cache';
import { recorded, replay, startReplayServer } from '../../support/replay-server';

const member = recorded('keystone-token-validate').response.body as { token: { expires_at: string } };
const EXPIRES = Date.parse(member.token.expires_at);
let clock = EXPIRES - 3_600_000;
const now = () => clock;

let keystone: Awaited<ReturnType<typeof startReplayServer>>;
let session: KeystoneSession;
const validations = () => keystone.requests.filter((r) => r.method === 'GET').length;
const valid = (token: string) => token.startsWith('member-token');

beforeAll(async () => {
  keystone = await startReplayServer((r) => {
    if (r.method === 'POST') {
      const issued = replay('keystone-token-issue') as Exclude<ReturnType<typeof replay>, 'reset'>;
      return { ...issued, headers: { ...issued.headers, 'X-Subject-Token': 'own' } };
    }
    return replay(
      valid(String(r.headers['x-subject-token'])) ? 'keystone-token-validate' : 'keystone-token-validate-unknown',
    );
  });
  session = new KeystoneSession(
    cloudConfigFromEntry('lab', {
      auth: { auth_url: keystone.url, username: 'admin', password: 'admin', project_name: 'admin' },
    }),
    { now, refreshMarginMs: 0 },
  );
});
afterAll(() => keystone.close());
beforeEach(() => {
  keystone.requests.length = 0;
  clock = EXPIRES - 3_600_000;
});

describe('cached Keystone token validation', () => {
  it('asks Keystone once for a storm of 50 alarms carrying one token, concurrent or one after another', async () => {
    const v = cachedValidator(session, { ttlMs: 30_000, now });
    const storm = await Promise.all(Array.from({ length: 25 }, () => v.validateToken('member-token')));
    for (let i = 0; i < 25; i++) await v.validateToken('member-token');
    expect(new Set(storm.map((t) => t.user.name))).toEqual(new Set(['stackmend-member']));
    expect(validations()).toBe(1);
  });

  it('asks again once the TTL has passed', async () => {
    const v = cachedValidator(session, { ttlMs: 30_000, now });
    await v.validateToken('member-token');
    clock += 29_999;
    await v.validateToken('member-token');
    expect(validations()).toBe(1);
    clock += 2;
    await v.validateToken('member-token');
    expect(validations()).toBe(2);
  });

  it('never believes a token past its own expiry, whatever the TTL', async () => {
    const v = cachedValidator(session, { ttlMs: 300_000, now });
    clock = EXPIRES - 10_000;
    await v.validateToken('member-token');
    clock = EXPIRES + 1;
    await expect(v.validateToken('member-token')).rejects.toMatchObject({
      name: 'InvalidKeystoneTokenError',
      status: 401,
    });
    expect(validations()).toBe(2);
  });

  it('remembers no refusal: a forged token is asked about, and refused, every time', async () => {
    const v = cachedValidator(session, { ttlMs: 30_000, now });
    for (let i = 0; i < 3; i++)
      await expect(v.validateToken('forged')).rejects.toMatchObject({ name: 'InvalidKeystoneTokenError' });
    expect(validations()).toBe(3);
  });

  it('keeps at most maxEntries tokens, dropping the oldest first', async () => {
    const v = cachedValidator(session, { ttlMs: 30_000, maxEntries: 2, now });
    for (const t of ['member-token-a', 'member-token-b', 'member-token-c']) await v.validateToken(t);
    expect(validations()).toBe(3);
    await v.validateToken('member-token-c');
    await v.validateToken('member-token-b');
    expect(validations()).toBe(3);
    await v.validateToken('member-token-a'); // the oldest was dropped
    expect(validations()).toBe(4);
  });

  it('asks every time with a TTL of 0 (auth.keystone.cache_sec: 0)', async () => {
    const v = cachedValidator(session, { ttlMs: 0, now });
    await v.validateToken('member-token');
    await v.validateToken('member-token');
    expect(validations()).toBe(2);
  });
});
