/**
 * The storm over HTTP: `stackmend serve` processes (bin/stackmend.cjs) sharing one Redis (db 9,
 * emptied first), pointed at the replay cloud (../replay-cloud.ts over ./snapshot.ts) through a
 * clouds.yaml of their own; the alarm stream dealt round-robin over them, as a load balancer would,
 * `concurrency` requests in flight. Each serve runs the whole pipeline (classify-alarm hands on to
 * evacuate, which calls the replay Nova). Counted at the cloud: evacuations per server and service
 * updates per host (exactly once each, or duplicate actions).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import Redis from 'ioredis';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { isTerminal } from '../../core/domain/plan';
import { RedisStore } from '../../core/state';
import { eachBounded } from '../../core/runtime/bounded';
import { Incidents } from '../../functions/_shared/incidents';
import { startReplayCloud } from '../replay-cloud';
import { summarize, type Summary } from '../stats';
import { waitFor } from '../wait';
import { stormAlarms, type StormShape } from './alarms';
import { STORM_POLICY } from './in-process';
import { stormCloud } from './snapshot';

export const STORM_REDIS = 'redis://127.0.0.1:6379/9';
const ROOT = path.join(__dirname, '..', '..');
const TOKEN = 'storm-webhook-token';

export type ServeRun = {
  processes: number;
  concurrency: number;
  alarms: number;
  wallMs: number;
  alarmsPerSecond: number;
  /** CPU seconds the serve processes used while the alarms were sent (their evacuations included) */
  serveCpuSec: number;
  alarmsPerServeCpuSecond: number;
  latencyMs: Summary;
  statuses: Record<string, number>;
  /** records stored, by status; host incidents (the storm's 100) apart */
  incidents: number;
  hostIncidents: number;
  resolved: number;
  byStatus: Record<string, number>;
  /** Nova evacuations per server and compute-service updates per host, at the replay cloud */
  evacuations: number;
  duplicateEvacuations: number;
  /** compute-service updates (force down, disable) per failed host: median */
  serviceUpdatesPerHost: number;
  /** a host's report sent → stackmend's first write to Nova about it (the compute service update), ms */
  decisionMs: Summary;
  /** every request the replay cloud answered, per alarm */
  cloudRequestsPerAlarm: number;
  /** until every incident was terminal, from the first alarm */
  settledMs: number;
};

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as net.AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** utime + stime of a process, in seconds (/proc/<pid>/stat, clock ticks of 1/100 s). */
function cpuSec(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function writeClouds(dir: string, authUrl: string): void {
  const yaml = [
    'clouds:',
    '  storm:',
    '    auth:',
    `      auth_url: ${authUrl}/v3`,
    '      username: admin',
    '      password: storm',
    '      project_name: admin',
    '      user_domain_name: Default',
    '      project_domain_name: Default',
    '    region_name: RegionOne',
    '    interface: public',
    '    identity_api_version: 3',
    '',
  ].join('\n');
  fs.writeFileSync(path.join(dir, 'clouds.yaml'), yaml);
}

async function startServe(dir: string, port: number): Promise<{ child: ChildProcess; url: string }> {
  const args = ['serve', '--port', String(port), '--cloud', 'storm', '--state', STORM_REDIS, '--token', TOKEN];
  const child = spawn(
    process.execPath,
    [
      path.join(ROOT, 'bin', 'stackmend.cjs'),
      ...args,
      '--log-level',
      'error',
      '--policy',
      JSON.stringify(STORM_POLICY),
    ],
    {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d));
  child.stderr?.on('data', (d: Buffer) => (out += d));
  const url = `http://127.0.0.1:${port}/api/v1/web/guest/stackmend/classify-alarm`;
  await waitFor(
    `stackmend serve on port ${port}`,
    () =>
      new Promise((r) => {
        if (child.exitCode !== null) throw new Error(`stackmend serve exited: ${out.slice(-500)}`);
        const s = net.connect(port, '127.0.0.1', () => (s.end(), r(true))).on('error', () => r(false));
      }),
    60,
    200,
  );
  return { child, url };
}

function post(agent: http.Agent, url: string, body: unknown): Promise<number> {
  const data = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(url, {
      method: 'POST',
      agent,
      headers: {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(data),
        authorization: `Bearer ${TOKEN}`,
      },
    });
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(data);
  });
}

/** db 9 is the bench's own (and test/deploy/bundles.test.ts'): emptied before each run. */
async function flush(): Promise<void> {
  const r = new Redis(STORM_REDIS);
  await r.flushdb();
  await r.quit();
}

