/**
 * A local webhook receiver for tests: an HTTP server on 127.0.0.1 with an ephemeral port that
 * records every request (with its arrival time) and lets a test await the next one matching a
 * predicate. OpenStack services on the same machine (Aodh alarm actions, Zaqar subscriptions,
 * Mistral std.http) can post to `listener.url + '/any/path'`.
 *
 *   const hooks = await startHookListener();
 *   // ... make Aodh/Zaqar post to `${hooks.url}/aodh` ...
 *   const req = await hooks.next((r) => r.path === '/aodh', 30_000);
 *   expect(req.json).toMatchObject({ current: 'alarm' });
 *   await hooks.close();
 *
 * `next()` hands out each recorded request at most once, in arrival order: it returns the oldest
 * matching request not returned before (even one that arrived before `next()` was called), else
 * waits for one. So a request can never be missed between triggering it and awaiting it.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { type AddressInfo } from 'node:net';

export interface HookRequest {
  method: string;
  /** Path and query, e.g. '/aodh?x=1'. */
  path: string;
  headers: IncomingHttpHeaders;
  /** Raw body text. */
  body: string;
  /** Parsed body when it is JSON, else undefined. */
  json: any;
  /** Date.now() when the request had been fully received. */
  receivedAt: number;
}

export interface HookListenerOptions {
  /** Status answered to every request (default 200). */
  status?: number;
}

export interface HookListener {
  /** Base URL, e.g. http://127.0.0.1:40123 */
  url: string;
  /** Every request received so far, oldest first. */
  requests: HookRequest[];
  /** Oldest not-yet-returned request matching `predicate` (default: any); rejects after `timeoutMs`. */
  next(predicate?: (r: HookRequest) => boolean, timeoutMs?: number): Promise<HookRequest>;
  close(): Promise<void>;
}

export async function startHookListener(opts: HookListenerOptions = {}): Promise<HookListener> {
  const requests: HookRequest[] = [];
  const handed = new Set<HookRequest>();
  const waiters = new Set<() => void>();

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let json: unknown;
      try {
        json = body ? JSON.parse(body) : undefined;
      } catch {
        json = undefined;
      }
      requests.push({
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body,
        json,
        receivedAt: Date.now(),
      });
      res.writeHead(opts.status ?? 200, { 'Content-Type': 'application/json' }).end('{}');
      for (const w of [...waiters]) w();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const take = (predicate: (r: HookRequest) => boolean): HookRequest | undefined => {
    const r = requests.find((x) => !handed.has(x) && predicate(x));
    if (r) handed.add(r);
    return r;
  };

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    next(predicate = () => true, timeoutMs = 30_000) {
      const found = take(predicate);
      if (found) return Promise.resolve(found);
      return new Promise<HookRequest>((resolve, reject) => {
        const check = (): void => {
          const r = take(predicate);
          if (!r) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(r);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no matching request on ${port} within ${timeoutMs} ms (${requests.length} received)`));
        }, timeoutMs);
        waiters.add(check);
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
