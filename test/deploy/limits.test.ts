/**
 * A step that overruns its time limit, run as OpenWhisk runs it: the built notify bundle in a
 * container of the local runtime, state in Redis (db 8, its own, emptied first: a due item another test left
 * in a shared db would be leased instead of this test's). The container is killed at the limit (its
 * process is gone), the due item it had leased is not lost, and once the lease ends the next reconcile
 * takes it again and finishes it (functions/_shared/reconcile.ts, core/state lease/ack).
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import Redis from 'ioredis';
import openwhisk from 'openwhisk';
import { openStore } from '../../core/state';
import type { StateStore } from '../../core/state/store';
import { Incidents } from '../../functions/_shared/incidents';
import { startLocalWhisk, type LocalWhisk } from '../../local/whisk';
import { createIncident, recordedEvent, type World } from '../support/steps';
import { makeZip, processAlive } from '../unit/whisk/support';
import { scratchService, type ScratchService } from './support';

const STATE_URL = 'redis://127.0.0.1:6379/8';
const LIMIT_MS = 3000;

let whisk: LocalWhisk;
let service: ScratchService;
let store: StateStore;
let hook: { url: string; requests: number; answer: boolean; close(): Promise<void> };

/** A chat webhook that, while `answer` is false, takes the request and never replies. */
async function startHook(): Promise<typeof hook> {
  const server = http.createServer((_req, res) => {
    state.requests++;
    if (state.answer) res.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const state = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    requests: 0,
    answer: false,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return state;
}

beforeAll(async () => {
  const r = new Redis(STATE_URL);
  await r.flushdb();
  r.disconnect();
  [whisk, service, hook] = await Promise.all([
    startLocalWhisk({ port: 0, containerConcurrency: 4 }),
    scratchService(),
    startHook(),
  ]);
  store = openStore(STATE_URL);
  const ow = openwhisk({ apihost: whisk.url, api_key: whisk.auth, namespace: whisk.namespace });
  await ow.packages.create({
    name: 'stackmend',
    package: {
      parameters: [
        { key: 'state_url', value: STATE_URL },
        { key: 'notify', value: { webhook_url: hook.url } },
      ],
    },
  });
  const bundle = fs.readFileSync(path.join(service.dir, 'dist/notify/index.js'), 'utf8');
  const zip = makeZip({ 'package.json': '{"main":"dist/notify/index.js"}', 'dist/notify/index.js': bundle });
  await ow.actions.create({ name: 'stackmend/notify', action: zip, kind: 'nodejs:20', limits: { timeout: LIMIT_MS } });
});
afterAll(async () => {
  await whisk?.close();
  await hook?.close();
  await store?.close();
  service?.remove();
});

describe('a step past its time limit', () => {
  it('is killed, and the incident it had leased is taken again by the next reconcile', async () => {
    const w = { incidents: new Incidents(store, Date.now), now: Date.now } as unknown as World;
    const incident = await createIncident(w, recordedEvent('masakari/run1-compute-host.json'), {
      status: 'held',
      decision: { verdict: 'hold', rule: 'no-fence-evidence', reason: 'nothing asserts compute1 is powered off' },
      plan: { action: 'notify' },
    });
    await store.schedule('notify', incident, Date.now());

    const killed = whisk.invoke('stackmend/notify', { reconcile: true });
    let pids: number[] = [];
    while (!pids.length || hook.requests === 0) {
      await new Promise((r) => setTimeout(r, 50));
      pids = whisk.containerPids('stackmend/notify');
    }
    const first = await killed;

    expect(first.response).toMatchObject({
      status: 'action developer error',
      result: { error: `The action exceeded its time limits of ${LIMIT_MS} milliseconds.` },
    });
    expect(pids).toHaveLength(1);
    expect(processAlive(pids[0]!)).toBe(false);
    const [leased] = await store.pending('notify');
    expect(leased).toMatchObject({ id: incident, attempts: 1, leasedUntil: expect.any(Number) });
    expect(leased!.leasedUntil!).toBeGreaterThan(Date.now()); // lent to the killed activation, not lost

    hook.answer = true;
    // no invocation may take it before its lease ends (LEASE_MS, 60 s)
    await new Promise((r) => setTimeout(r, leased!.leasedUntil! - Date.now() + 2000));
    const again = await whisk.invoke('stackmend/notify', { reconcile: true });

    expect(again.response).toMatchObject({ success: true });
    expect(again.response.result).toMatchObject({
      statusCode: 200,
      body: { step: 'notify', results: [expect.objectContaining({ outcome: 'DONE', incident })] },
    });
    expect(whisk.containerPids('stackmend/notify')).not.toContain(pids[0]);
    expect(await store.pending('notify')).toEqual([]);
    expect(hook.requests).toBe(2);
  }, 120_000);
});
