/**
 * Private CAs: clouds.yaml `cacert` / `verify`, OS_CACERT / OS_INSECURE, os_auth `cacert_pem`, and
 * real TLS handshakes with a CA made by openssl for this run (test/support/tls-proxy.ts) in front of
 * a replay server answering with recorded Keystone and Nova responses.
 */
import * as fs from 'node:fs';
import { ConfigError } from '../../../core/domain/errors';
import type { Logger } from '../../../core/domain/log';
import { connect, openConnection } from '../../../core/openstack/cloud';
import { CaCertError, cloudConfigFromEntry, resolveCloudConfig } from '../../../core/openstack/config';
import { OpenStackTlsError } from '../../../core/openstack/errors';
import { KeystoneSession } from '../../../core/openstack/keystone';
import { RuntimeConfigSchema } from '../../../core/runtime/config';
import { jsonLogger } from '../../../core/runtime/log';
import { replay, startReplayServer } from '../../support/replay-server';
import { makePrivateCa, startTlsProxy, type PrivateCa, type TlsProxy } from '../../support/tls-proxy';

const PASSWORD = 'tls-test-s3cret';
const auth = (authUrl: string) => ({ auth_url: authUrl, username: 'admin', password: PASSWORD, project_name: 'admin' });

const noFile = (p: string): string => {
  throw Object.assign(new Error(`ENOENT: no such file or directory, open '${p}'`), { code: 'ENOENT' });
};

describe('TLS settings in the cloud configuration', () => {
  let ca: PrivateCa;
  beforeAll(() => (ca = makePrivateCa()));
  afterAll(() => fs.rmSync(ca.dir, { recursive: true, force: true }));
  const files = (entry: string) => [{ path: '/x/clouds.yaml', text: `clouds:\n  private:\n${entry}` }];
  const entry = (extra: string) =>
    `    auth: {auth_url: 'https://keystone.internal:5000/v3', username: u, password: p, project_name: admin}\n${extra}`;
  const readCa = (p: string) => (p === '/etc/ssl/private-ca.pem' ? ca.caPem : noFile(p));

  it('reads the PEM bundle a clouds.yaml entry names in cacert, and verifies by default', () => {
    const c = resolveCloudConfig({
      env: { OS_CLOUD: 'private' },
      files: files(entry('    cacert: /etc/ssl/private-ca.pem\n')),
      readFile: readCa,
    });
    expect(c.tls).toEqual({ verify: true, ca: ca.caPem, caSource: 'cacert /etc/ssl/private-ca.pem' });
  });

  it('keeps verify: false even with a cacert (openstacksdk: verify wins)', () => {
    const c = resolveCloudConfig({
      env: {},
      cloud: 'private',
      files: files(entry('    cacert: /etc/ssl/private-ca.pem\n    verify: false\n')),
      readFile: readCa,
    });
    expect(c.tls.verify).toBe(false);
  });

  it('verifies against Node’s CAs when the entry says nothing about TLS', () => {
    const c = resolveCloudConfig({ env: {}, cloud: 'private', files: files(entry('')), readFile: noFile });
    expect(c.tls).toEqual({ verify: true });
  });

  it('refuses a cacert that cannot be read, naming the entry and the path', () => {
    const src = { env: {}, cloud: 'private', files: files(entry('    cacert: /nope/ca.pem\n')), readFile: noFile };
    expect(() => resolveCloudConfig(src)).toThrow(CaCertError);
    expect(() => resolveCloudConfig(src)).toThrow(ConfigError);
    expect(() => resolveCloudConfig(src)).toThrow(/cloud "private": cacert \/nope\/ca.pem cannot be read \(ENOENT\)/);
  });

  it('refuses a cacert file that holds no certificate', () => {
    const src = { env: {}, cloud: 'private', files: files(entry('    cacert: /etc/ca.pem\n')), readFile: () => 'x' };
    expect(() => resolveCloudConfig(src)).toThrow(/cacert \/etc\/ca.pem holds no PEM certificate/);
  });

  it('takes OS_CACERT and OS_INSECURE from the environment, as openstacksdk does', () => {
    const env = { OS_AUTH_URL: 'https://k:5000/v3', OS_USERNAME: 'u', OS_PASSWORD: 'p', OS_PROJECT_NAME: 'demo' };
    const withCa = resolveCloudConfig({
      env: { ...env, OS_CACERT: '/etc/ssl/private-ca.pem' },
      files: [],
      readFile: readCa,
    });
    expect(withCa.tls).toMatchObject({ verify: true, ca: ca.caPem });
    expect(resolveCloudConfig({ env: { ...env, OS_INSECURE: 'True' }, files: [] }).tls.verify).toBe(false);
    expect(resolveCloudConfig({ env: { ...env, OS_INSECURE: 'false' }, files: [] }).tls.verify).toBe(true);
  });

  it('accepts the PEM text itself in os_auth.cacert_pem (a deployed action has no file to point at)', () => {
    const params = RuntimeConfigSchema.parse({
      os_auth: { auth: auth('https://keystone.internal:5000'), cacert_pem: ca.caPem },
    });
    const c = cloudConfigFromEntry('os_auth', params.os_auth, noFile);
    expect(c.tls).toEqual({ verify: true, ca: ca.caPem, caSource: 'cacert_pem' });
  });

  it.each([
    [{ cacert_pem: 'not a certificate' }, /cloud "os_auth": cacert_pem holds no PEM certificate/],
    [{ cacert_pem: '-', cacert: '/etc/ca.pem' }, /cacert and cacert_pem are both set/],
  ])('refuses an unusable os_auth CA (%#)', (tls, msg) => {
    expect(() => cloudConfigFromEntry('os_auth', { auth: auth('https://k:5000'), ...tls }, noFile)).toThrow(msg);
  });
});

