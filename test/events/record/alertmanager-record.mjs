#!/usr/bin/env node
// Records real Alertmanager webhook (v4) deliveries: starts a local webhook listener, runs the Debian
// package's /usr/bin/prometheus-alertmanager on 127.0.0.1 with a webhook receiver pointing at it,
// POSTs alerts to /api/v2/alerts (all firing; then ev-vm2 resolved, so one delivery mixes firing and
// resolved alerts; then all resolved), captures every delivery
// (exact body bytes + headers), stops Alertmanager and writes the captures to test/events/alertmanager/.
// Usage: node test/events/record/alertmanager-record.mjs   (needs `apt-get install prometheus-alertmanager`)
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const BINARY = '/usr/bin/prometheus-alertmanager';
const OUT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'alertmanager');
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Server ids and host names of the lab (ev-vm1 and ev-vm2 from fixtures/nova-server-create-ev-vm*.json; compute1).
const ALERTS = [
  { labels: { alertname: 'InstanceDown', instance_id: '3bd67d07-7f0a-477c-a869-964e212f5c8d', severity: 'critical' },
    annotations: { summary: 'Server ev-vm1 does not answer its health check' } },
  { labels: { alertname: 'InstanceDown', instance_id: 'd1756b9c-562c-43b0-be4c-665c388acc03', severity: 'critical' },
    annotations: { summary: 'Server ev-vm2 does not answer its health check' } },
  { labels: { alertname: 'HostDown', host: 'compute1', severity: 'critical' },
    annotations: { summary: 'Compute host compute1 is unreachable' } },
];

const freePort = () => new Promise((resolve) => {
  const s = net.createServer().listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
});

function startListener(captures, step) {
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      captures.push({ step: step.now, received_iso: new Date().toISOString(), method: req.method, url: req.url,
        headers: req.headers, body_raw: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

async function waitReady(url, ms = 20000) {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(200)) {
    try { if ((await fetch(url)).ok) return; } catch { /* not up yet */ }
  }
  throw new Error(`Alertmanager not ready at ${url}`);
}

async function postAlerts(base, alerts) {
  const res = await fetch(`${base}/api/v2/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify(alerts) });
  if (!res.ok) throw new Error(`POST /api/v2/alerts -> ${res.status} ${await res.text()}`);
}

async function waitFor(captures, count, ms = 30000) {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(200)) if (captures.length >= count) return;
  throw new Error(`expected ${count} deliveries, got ${captures.length}`);
}

async function main() {
  const captures = [];
  const step = { now: 'firing' };
  const listener = await startListener(captures, step);
  const hook = `http://127.0.0.1:${listener.address().port}/alertmanager`;
  const amPort = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stackmend-am-'));
  fs.writeFileSync(path.join(dir, 'alertmanager.yml'), [
    'route:', '  receiver: stackmend', '  group_by: [alertname]', '  group_wait: 1s', '  group_interval: 2s',
    '  repeat_interval: 1h', 'receivers:', '  - name: stackmend', '    webhook_configs:', `      - url: ${hook}`,
    '        send_resolved: true', '',
  ].join('\n'));
  const am = spawn(BINARY, [`--config.file=${dir}/alertmanager.yml`, `--storage.path=${dir}/data`,
    `--web.listen-address=127.0.0.1:${amPort}`, '--cluster.listen-address=', `--web.external-url=http://127.0.0.1:${amPort}`],
  { stdio: ['ignore', 'ignore', fs.openSync(path.join(dir, 'alertmanager.log'), 'w')] });
  try {
    const base = `http://127.0.0.1:${amPort}`;
    await waitReady(`${base}/-/ready`);
    const startsAt = new Date().toISOString();
    const generatorURL = 'http://prometheus.example:9090/graph?g0.expr=up%3D%3D0';
    await postAlerts(base, ALERTS.map((a) => ({ ...a, startsAt, generatorURL })));
    await waitFor(captures, 2);
    await sleep(1000);
    step.now = 'vm2-resolved';
    await postAlerts(base, [{ ...ALERTS[1], startsAt, endsAt: new Date().toISOString(), generatorURL }]);
    await waitFor(captures, 3);
    await sleep(1000);
    step.now = 'resolved';
    const endsAt = new Date().toISOString();
    await postAlerts(base, ALERTS.map((a) => ({ ...a, startsAt, endsAt, generatorURL })));
    await waitFor(captures, 5);
  } finally {
    am.kill('SIGTERM');
    listener.close();
  }
  fs.mkdirSync(path.join(OUT, 'meta'), { recursive: true });
  const requests = captures.map((c) => {
    const body = JSON.parse(c.body_raw);
    const name = `${body.groupLabels.alertname}-${c.step}.json`;
    fs.writeFileSync(path.join(OUT, name), `${c.body_raw.trimEnd()}\n`);
    console.log(`${name}: ${c.method} ${c.url} ${body.alerts.length} alert(s) ${body.status}`);
    return { file: name, step: c.step, received_iso: c.received_iso, method: c.method, url: c.url, headers: c.headers };
  });
  fs.writeFileSync(path.join(OUT, 'meta', 'requests.json'), `${JSON.stringify(requests, null, 2)}\n`);
  fs.rmSync(dir, { recursive: true, force: true });
}

main().catch((error) => { console.error(error); process.exit(1); });
