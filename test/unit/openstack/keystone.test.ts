import { InvalidKeystoneTokenError, KeystoneSession, findEndpoint } from '../../../core/openstack/keystone';
import { cloudConfigFromEntry } from '../../../core/openstack/config';
import { recorded, replay, startReplayServer } from '../../support/replay-server';

const catalog = (recorded('keystone-token-issue').response.body as { token: { catalog: never[] } }).token.catalog;

/** The recorded token, with a chosen expiry and a distinct X-Subject-Token per issue. */
function issuer(expiresInMs: number) {
  let n = 0;
  return () => {
    n++;
    const a = replay('keystone-token-issue', (b) => {
      const body = structuredClone(b) as { token: { expires_at: string } };
      body.token.expires_at = new Date(Date.now() + expiresInMs).toISOString();
      return body;
    });
    return a === 'reset' ? a : { ...a, headers: { ...a.headers, 'X-Subject-Token': `token-${n}` } };
  };
}

const config = (authUrl: string) =>
  cloudConfigFromEntry('t', {
    auth: { auth_url: authUrl, username: 'admin', password: 'admin', project_name: 'admin' },
    region_name: 'RegionOne',
  });

describe('KeystoneSession', () => {
  it('issues one token and serves it from cache to concurrent callers', async () => {
    const s = await startReplayServer(issuer(3600_000));
    try {
      const ks = new KeystoneSession(config(s.url));
      const got = await Promise.all([ks.token(), ks.token(), ks.token()]);
      expect(got).toEqual(['token-1', 'token-1', 'token-1']);
      expect(s.requests).toHaveLength(1);
      expect(s.requests[0].body).toMatchObject({
        auth: {
          identity: { methods: ['password'] },
          scope: { project: { name: 'admin', domain: { name: 'Default' } } },
        },
      });
    } finally {
      await s.close();
    }
  });

  it('re-authenticates before the token expires', async () => {
    const s = await startReplayServer(issuer(60_000)); // inside the 5 min refresh margin
    try {
      const ks = new KeystoneSession(config(s.url));
      expect(await ks.token()).toBe('token-1');
      expect(await ks.token()).toBe('token-2');
    } finally {
      await s.close();
    }
  });

  it('re-authenticates after a token is invalidated (a 401 elsewhere)', async () => {
    const s = await startReplayServer(issuer(3600_000));
    try {
      const ks = new KeystoneSession(config(s.url));
      ks.invalidate(await ks.token());
      expect(await ks.token()).toBe('token-2');
    } finally {
      await s.close();
    }
  });

  it('finds public endpoints by service type in the recorded catalog', () => {
    expect(findEndpoint(catalog, 'orchestration', 'public', 'RegionOne')).toMatch(
      /^http:\/\/127\.0\.0\.1:8004\/v1\/[0-9a-f]{32}$/,
    );
    expect(findEndpoint(catalog, 'messaging', 'public')).toBe('http://127.0.0.1:8888');
    expect(findEndpoint(catalog, 'no-such-service', 'public')).toBeUndefined();
  });

  it('says which service type is missing from the catalog', async () => {
    const s = await startReplayServer(issuer(3600_000));
    try {
      await expect(new KeystoneSession(config(s.url)).endpoint('instance-ha')).rejects.toThrow(
        /no public endpoint for service type "instance-ha"/,
      );
    } finally {
      await s.close();
    }
  });
});

describe('KeystoneSession.validateToken (a caller presents its Keystone token)', () => {
  /** Keystone: issues stackmend's own token; validates a subject token with the recorded answers. */
  async function keystone(validate: (subject: string) => ReturnType<typeof replay>) {
    const issue = issuer(3600_000);
    return startReplayServer((r) =>
      r.method === 'POST' ? issue() : validate(String(r.headers['x-subject-token'] ?? '')),
    );
  }

  it('says whose token it is, from the recorded validation, asking with its own token', async () => {
    const body = recorded('keystone-token-validate').response.body as { token: { expires_at: string } };
    const s = await keystone(() => replay('keystone-token-validate'));
    try {
      const ks = new KeystoneSession(config(s.url), { now: () => Date.parse(body.token.expires_at) - 60_000 });
      const who = await ks.validateToken('callers-token');
      expect(who).toEqual({
        user: { id: 'ff9ae560ec8646c688ef1eb973aa9d2c', name: 'stackmend-member', domain: 'Default' },
        project: { id: '48c388526b844445bcf05867e35b07c6', name: 'demo', domain: 'Default' },
        roles: ['member', 'reader'],
        expiresAt: Date.parse(body.token.expires_at),
      });
      const asked = s.requests[1];
      expect(asked).toMatchObject({ method: 'GET', url: '/v3/auth/tokens?nocatalog=true' });
      expect(asked.headers).toMatchObject({ 'x-auth-token': 'token-1', 'x-subject-token': 'callers-token' });
    } finally {
      await s.close();
    }
  });

  it('refuses a token Keystone does not recognise with a 401 that does not echo it', async () => {
    const s = await keystone(() => replay('keystone-token-validate-unknown'));
    try {
      const err = await new KeystoneSession(config(s.url)).validateToken('forged-secret').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InvalidKeystoneTokenError);
      expect(err).toMatchObject({ status: 401 });
      expect((err as Error).message).not.toContain('forged-secret');
    } finally {
      await s.close();
    }
  });

  it('refuses a token that has expired by the time it is checked', async () => {
    const s = await keystone(() => replay('keystone-token-validate'));
    try {
      const ks = new KeystoneSession(config(s.url), { now: () => Date.parse('2100-01-01T00:00:00Z') });
      await expect(ks.validateToken('old')).rejects.toBeInstanceOf(InvalidKeystoneTokenError);
    } finally {
      await s.close();
    }
  });
});
