/**
 * Fault tests on the real lab (test/faults/): each fault is injected for real — a lab service
 * stopped and started (test/lab/lab.sh stop/start), the `stackmend serve` process SIGKILLed, a Redis
 * server of the test's own stopped or restarted, a Keystone that accepts connections and never
 * answers — and every count comes from OpenStack's own records: Heat's stack events (nested, so the
 * CHECK_FAILED of mark-unhealthy counts too), Nova's instance actions and os-migrations.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import { createServer, Socket, type Server } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import axios from 'axios';
import { serverDeletedAlarm } from '../../bench/scenario';
import type { StackRef } from '../../core/domain/plan';
import { labLogin } from '../support/lab';
import { settledStatus, waitFor, waitIncident, type Harness } from '../e2e/support';

export {
  CLOUD,
  TOKEN,
  createGroup,
  harness,
  lab,
  resetLab,
  settledStatus,
  waitFor,
  waitIncident,
  type Harness,
} from '../e2e/support';
export { novaView, waitSilent } from '../e2e/trust-support';

type HeatEvent = {
  resource_name: string;
  physical_resource_id: string;
  resource_status: string;
  resource_status_reason: string | null;
};

/**
 * Heat's own record of a root stack (GET /v1/{project}/stacks/{name}/{id}/events?nested_depth=2):
 * the updates it ran (stack-level UPDATE_IN_PROGRESS), the updates that failed or were cancelled, and
 * per member resource how often it was marked unhealthy (CHECK_FAILED).
 */
export async function heatRecord(stack: StackRef) {
  const admin = await labLogin();
  const res = await admin.call<{ events: HeatEvent[] }>(
    'orchestration',
    'GET',
    `/stacks/${stack.name}/${stack.id}/events?nested_depth=2&limit=2000&sort_dir=asc`,
  );
  if (res.status !== 200) throw new Error(`Heat events of ${stack.name}: HTTP ${res.status} ${res.text}`);
  const events = res.body.events;
  const root = events.filter((e) => e.physical_resource_id === stack.id && e.resource_name === stack.name);
  const marked: Record<string, number> = {};
  for (const e of events.filter((x) => x.resource_status === 'CHECK_FAILED'))
    marked[e.resource_name] = (marked[e.resource_name] ?? 0) + 1;
  return {
    updates: root.filter((e) => e.resource_status === 'UPDATE_IN_PROGRESS').length,
    failedOrCancelled: events
      .filter((e) => e.resource_status.endsWith('_FAILED') && e.resource_status !== 'CHECK_FAILED')
      .concat(events.filter((e) => /cancel/i.test(e.resource_status_reason ?? '')))
      .map((e) => `${e.resource_name} ${e.resource_status}: ${e.resource_status_reason ?? ''}`),
    marked,
  };
}

/** What a stack's repair left in Heat since `before` (a heatRecord taken earlier). */
export async function heatSince(stack: StackRef, before: Awaited<ReturnType<typeof heatRecord>>) {
  const now = await heatRecord(stack);
  const marked = Object.fromEntries(
    Object.entries(now.marked)
      .map(([k, n]) => [k, n - (before.marked[k] ?? 0)] as const)
      .filter(([, n]) => n > 0),
  );
  return {
    updates: now.updates - before.updates,
    failedOrCancelled: now.failedOrCancelled.slice(before.failedOrCancelled.length),
    marked,
  };
}

/**
 * The incident about `victimId` resolved, and since `before` Heat ran exactly one update of `stack`,
 * marked only `member`, and failed or cancelled nothing.
 */
export async function repairedOnce(
  h: Pick<Harness, 'rt' | 'cloud'>,
  stack: StackRef,
  victimId: string,
  before: Awaited<ReturnType<typeof heatRecord>>,
  member: string,
) {
  const r = await waitIncident(
    h.rt,
    (x) => x.incident.subject.type === 'server' && x.incident.subject.serverId === victimId && settledStatus(x),
    240,
  );
  expect(r.status).toBe('resolved');
  await settledServers(h, stack);
  expect(await heatSince(stack, before)).toEqual({ updates: 1, failedOrCancelled: [], marked: { [member]: 1 } });
  return r;
}

