/**
 * stackmend's own processes and state failing, for real, on one shared ResourceGroup: the `stackmend
 * serve` process SIGKILLed once Heat shows the member marked unhealthy, then started again on the same
 * state; a Redis state store (a redis-server of this test's own, append-only file) killed mid-repair
 * and restarted, then stopped: alarms fail closed (503, nothing acknowledged, nothing written to the
 * cloud) and the redelivery acts once Redis is back. Counted from Heat's stack events.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { StackRef } from '../../core/domain/plan';
import { openStore } from '../../core/state';
import { Incidents } from '../../functions/_shared/incidents';
import { cloud } from '../e2e/support';
import {
  CLOUD,
  OwnRedis,
  ServeProcess,
  TOKEN,
  createGroup,
  deleteMember,
  harness,
  heatRecord,
  heatSince,
  postAlarm,
  repairedOnce,
  resetLab,
  settledServers,
  settledStatus,
  waitFor,
} from './support';

const lab = { cloud: cloud() };
let stack: StackRef;

beforeAll(async () => {
  resetLab();
  stack = await createGroup(lab.cloud, 'faults-processes', 3);
});
afterAll(() => resetLab());

const about = (id: string) => (x: { incident: { subject: { type: string; serverId?: string } } }) =>
  x.incident.subject.type === 'server' && x.incident.subject.serverId === id;

describe('the serve process SIGKILLed between mark-unhealthy and stack-update', () => {
  it('completes the incident once it is started again: one update in Heat', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stackmend-faults-serve-'));
    const serve = new ServeProcess(3291, ['--cloud', CLOUD, '--token', TOKEN, '--state', `file:${dir}`]);
    const incidents = new Incidents(openStore(`file:${dir}`), Date.now);
    await serve.start();
    try {
      const before = await heatRecord(stack);
      const { victim, alarm } = await deleteMember(lab, stack, '0');
      const url = serve.url.replace('http://', `http://webhook:${TOKEN}@`);
      expect((await postAlarm(url, alarm)).data).toMatchObject({ outcome: 'DISPATCHED' });
      await waitFor(
        'the member marked unhealthy',
        async () =>
          (await lab.cloud.heat.getResource(victim.stack, victim.resourceName)).resource_status === 'CHECK_FAILED',
        30,
        20,
      );
      await serve.kill();
      const atKill = (await lab.cloud.heat.getStack(stack)).stack_status;
      await serve.start();
      let r: Awaited<ReturnType<Incidents['list']>>[number] | undefined;
      await waitFor(
        'the incident to settle',
        async () => !!(r = (await incidents.list()).find((x) => about(victim.serverId)(x) && settledStatus(x))),
        150,
        500,
      );
      expect({ status: r!.status, atKill }).toMatchObject({ status: 'resolved' });
      await settledServers(lab, stack);
      expect(await heatSince(stack, before)).toEqual({ updates: 1, failedOrCancelled: [], marked: { '0': 1 } });
    } finally {
      await serve.kill();
    }
  });
});

describe('a Redis state store', () => {
  const redis = new OwnRedis(6390);
  beforeAll(() => redis.start());
  afterAll(() => redis.kill());

  it('killed mid-repair and restarted from its append-only file: the incident completes, once', async () => {
    const h = await harness({ state_url: redis.url(10) });
    try {
      const before = await heatRecord(stack);
      const { victim, alarm } = await deleteMember(h, stack, '1');
      expect((await postAlarm(h.rt.alarmUrl, alarm)).data).toMatchObject({ outcome: 'DISPATCHED' });
      await redis.kill();
      await redis.start();
      await repairedOnce(h, stack, victim.serverId, before, '1');
    } finally {
      await h.close();
    }
  });

  it('stopped: the alarm fails closed (503, nothing acknowledged, nothing written); the redelivery acts once it is back', async () => {
    const h = await harness({ state_url: redis.url(10) });
    try {
      const before = await heatRecord(stack);
      await redis.kill();
      const { victim, alarm } = await deleteMember(h, stack, '2');
      const refused = await postAlarm(h.rt.alarmUrl, alarm);
      expect(refused.status).toBe(503);
      expect(refused.data).toMatchObject({ error: 'StateStoreUnavailableError' });
      expect(await heatSince(stack, before)).toEqual({ updates: 0, failedOrCancelled: [], marked: {} });
      await redis.start();
      expect((await postAlarm(h.rt.alarmUrl, alarm)).data).toMatchObject({ outcome: 'DISPATCHED' });
      await repairedOnce(h, stack, victim.serverId, before, '2');
    } finally {
      await h.close();
    }
  });
});
