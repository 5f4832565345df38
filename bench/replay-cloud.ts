/**
 * A cloud over HTTP for `stackmend serve` to run against without the lab: Keystone, Nova, Glance and Heat
 * answered on one 127.0.0.1 port from a stateful fake (test/support/fakes, records built from recorded
 * Nova and Heat responses). Keystone's answer is the recorded token
 * (test/fixtures/openstack/keystone-token-issue.json) with its catalog pointing here and its dates
 * moved to now. Each request lets accepted work end first (`tick`, as a later look at the real cloud
 * finds it; at most once a `tickMs`) and is counted by method and path, so the bench can ask how
 * often a server was evacuated.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as z from 'zod';
import { recorded } from '../test/support/replay-server';
import type { FakeCloud } from '../test/support/fakes/cloud';

type Answer = { status: number; body?: unknown; headers?: Record<string, string> };
/** What stackmend sends Nova (core/openstack/nova.ts updateService, evacuate, lock, unlock). */
const BodySchema = z
  .looseObject({
    forced_down: z.boolean().optional(),
    disabled_reason: z.string().optional(),
    evacuate: z.looseObject({ host: z.string().optional() }).optional(),
    lock: z.looseObject({ locked_reason: z.string().optional() }).optional(),
    unlock: z.null().optional(),
  })
  .optional();
type Body = z.infer<typeof BodySchema>;
type Route = {
  method: string;
  path: RegExp;
  answer: (m: RegExpMatchArray, q: URLSearchParams, body: Body) => Promise<Answer>;
};

const TOKEN = recorded('keystone-token-issue');
const LAB = /http:\/\/127\.0\.0\.1:\d+/g;

function tokenAnswer(base: string): Answer {
  const body = JSON.parse(JSON.stringify(TOKEN.response.body).replace(LAB, base));
  body.token.issued_at = new Date().toISOString();
  body.token.expires_at = new Date(Date.now() + 3_600_000).toISOString();
  return { status: 201, body, headers: { 'X-Subject-Token': `replay-${Date.now()}` } };
}

/** The fake's error as its status (a NotFoundError is 404, a refusal 400 or 409), with the body it carries. */
function errorAnswer(e: unknown): Answer {
  const err = e as { status?: number; body?: unknown; message?: string };
  if (typeof err.status === 'number') return { status: err.status, body: err.body ?? {} };
  throw e;
}

function routes(cloud: FakeCloud): Route[] {
  const { nova, heat, glance } = cloud;
  return [
    {
      method: 'GET',
      path: /^\/v2\.1\/os-services$/,
      answer: async (_, q) => ({
        status: 200,
        body: { services: await nova.listComputeServices(q.get('host') ?? undefined) },
      }),
    },
    {
      method: 'PUT',
      path: /^\/v2\.1\/os-services\/([^/]+)$/,
      answer: async (m, _, b) => {
        const svc =
          b?.forced_down === true
            ? await nova.forceDown(m[1])
            : await nova.disableService(m[1], b?.disabled_reason ?? '');
        return { status: 200, body: { service: svc } };
      },
    },
    {
      method: 'GET',
      path: /^\/v2\.1\/os-hypervisors\/detail$/,
      answer: async () => ({ status: 200, body: { hypervisors: await nova.listHypervisors() } }),
    },
    {
      method: 'GET',
      path: /^\/v2\.1\/os-aggregates$/,
      answer: async () => ({ status: 200, body: { aggregates: await nova.listAggregates() } }),
    },
    {
      method: 'GET',
      path: /^\/v2\.1\/servers\/detail$/,
      answer: async (_, q) => ({
        status: 200,
        body: {
          servers: await nova.listServers({ host: q.get('host') ?? undefined, name: q.get('name') ?? undefined }),
        },
      }),
    },
    {
      method: 'GET',
      path: /^\/v2\.1\/servers\/([^/]+)$/,
      answer: async (m) => ({ status: 200, body: { server: await nova.getServer(m[1]) } }),
    },
    {
      method: 'POST',
      path: /^\/v2\.1\/servers\/([^/]+)\/action$/,
      answer: async (m, _, b) => {
        if (b?.lock) return await nova.lock(m[1], b.lock.locked_reason ?? '').then(() => ({ status: 202 }));
        if (b && 'unlock' in b) return await nova.unlock(m[1]).then(() => ({ status: 202 }));
        if (!b?.evacuate)
          return { status: 501, body: { error: 'the replay cloud answers evacuate, lock and unlock actions only' } };
        const { requestId } = await nova.evacuate(m[1], b.evacuate.host);
        const headers: Record<string, string> = requestId ? { 'x-openstack-request-id': requestId } : {};
        return { status: 200, headers };
      },
    },
    {
      method: 'GET',
      path: /^\/v2\/images\/([^/]+)$/,
      answer: async (m) => ({ status: 200, body: await glance.getImage(m[1]) }),
    },
    {
      method: 'GET',
      path: /^\/v1\/[^/]+\/stacks$/,
      answer: async () => ({ status: 200, body: { stacks: await heat.listStacks() } }),
    },
  ];
}

export type ReplayCloud = {
  url: string;
  /** requests answered, by "METHOD /path" (servers' ids kept: one key per server; a server action adds its name) */
  counts: Map<string, number>;
  /** when each key of `counts` was first asked (epoch ms) */
  firstAt: Map<string, number>;
  /** how long accepted work takes from now on (Infinity: it waits) */
  setTickMs(ms: number): void;
  close(): Promise<void>;
};

/** `tickMs`: accepted work (an evacuation) ends at the first request at least this long after the last end. */
export async function startReplayCloud(cloud: FakeCloud, o: { tickMs?: number } = {}): Promise<ReplayCloud> {
  let tickMs = o.tickMs ?? 1000;
  let ticked = Date.now();
  const counts = new Map<string, number>();
  const firstAt = new Map<string, number>();
  const table = routes(cloud);
  let base = '';
  const answer = async (method: string, url: URL, body: unknown): Promise<Answer> => {
    if (method === 'POST' && url.pathname === '/v3/auth/tokens') return tokenAnswer(base);
    if (Date.now() - ticked >= tickMs) {
      ticked = Date.now();
      cloud.tick();
    }
    for (const r of table) {
      const m = r.method === method ? url.pathname.match(r.path) : null;
      if (m) return r.answer(m, url.searchParams, BodySchema.parse(body)).catch(errorAnswer);
    }
    return { status: 501, body: { error: `the replay cloud does not answer ${method} ${url.pathname}` } };
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', base);
      const text = Buffer.concat(chunks).toString('utf8');
      const body: unknown = text ? JSON.parse(text) : undefined;
      // a server action is counted by its name: a lock around an evacuation is not a second evacuation
      const action = url.pathname.endsWith('/action') && body && typeof body === 'object' ? Object.keys(body)[0] : '';
      const key = `${req.method} ${url.pathname}${action ? ` ${action}` : ''}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
      if (!firstAt.has(key)) firstAt.set(key, Date.now());
      answer(req.method ?? 'GET', url, body).then(
        (a) => {
          res.writeHead(a.status, { 'Content-Type': 'application/json', ...a.headers });
          res.end(a.body === undefined ? '' : JSON.stringify(a.body));
        },
        (e: Error) => {
          res.writeHead(500, { 'Content-Type': 'application/json' });
          res.end(JSON.stringify({ error: e.message }));
        },
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    counts,
    firstAt,
    setTickMs: (ms) => void (tickMs = ms),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
