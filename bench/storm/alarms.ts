/**
 * The storm's alarm stream, made from recorded deliveries (test/events/): per failed host, the host
 * monitor's report (test/events/masakari/run1-compute-host.json) and one Alertmanager InstanceDown
 * webhook per server on it (test/events/alertmanager/InstanceDown-firing.json, one alert each),
 * shuffled with a seeded generator; each host's report comes before the first alarm about its servers
 * (a server alarm that came first would be its own incident: see README "Alarm storm"). A duplicate is
 * the same body delivered again later in the stream (Alertmanager's repeat, a monitor's retry).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const EVENTS = path.join(__dirname, '..', '..', 'test', 'events');
const recorded = (file: string) => JSON.parse(fs.readFileSync(path.join(EVENTS, file), 'utf8'));
const HOST_REPORT = recorded('masakari/run1-compute-host.json');
const INSTANCE_DOWN = recorded('alertmanager/InstanceDown-firing.json');

export type StormShape = { hosts: number; serversPerHost: number; duplicateRate: number; seed: number };
export const DEFAULT_STORM: StormShape = { hosts: 100, serversPerHost: 100, duplicateRate: 0.1, seed: 14 };

export type Delivery = { body: unknown; about: 'host' | 'server'; host: string; serverId?: string; duplicate: boolean };

export const hostName = (h: number) => `storm-${String(h).padStart(4, '0')}`;
/** A server id shaped like Nova's (a UUID), from host and index. */
export const serverId = (h: number, s: number) =>
  `5e000000-0000-4000-8000-${String(h).padStart(6, '0')}${String(s).padStart(6, '0')}`;

/** mulberry32: a small seeded generator, so every run sends the same stream. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hostReport(host: string, at: Date) {
  const n = structuredClone(HOST_REPORT);
  n.notification.hostname = host;
  n.notification.generated_time = at.toISOString().replace('Z', '');
  return n;
}

function instanceDown(id: string, name: string, at: Date) {
  const w = structuredClone(INSTANCE_DOWN);
  const [alert] = w.alerts;
  alert.labels.instance_id = id;
  alert.annotations.summary = `Server ${name} does not answer its health check`;
  alert.fingerprint = id.replace(/-/g, '').slice(-16);
  alert.startsAt = at.toISOString();
  w.alerts = [alert];
  return w;
}

export function stormAlarms(shape: StormShape, startedAt = new Date()): Delivery[] {
  const rnd = seeded(shape.seed);
  const servers: Delivery[] = [];
  for (let h = 0; h < shape.hosts; h++)
    for (let s = 0; s < shape.serversPerHost; s++) {
      const id = serverId(h, s);
      const body = instanceDown(id, `${hostName(h)}-vm${s}`, startedAt);
      servers.push({ body, about: 'server', host: hostName(h), serverId: id, duplicate: false });
    }
  for (let i = servers.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [servers[i], servers[j]] = [servers[j], servers[i]];
  }
  const stream: Delivery[] = [];
  const reported = new Set<string>();
  for (const d of servers) {
    if (!reported.has(d.host)) {
      reported.add(d.host);
      stream.push({ body: hostReport(d.host, startedAt), about: 'host', host: d.host, duplicate: false });
    }
    stream.push(d);
  }
  const copies = Math.round(stream.length * shape.duplicateRate);
  for (let c = 0; c < copies; c++) {
    const from = Math.floor(rnd() * stream.length);
    const at = Math.min(stream.length, from + 1 + Math.floor(rnd() * 200));
    stream.splice(at, 0, { ...stream[from], duplicate: true });
  }
  return stream;
}
