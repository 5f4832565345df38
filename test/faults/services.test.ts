/**
 * OpenStack services failing under a repair, for real, on one shared ResourceGroup: heat-api stopped
 * while the stack update runs; Keystone stopped mid-chain (Heat then refuses the PATCH: its engine
 * needs Keystone for the stack's trust) and started again; a Keystone that accepts connections and
 * never answers. Each time the incident completes once, counted from Heat's stack events.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { StackRef } from '../../core/domain/plan';
import { labCloud } from '../support/lab';
import {
  createGroup,
  deleteMember,
  harness,
  heatRecord,
  heatSince,
  lab,
  postAlarm,
  repairedOnce,
  resetLab,
  settledServers,
  settledStatus,
  silentListener,
  waitFor,
  waitIncident,
  type Harness,
} from './support';

let h: Harness;
let stack: StackRef;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  resetLab();
  h = await harness();
  stack = await createGroup(h.cloud, 'faults-services', 3);
});
afterAll(async () => {
  await h?.close();
  for (const s of ['keystone', 'heat-api']) lab(['start', s], { quiet: true }); // no-op when running
  resetLab();
});

const healedOnce = async (victimId: string, before: Awaited<ReturnType<typeof heatRecord>>, member: string) => {
  const r = await repairedOnce(h, stack, victimId, before, member);
  expect((await h.rt.incidents.list()).filter((x) => x.key === r.key)).toHaveLength(1);
};

describe('a lab service fails during a repair', () => {
  it('heat-api stopped while the update runs: stackmend retries, and completes once it is back', async () => {
    const before = await heatRecord(stack);
    const { victim, alarm } = await deleteMember(h, stack, '0');
    expect((await postAlarm(h.rt.alarmUrl, alarm)).data).toMatchObject({ outcome: 'DISPATCHED' });
    await waitFor(
      'the update to start',
      async () => (await h.cloud.heat.getStack(stack)).stack_status !== 'CREATE_COMPLETE',
      30,
      100,
    );
    lab(['stop', 'heat-api'], { quiet: true });
    await sleep(8000); // stack-update's checks meet a closed port meanwhile
    lab(['start', 'heat-api'], { quiet: true });
    await healedOnce(victim.serverId, before, '0');
  });

  it('Keystone stopped mid-chain and started again: what Heat refused is done again, once', async () => {
    const before = await heatRecord(stack);
    // the member is deleted while Keystone answers: the test's own call must not depend on Nova's token cache
    const { victim, alarm } = await deleteMember(h, stack, '1');
    lab(['stop', 'keystone'], { quiet: true });
    try {
      // a heat-api worker that has this token cached decides the alarm (DISPATCHED) and the PATCH meets
      // Keystone down; one that has not answers 503 to the read, and the alarm is kept (RESCHEDULED)
      const res = await postAlarm(h.rt.alarmUrl, alarm);
      expect(res.status).toBe(202);
      expect(['DISPATCHED', 'RESCHEDULED']).toContain(res.data.outcome);
      await sleep(5000);
    } finally {
      lab(['start', 'keystone'], { quiet: true });
    }
    await healedOnce(victim.serverId, before, '1');
  });

  it('a Keystone that never answers: the alarm kept with a clear timeout reason, nothing marked, and a redelivery acts', async () => {
    const silent = await silentListener();
    const state = `file:${fs.mkdtempSync(path.join(os.tmpdir(), 'stackmend-faults-hung-'))}`;
    const hung = await harness({
      cloud: undefined,
      state_url: state,
      os_auth: { auth: { ...labCloud().auth, auth_url: silent.url } },
    });
    const before = await heatRecord(stack);
    const { victim, alarm } = await deleteMember(h, stack, '2');
    const t0 = Date.now();
    const res = await postAlarm(hung.rt.alarmUrl, alarm).finally(() => hung.close());
    const tookSec = (Date.now() - t0) / 1000;
    await silent.close();
    expect(res.status).toBe(202); // kept (functions/classify-alarm/park.ts): Aodh does not resend after a 5xx
    expect(res.data).toMatchObject({
      outcome: 'RESCHEDULED',
      reason: expect.stringMatching(/^OpenStack did not answer \(keystone did not answer POST .*auth/),
    });
    expect(tookSec).toBeLessThan(60);
    expect(silent.connections()).toBeGreaterThan(0);
    expect(await heatSince(stack, before)).toEqual({ updates: 0, failedOrCancelled: [], marked: {} });
    // the same delivery, to a runtime on the same state whose Keystone answers: not a duplicate
    const real = await harness({ state_url: state });
    try {
      expect((await postAlarm(real.rt.alarmUrl, alarm)).data).toMatchObject({ outcome: 'DISPATCHED' });
      const r = await waitIncident(
        real.rt,
        (x) =>
          x.incident.subject.type === 'server' && x.incident.subject.serverId === victim.serverId && settledStatus(x),
        120,
      );
      expect(r.status).toBe('resolved');
    } finally {
      await real.close();
    }
    await settledServers(h, stack);
    expect(await heatSince(stack, before)).toEqual({ updates: 1, failedOrCancelled: [], marked: { '2': 1 } });
  });
});
