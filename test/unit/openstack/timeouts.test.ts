/**
 * A service that accepts the TCP connection and never answers (a hung API process) fails the call
 * with a named timeout error within the bound, instead of hanging the function until its platform
 * kills it.
 */
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { connect } from '../../../core/openstack/cloud';
import { cloudConfigFromEntry } from '../../../core/openstack/config';
import { OpenStackTimeoutError, OpenStackUnreachableError } from '../../../core/openstack/errors';
import { DEFAULT_TIMEOUT_MS, ServiceHttp } from '../../../core/openstack/http';
import { KEYSTONE_TIMEOUT_MS, KeystoneSession } from '../../../core/openstack/keystone';

/** Accepts connections, reads what arrives, never writes a byte. */
async function silentPeer() {
  const sockets = new Set<net.Socket>();
  let accepted = 0;
  const server = net.createServer((socket) => {
    accepted++;
    sockets.add(socket);
    socket.on('data', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    accepted: () => accepted,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

const config = (authUrl: string) =>
  cloudConfigFromEntry('hung', {
    auth: { auth_url: authUrl, username: 'admin', password: 'admin', project_name: 'admin' },
  });

async function elapsed<T>(run: () => Promise<T>): Promise<{ ms: number; error: unknown }> {
  const started = Date.now();
  try {
    await run();
    return { ms: Date.now() - started, error: undefined };
  } catch (error) {
    return { ms: Date.now() - started, error };
  }
}

describe('a service that accepts the connection and never answers', () => {
  let peer: Awaited<ReturnType<typeof silentPeer>>;
  beforeEach(async () => (peer = await silentPeer()));
  afterEach(() => peer.close());

  it('fails a GET with OpenStackTimeoutError naming the service and URL, once (no retry of a hung call)', async () => {
    const http = new ServiceHttp({ service: 'nova', baseUrl: async () => `${peer.url}/v2.1`, timeoutMs: 300 });
    const { ms, error } = await elapsed(() => http.get('os-services'));
    expect(error).toBeInstanceOf(OpenStackTimeoutError);
    expect(error).toBeInstanceOf(OpenStackUnreachableError); // answered 503 by every step
    expect((error as Error).message).toContain(`nova did not answer GET ${peer.url}/v2.1/os-services within 300 ms`);
    expect((error as Error).message).toMatch(/this call changes nothing/);
    expect(ms).toBeLessThan(2_000);
    expect(peer.accepted()).toBe(1);
  });

  it('says a timed-out POST may still take effect', async () => {
    const http = new ServiceHttp({ service: 'nova', baseUrl: async () => peer.url, timeoutMs: 200 });
    const { error } = await elapsed(() => http.post('servers/x/action', { evacuate: {} }));
    expect(error).toBeInstanceOf(OpenStackTimeoutError);
    expect((error as Error).message).toMatch(/nova may still act on it: read the object's state/);
  });

  it('fails the Keystone token request within its bound', async () => {
    const session = new KeystoneSession(config(peer.url), { timeoutMs: 300 });
    const { ms, error } = await elapsed(() => session.token());
    expect(error).toBeInstanceOf(OpenStackTimeoutError);
    expect((error as Error).message).toContain(`keystone did not answer POST ${peer.url}/v3/auth/tokens within 300 ms`);
    expect(ms).toBeLessThan(2_000);
  });

  it('keeps the defaults when a caller passes timeoutMs: undefined', () => {
    const http = new ServiceHttp({ service: 'heat', baseUrl: async () => peer.url, timeoutMs: undefined });
    expect(http.timeoutMs).toBe(DEFAULT_TIMEOUT_MS);
    expect(new KeystoneSession(config(peer.url), { timeoutMs: undefined }).timeoutMs).toBe(KEYSTONE_TIMEOUT_MS);
    expect(DEFAULT_TIMEOUT_MS).toBeLessThanOrEqual(10_000);
  });

  it('bounds a cloud connected the way the functions connect it (no timeout option)', async () => {
    const cloud = connect(config(peer.url), { timeoutMs: undefined, retry: undefined });
    const { ms, error } = await elapsed(() => cloud.nova.listComputeServices());
    expect(error).toBeInstanceOf(OpenStackTimeoutError);
    expect((error as Error).message).toMatch(/^keystone did not answer/);
    expect(ms).toBeGreaterThanOrEqual(KEYSTONE_TIMEOUT_MS - 100);
    expect(ms).toBeLessThan(KEYSTONE_TIMEOUT_MS + 3_000);
  }, 20_000);
});
