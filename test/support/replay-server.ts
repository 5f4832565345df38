/**
 * A real HTTP server on 127.0.0.1 that answers with recorded OpenStack responses.
 * Tests script it per request (`answer`) and read what was received (`requests`).
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';

export type Recorded = {
  request: { method: string; url: string; body: unknown };
  response: { status: number; headers: Record<string, string>; body: unknown };
};
export type Received = { method: string; url: string; headers: http.IncomingHttpHeaders; body: unknown };
export type Answer = { status: number; body?: unknown; headers?: Record<string, string> } | 'reset';

export const recorded = (name: string): Recorded =>
  JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'openstack', `${name}.json`), 'utf8')) as Recorded;

/** The recorded response as an Answer (Content-Length dropped: the body is re-serialised). */
export function replay(name: string, patch: (body: unknown) => unknown = (b) => b): Answer {
  const r = recorded(name).response;
  const headers = Object.fromEntries(
    Object.entries(r.headers).filter(([k]) => !/^(content-length|transfer-encoding|connection)$/i.test(k)),
  );
  return { status: r.status, headers, body: patch(r.body) };
}

export async function startReplayServer(answer: (req: Received, n: number) => Answer) {
  const requests: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = text;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        /* keep text */
      }
      const received = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
      requests.push(received);
      const a = answer(received, requests.length);
      if (a === 'reset') return req.socket.destroy();
      const payload = a.body === undefined ? '' : JSON.stringify(a.body);
      res.writeHead(a.status, { 'Content-Type': 'application/json', ...a.headers });
      res.end(payload);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, requests, close: () => new Promise<void>((r) => server.close(() => r())) };
}
