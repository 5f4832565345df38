/**
 * `stackmend serve`'s /metrics (cli/metrics.ts): incidents by status, outcome and rule, the MTTR
 * histogram and the breaker from the state store; OpenStack calls counted from a real client talking
 * to recorded Keystone answers; served by the local runtime in Prometheus' text format.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startLocalRuntime } from '../../cli/local-runtime';
import { CloudCallCounter, mountMetrics, renderMetrics } from '../../cli/metrics';
import { silentLogger } from '../../core/domain/log';
import { cloudConfigFromEntry } from '../../core/openstack/config';
import { KeystoneSession } from '../../core/openstack/keystone';
import { createIncident, recordedEvent, world } from '../support/steps';
import { replay, startReplayServer } from '../support/replay-server';

const sample = (text: string, name: string) =>
  text
    .split('\n')
    .find((l) => l.startsWith(`${name} `) || l === name)
    ?.split(' ')[1];

async function twoIncidents() {
  const w = world();
  const replace = { verdict: 'replace', rule: 'cattle-replace', reason: 'a Heat-managed server was deleted' } as const;
  const resolved = await createIncident(w, recordedEvent('aodh/event-webhook.json'), {
    status: 'acting',
    decision: replace,
  });
  await createIncident(w, recordedEvent('masakari/run1-compute-host.json'), {
    status: 'held',
    decision: { verdict: 'hold', rule: 'no-fence-evidence', reason: 'nothing asserts compute1 is fenced' },
  });
  w.advance(7_000);
  await w.incidents.record(resolved, { step: 'stack-update', outcome: 'RESOLVED', reason: 'replaced' }, () => ({
    status: 'resolved',
  }));
  return w;
}

describe('/metrics', () => {
  it('counts incidents by status and rule, outcomes by rule, and their time to recovery', async () => {
    const w = await twoIncidents();
    const text = await renderMetrics(w.store, new CloudCallCounter(), 5);
    expect(sample(text, 'stackmend_incidents{status="resolved",rule="cattle-replace"}')).toBe('1');
    expect(sample(text, 'stackmend_incidents{status="held",rule="no-fence-evidence"}')).toBe('1');
    expect(sample(text, 'stackmend_incident_outcomes_total{outcome="DISPATCHED",rule="cattle-replace"}')).toBe('1');
    expect(sample(text, 'stackmend_incident_outcomes_total{outcome="RESOLVED",rule="cattle-replace"}')).toBe('1');
    expect(sample(text, 'stackmend_incident_recovery_seconds_bucket{le="5"}')).toBe('0');
    expect(sample(text, 'stackmend_incident_recovery_seconds_bucket{le="10"}')).toBe('1');
    expect(sample(text, 'stackmend_incident_recovery_seconds_bucket{le="+Inf"}')).toBe('1');
    expect(sample(text, 'stackmend_incident_recovery_seconds_sum')).toBe('7');
    expect(sample(text, 'stackmend_incident_recovery_seconds_count')).toBe('1');
    expect(sample(text, 'stackmend_breaker_limit')).toBe('5');
    expect(sample(text, 'stackmend_breaker_tripped')).toBe('0');
  });

  it('is named after Prometheus conventions: a HELP and TYPE per family, counters in _total, seconds', async () => {
    const text = await renderMetrics((await twoIncidents()).store, new CloudCallCounter(), 5);
    const types = [...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => [m[1]!, m[2]!]);
    expect(types.length).toBeGreaterThanOrEqual(7);
    for (const [name, type] of types) {
      expect(name).toMatch(/^stackmend_[a-z_]+$/);
      expect(text).toContain(`# HELP ${name} `);
      if (type === 'counter') expect(name).toMatch(/_total$/);
      if (type === 'histogram') expect(name).toMatch(/_seconds$/);
    }
    for (const line of text.split('\n').filter((l) => l && !l.startsWith('#')))
      expect(types.some(([n]) => line.startsWith(n!))).toBe(true);
  });

  it('counts OpenStack calls by service and status, as the client makes them', async () => {
    const keystone = await startReplayServer((r) => {
      if (r.method === 'POST') {
        const issued = replay('keystone-token-issue') as Exclude<ReturnType<typeof replay>, 'reset'>;
        return { ...issued, headers: { ...issued.headers, 'X-Subject-Token': 'own' } };
      }
      return replay(
        r.headers['x-subject-token'] === 'good' ? 'keystone-token-validate' : 'keystone-token-validate-unknown',
      );
    });
    try {
      const calls = new CloudCallCounter();
      const session = new KeystoneSession(
        cloudConfigFromEntry('lab', {
          auth: { auth_url: keystone.url, username: 'admin', password: 'admin', project_name: 'admin' },
        }),
        { log: calls.observe(silentLogger), now: () => Date.parse('2026-11-23T02:00:00Z') },
      );
      await session.validateToken('good').catch(() => undefined);
      await session.validateToken('forged').catch(() => undefined);
      const text = await renderMetrics(world().store, calls, 5);
      expect(sample(text, 'stackmend_cloud_requests_total{service="keystone",status="201"}')).toBe('1');
      expect(sample(text, 'stackmend_cloud_requests_total{service="keystone",status="200"}')).toBe('1');
      expect(sample(text, 'stackmend_cloud_requests_total{service="keystone",status="404"}')).toBe('1');
    } finally {
      await keystone.close();
    }
  });

  it('is served by the local runtime at /metrics as text/plain version 0.0.4', async () => {
    const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'stackmend-metrics-'));
    const calls = new CloudCallCounter();
    const rt = await startLocalRuntime({
      port: 0,
      parameters: { state_url: `file:${stateDir}`, auth: { insecure_no_auth: true } },
      log: calls.observe(silentLogger),
    });
    try {
      mountMetrics(rt, calls, 5);
      const res = await fetch(`${rt.whisk.url}/metrics`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      expect(sample(await res.text(), 'stackmend_breaker_open_incidents')).toBe('0');
    } finally {
      await rt.close();
    }
  });
});