/** A logger that keeps every line, to check what was (and was not) written. */
function recordingLogger(): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  return { log: jsonLogger({ level: 'debug', sink: (l) => lines.push(l) }), lines };
}

describe('HTTPS to a cloud behind a private CA', () => {
  let upstream: Awaited<ReturnType<typeof startReplayServer>>;
  let proxy: TlsProxy;
  beforeAll(async () => {
    // Keystone's recorded token, its catalog's compute endpoint moved behind the same https proxy
    upstream = await startReplayServer((req) => {
      if (req.url.startsWith('/v2.1/os-services')) return replay('nova-services-list');
      return replay('keystone-token-issue', (b) => {
        const body = structuredClone(b) as {
          token: { expires_at: string; catalog: { type: string; endpoints: { url: string }[] }[] };
        };
        body.token.expires_at = new Date(Date.now() + 3600_000).toISOString();
        for (const e of body.token.catalog.find((c) => c.type === 'compute')!.endpoints) e.url = `${proxy.url}/v2.1`;
        return body;
      });
    });
    proxy = await startTlsProxy(upstream.url);
  });
  afterAll(async () => {
    await proxy?.close();
    await upstream?.close();
  });
  beforeEach(() => (proxy.forwarded.length = 0));

  it('trusts Keystone and the catalog’s service endpoints with the configured CA', async () => {
    const { log, lines } = recordingLogger();
    const cloud = connect(
      cloudConfigFromEntry('private-ca', {
        auth: auth(`${proxy.url}/v3`),
        region_name: 'RegionOne',
        cacert: proxy.caPath,
      }),
      { log },
    );
    const services = await cloud.nova.listComputeServices();
    expect(services.length).toBeGreaterThan(0);
    expect(proxy.forwarded).toEqual([
      { method: 'POST', path: '/v3/auth/tokens' },
      { method: 'GET', path: expect.stringMatching(/^\/v2\.1\/os-services/) },
    ]);
    expect(lines.join('\n')).not.toContain(PASSWORD);
    expect(lines.join('\n')).not.toContain('BEGIN CERTIFICATE');
  });

  it('refuses the handshake without the CA, with an error naming the TLS failure; nothing is sent', async () => {
    const ks = new KeystoneSession(cloudConfigFromEntry('no-ca', { auth: auth(`${proxy.url}/v3`) }));
    const error = await ks.token().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenStackTlsError);
    expect(error).toMatchObject({ service: 'keystone', code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', status: 503 });
    expect((error as Error).message).toMatch(
      /keystone at https:\/\/127\.0\.0\.1:\d+\/v3\/auth\/tokens: TLS handshake failed \(UNABLE_TO_VERIFY_LEAF_SIGNATURE: unable to verify the first certificate\).*cacert/,
    );
    expect(proxy.forwarded).toEqual([]); // the credentials never left the process
  });

  it('refuses a certificate the CA did not sign, even with a CA configured', async () => {
    const other = makePrivateCa();
    const ks = new KeystoneSession(
      cloudConfigFromEntry('other-ca', { auth: auth(`${proxy.url}/v3`), cacert_pem: other.caPem }),
    );
    await expect(ks.token()).rejects.toThrow(OpenStackTlsError);
    expect(proxy.forwarded).toEqual([]);
    fs.rmSync(other.dir, { recursive: true, force: true });
  });

  it('with verify: false accepts the certificate and warns loudly, once per cloud', async () => {
    const { log, lines } = recordingLogger();
    const config = cloudConfigFromEntry('insecure-once', { auth: auth(`${proxy.url}/v3`), verify: false });
    await openConnection(config, { log }).session.token();
    await openConnection(config, { log }).session.token();
    const warnings = lines
      .map((l) => JSON.parse(l) as { level: string; msg: string })
      .filter((l) => l.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0].msg).toMatch(/TLS CERTIFICATE VERIFICATION IS OFF for cloud "insecure-once"/);
    expect(lines.join('\n')).not.toContain(PASSWORD);
  });
});