export async function stormOverHttp(
  shape: StormShape,
  processes: number,
  o: { concurrency?: number; settleSec?: number; keep?: boolean } = {},
): Promise<ServeRun> {
  const concurrency = o.concurrency ?? 16;
  const stream = stormAlarms(shape);
  const cloud = stormCloud(shape);
  // Nova takes minutes to rebuild 10,000 servers; the alarms come within one: evacuations end after them
  const replay = await startReplayCloud(cloud, { tickMs: Infinity });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stackmend-storm-'));
  writeClouds(dir, replay.url);
  const store = new RedisStore(STORM_REDIS);
  await flush();
  const serves: { child: ChildProcess; url: string }[] = [];
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  try {
    for (let i = 0; i < processes; i++) serves.push(await startServe(dir, await freePort()));
    const cpu0 = serves.map((s) => cpuSec(s.child.pid!));
    const latencies: number[] = [];
    const statuses: Record<string, number> = {};
    // a server's alarm is sent once its host's report was answered (./alarms.ts: the report comes first)
    const reported = new Map<string, Promise<number>>();
    const sentAt = new Map<string, number>();
    const t0 = performance.now();
    await eachBounded(
      stream.map((d, i) => ({ d, i })),
      concurrency,
      async ({ d, i }) => {
        if (d.about === 'server') await reported.get(d.host);
        const started = performance.now();
        if (d.about === 'host' && !d.duplicate) sentAt.set(d.host, Date.now());
        const sent = post(agent, serves[i % serves.length].url, d.body);
        if (d.about === 'host' && !d.duplicate)
          reported.set(
            d.host,
            sent.catch(() => 0),
          );
        const status = await sent;
        latencies.push(performance.now() - started);
        statuses[status] = (statuses[status] ?? 0) + 1;
      },
    );
    const wallMs = performance.now() - t0;
    replay.setTickMs(500);
    const serveCpuSec = serves.reduce((a, s, i) => a + cpuSec(s.child.pid!) - cpu0[i], 0);
    const requests = [...replay.counts.values()].reduce((a, b) => a + b, 0);
    const incidents = new Incidents(store, Date.now);
    await waitFor(
      'every storm incident terminal',
      async () => (await incidents.list()).every((r) => isTerminal(r.status)),
      o.settleSec ?? 120,
      1000,
    ).catch(() => undefined);
    const settledMs = performance.now() - t0;
    const records = await incidents.list();
    const per = (re: RegExp) => [...replay.counts].filter(([k]) => re.test(k)).map(([, n]) => n);
    const evac = per(/^POST \/v2\.1\/servers\/[^/]+\/action evacuate$/);
    const updates = per(/^PUT \/v2\.1\/os-services\//);
    const firstWrite = (host: string) => replay.firstAt.get(`PUT /v2.1/os-services/${cloud.nova.service(host)?.id}`);
    const decisions = [...sentAt].map(([host, at]) => (firstWrite(host) ?? NaN) - at).filter(Number.isFinite);
    return {
      processes,
      concurrency,
      alarms: stream.length,
      wallMs,
      alarmsPerSecond: stream.length / (wallMs / 1000),
      serveCpuSec,
      alarmsPerServeCpuSecond: stream.length / serveCpuSec,
      latencyMs: summarize(latencies, { keepRuns: false }),
      statuses,
      incidents: records.length,
      hostIncidents: records.filter((r) => r.incident.subject.type === 'host').length,
      resolved: records.filter((r) => r.status === 'resolved').length,
      byStatus: records.reduce<Record<string, number>>((a, r) => ({ ...a, [r.status]: (a[r.status] ?? 0) + 1 }), {}),
      evacuations: evac.reduce((a, b) => a + b, 0),
      duplicateEvacuations: evac.reduce((a, n) => a + n - 1, 0),
      serviceUpdatesPerHost: summarize(updates).median,
      decisionMs: summarize(decisions, { keepRuns: false }),
      cloudRequestsPerAlarm: requests / stream.length,
      settledMs,
    };
  } finally {
    for (const s of serves) s.child.kill('SIGTERM');
    await Promise.all(
      serves.map((s) => new Promise((r) => (s.child.exitCode !== null ? r(0) : s.child.once('exit', r)))),
    );
    agent.destroy();
    if (!o.keep) await flush();
    await store.close();
    await replay.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
