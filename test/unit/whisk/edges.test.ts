/**
 * The local runtime at its edges: its own REST API key (never the public guest key), no CORS for other
 * origins, sockets kept open longer than clients keep them, bodies capped before they are read, and a
 * close that lets invocations in flight finish.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { GUEST_AUTH, startLocalWhisk } from '../../../local/whisk';
import { startHarness, type Harness } from './support';

const basic = (auth: string) => `Basic ${Buffer.from(auth).toString('base64')}`;
const echo = (p: Record<string, unknown>) => ({ statusCode: 200, body: { method: p.__ow_method } });

describe('the REST API key', () => {
  it("is generated, never OpenWhisk's public guest key, which is refused", async () => {
    const h = await startHarness();
    try {
      expect(h.whisk.auth).toMatch(/^[0-9a-f-]{36}:[0-9a-f]{64}$/);
      expect(h.whisk.auth).not.toBe(GUEST_AUTH);
      const guest = await h.call('/api/v1/namespaces/guest/actions', { headers: { authorization: basic(GUEST_AUTH) } });
      const own = await h.call('/api/v1/namespaces/guest/actions', { auth: true });
      expect(guest.status).toBe(401);
      expect(own.status).toBe(200);
    } finally {
      await h.whisk.close();
    }
    await expect(startLocalWhisk({ port: 0, auth: GUEST_AUTH })).rejects.toThrow(/public guest key/);
  });

  it('is stored with mode 0600 and read back on the next start', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stackmend-key-'));
    const keyFile = path.join(dir, 'state', 'whisk.key');
    try {
      const first = await startLocalWhisk({ port: 0, keyFile });
      await first.close();
      const second = await startLocalWhisk({ port: 0, keyFile });
      await second.close();
      expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
      expect(fs.readFileSync(keyFile, 'utf8').trim()).toBe(first.auth);
      expect(second.auth).toBe(first.auth);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('web actions for browsers of other origins', () => {
  let h: Harness;
  beforeEach(async () => (h = await startHarness()));
  afterEach(() => h.whisk.close());

  it('sends no Access-Control-Allow-Origin, so a preflight fails and no page can read an answer', async () => {
    h.whisk.registerAction('demo/open', { main: echo, annotations: { 'web-export': true } });
    const origin = { origin: 'https://evil.example', 'access-control-request-method': 'POST' };

    const preflight = await fetch(h.whisk.webActionUrl('demo/open'), { method: 'OPTIONS', headers: origin });
    const simple = await fetch(h.whisk.webActionUrl('demo/open'), {
      method: 'POST',
      headers: { origin: 'https://evil.example', 'content-type': 'text/plain' },
      body: '{}',
    });

    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    expect(simple.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers 401 to a require-whisk-auth action called without the key, with or without an Origin', async () => {
    h.whisk.registerAction('demo/internal', {
      main: echo,
      annotations: { 'web-export': true, 'raw-http': true, 'require-whisk-auth': true },
    });
    const variants: Record<string, string>[] = [{}, { origin: 'https://evil.example', 'content-type': 'text/plain' }];
    for (const headers of variants) {
      const res = await fetch(h.whisk.webActionUrl('demo/internal'), { method: 'POST', headers, body: '{}' });
      expect(res.status).toBe(401);
    }
    expect(h.whisk.activations()).toHaveLength(0);
  });
});

describe('the HTTP server', () => {
  let h: Harness;
  beforeEach(async () => (h = await startHarness()));
  afterEach(() => h.whisk.close());

  it("keeps an idle keep-alive socket open past Node's default 5 s, so a client that reuses it is answered", async () => {
    h.whisk.registerAction('demo/open', { main: echo, annotations: { 'web-export': true } });
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const sockets = new Set<unknown>();
    const get = () =>
      new Promise<number>((resolve, reject) => {
        const req = http.get(h.whisk.webActionUrl('demo/open'), { agent }, (res) => {
          sockets.add(res.socket);
          res.resume().on('end', () => resolve(res.statusCode ?? 0));
        });
        req.on('error', reject);
      });
    try {
      expect(await get()).toBe(200);
      await new Promise((r) => setTimeout(r, 6_000));
      expect(await get()).toBe(200);
      expect(sockets.size).toBe(1);
    } finally {
      agent.destroy();
    }
  }, 20_000);

  it('refuses a body over 1 MB for a web action with 413 before reading it, declared or streamed', async () => {
    h.whisk.registerAction('demo/open', { main: echo, annotations: { 'web-export': true } });
    const big = Buffer.alloc(1024 * 1024 + 1, 0x20);
    const declared = await fetch(h.whisk.webActionUrl('demo/open'), { method: 'POST', body: big });
    const streamed = await fetch(h.whisk.webActionUrl('demo/open'), {
      method: 'POST',
      body: new Blob([big]).stream(),
      duplex: 'half',
    } as RequestInit);
    expect(declared.status).toBe(413);
    expect(streamed.status).toBe(413);
    expect(h.whisk.activations()).toHaveLength(0);
  });

  it('finishes the invocations in flight when it closes', async () => {
    h.whisk.registerAction('demo/slow', {
      main: async () => (await new Promise((r) => setTimeout(r, 500)), { statusCode: 200, body: { done: true } }),
      annotations: { 'web-export': true },
    });
    const answer = fetch(h.whisk.webActionUrl('demo/slow'));
    await new Promise((r) => setTimeout(r, 100));
    await h.whisk.close();
    const res = await answer;
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ done: true });
  });
});