/** A group member deleted in Nova, and the Aodh alarm that reports it (sent by the test, so it controls when). */
export async function deleteMember(h: Pick<Harness, 'cloud'>, stack: StackRef, resourceName: string) {
  const victim = (await h.cloud.heat.listServers(stack)).find((s) => s.resourceName === resourceName);
  if (!victim) throw new Error(`${stack.name} has no member ${resourceName}`);
  await h.cloud.nova.deleteServer(victim.serverId);
  return { victim, alarm: serverDeletedAlarm(victim.serverId, `faults-${victim.serverId}-${Date.now()}`) };
}

/** POSTs an alarm; every answer is returned (a 503 is a result here). */
export const postAlarm = (url: string, body: unknown) =>
  axios.post(url, body, { validateStatus: () => true, timeout: 150_000 });

/** Until the stack has settled (no *_IN_PROGRESS), its servers as Heat lists them. */
export async function settledServers(h: Pick<Harness, 'cloud'>, stack: StackRef, timeoutSec = 120) {
  await waitFor(
    `${stack.name} settled`,
    async () => !(await h.cloud.heat.getStack(stack)).stack_status.endsWith('IN_PROGRESS'),
    timeoutSec,
    500,
  );
  return h.cloud.heat.listServers(stack);
}

const BIN = path.join(__dirname, '..', '..', 'bin', 'stackmend.cjs');

/** `stackmend serve` as its own process: started, waited for, SIGKILLed, started again on the same state. */
export class ServeProcess {
  private child: ChildProcess | undefined;
  readonly log: string[] = [];
  constructor(
    readonly port: number,
    readonly args: string[],
  ) {}

  get url() {
    return `http://127.0.0.1:${this.port}/api/v1/web/guest/stackmend/classify-alarm`;
  }

  async start(): Promise<void> {
    const child = spawn(process.execPath, [BIN, 'serve', '--port', String(this.port), ...this.args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    const lines = (b: Buffer) => this.log.push(...b.toString().split('\n').filter(Boolean));
    child.stdout!.on('data', lines);
    child.stderr!.on('data', lines);
    await waitFor(
      `stackmend serve on port ${this.port}`,
      async () => {
        if (child.exitCode !== null)
          throw new Error(`stackmend serve exited ${child.exitCode}: ${this.log.join('\n')}`);
        return this.log.some((l) => l.includes('stackmend serving'));
      },
      60,
      100,
    );
  }

  /** SIGKILL: no shutdown, nothing finished or flushed. */
  kill(): Promise<void> {
    return sigkill(this.child);
  }
}

/** A Redis server of the test's own (never the machine's shared one), persisting to an append-only file. */
export class OwnRedis {
  private child: ChildProcess | undefined;
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stackmend-faults-redis-'));
  constructor(readonly port = 6390) {}

  url(db: number) {
    return `redis://127.0.0.1:${this.port}/${db}`;
  }

  async start(): Promise<void> {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'yes'];
    this.child = spawn('redis-server', [...args, '--appendfsync', 'always', '--dir', this.dir], { stdio: 'ignore' });
    await waitFor(`redis-server on ${this.port}`, () => portOpen(this.port), 15, 100);
  }

  /** SIGKILL: the server is gone at once; what it had appended is all that survives. */
  kill(): Promise<void> {
    return sigkill(this.child);
  }
}

/** SIGKILLs a child that is still running and waits until it has exited. */
async function sigkill(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode) return;
  const gone = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await gone;
}

const portOpen = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = new Socket();
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
    s.connect(port, '127.0.0.1');
  });

/** A Keystone that accepts every connection and never answers a byte. */
export async function silentListener(): Promise<{ url: string; connections: () => number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let seen = 0;
  const server: Server = createServer((s) => (sockets.add(s), seen++, s.on('close', () => sockets.delete(s))));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/v3`,
    connections: () => seen,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((r) => server.close(() => r()));
    },
  };
}
