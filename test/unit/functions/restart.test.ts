/**
 * restart on the in-memory cloud: a pet (HA_Enabled=True) that stopped on its own (the recorded Masakari VM
 * notification test/events/masakari/generated-vm-lifecycle-stopped-failed.json) or went to ERROR (the
 * recorded Aodh event alarm test/events/aodh/generated-event-instance-update-error.json) is recovered as
 * Masakari's VM flow does — stop unless stopped, start, ACTIVE — through the due queue, and climbs the
 * policy's ladder (restart → evacuate → human) when a rung fails or times out. A process failure calls
 * the policy's restart hook and is never evacuated.
 */
import { step as classify } from '../../../functions/classify-alarm';
import { step as restart } from '../../../functions/restart';
import { startHookListener } from '../../support/hook-listener';
import { due, invoke, novaTime, reconcile, record, recordedEvent, world, type World } from '../../support/steps';

const STOPPED_ALARM = recordedEvent('masakari/generated-vm-lifecycle-stopped-failed.json');
const STOPPED = '3bd67d07-7f0a-477c-a869-964e212f5c8d';
const ERROR_ALARM = recordedEvent('aodh/generated-event-instance-update-error.json');
const ERRORED = 'd215d30a-dda1-4763-975d-231d24db9f05';
const PROCESS_ALARM = recordedEvent('masakari/generated-process-nova-compute-stopped.json');
const RECHECK_MS = 2000; // the default policy's recheckAfterSec

async function classified(w: World, alarm: unknown): Promise<string> {
  const res = await invoke(w, classify, alarm);
  expect(res.body.results[0]).toMatchObject({ outcome: 'DISPATCHED' });
  return res.body.results[0].incident!;
}

function pet(w: World, id: string, status: string) {
  w.cloud.nova.addServer({ id, name: 'pet', host: 'compute1', status, metadata: { HA_Enabled: 'True' } });
}

/** One reconcile of restart after Nova finished what it was asked and the recheck delay passed. */
async function later(w: World) {
  w.cloud.tick();
  w.advance(RECHECK_MS);
  return reconcile(w, restart);
}

const writes = (w: World) => w.cloud.writes().map((c) => `${c.method} ${String(c.args[0])}`);

describe('restart (a pet stopped or in ERROR)', () => {
  it('starts a pet that stopped on its own, and resolves once Nova reports it ACTIVE', async () => {
    const w = world();
    pet(w, STOPPED, 'SHUTOFF');
    const incident = await classified(w, STOPPED_ALARM);
    expect((await record(w, incident)).decision).toMatchObject({ verdict: 'restart', rule: 'pet-vm-recovery' });
    expect(await due(w, 'restart')).toEqual([incident]);

    const first = await reconcile(w, restart);
    expect(first.body.results).toEqual([expect.objectContaining({ outcome: 'RESCHEDULED', incident })]);
    expect(writes(w)).toEqual([`nova.start ${STOPPED}`]);

    const done = await later(w);
    expect(done.body.results).toEqual([expect.objectContaining({ outcome: 'RESOLVED', incident })]);
    expect(w.cloud.nova.server(STOPPED)).toMatchObject({ status: 'ACTIVE' });
    const r = await record(w, incident);
    expect(r.status).toBe('resolved');
    expect(r.timeline.map((e) => `${e.step} ${e.outcome}`)).toContain('restart DISPATCHED');
    expect(await due(w, 'notify')).toEqual([incident]);
  });

  it('stops a pet in ERROR first, then starts it (Nova stops ERROR servers; nova/compute/api.py)', async () => {
    const w = world();
    pet(w, ERRORED, 'ERROR');
    const incident = await classified(w, ERROR_ALARM);
    await reconcile(w, restart);
    expect(writes(w)).toEqual([`nova.stop ${ERRORED}`]);
    await later(w);
    expect(writes(w)).toEqual([`nova.stop ${ERRORED}`, `nova.start ${ERRORED}`]);
    const done = await later(w);
    expect(done.body.results[0]).toMatchObject({ outcome: 'RESOLVED', incident });
  });

  it('climbs past the evacuate rung while the host is up, to a human, when the start times out', async () => {
    const w = world();
    pet(w, STOPPED, 'SHUTOFF');
    const incident = await classified(w, STOPPED_ALARM);
    await reconcile(w, restart);
    w.advance(241_000); // past the restart rung's 240 s, the start never took effect (no tick)
    w.cloud.nova.setService('compute1', { updated_at: novaTime(w, 1) }); // compute1 heartbeats: up
    const res = await reconcile(w, restart);
    expect(res.body.results[0]).toMatchObject({ outcome: 'HELD_FOR_APPROVAL', status: 'held' });
    const r = await record(w, incident);
    expect(r.status).toBe('held');
    const reasons = r.timeline.filter((e) => e.step === 'restart').map((e) => e.reason);
    expect(reasons.join('\n')).toMatch(/rung 1\/3 restart timed out.*climbing to rung 2\/3 evacuate/);
    expect(reasons.join('\n')).toMatch(/skipped, Nova evacuates only off a down host/);
    expect(reasons.join('\n')).toMatch(/climbing to rung 3\/3 human: holding for a human/);
    expect(w.cloud.callsTo('nova.evacuate')).toEqual([]);
    expect(await due(w, 'notify')).toEqual([incident]);
  });

  it('hands the evacuate rung to the evacuate step when Nova reports the host down', async () => {
    const w = world();
    pet(w, STOPPED, 'SHUTOFF');
    const incident = await classified(w, STOPPED_ALARM);
    await reconcile(w, restart);
    w.advance(241_000);
    w.cloud.nova.setService('compute1', { state: 'down', updated_at: novaTime(w, 200) });
    const res = await reconcile(w, restart);
    expect(res.body.results[0]).toMatchObject({ outcome: 'DISPATCHED', reason: expect.stringMatching(/off compute1/) });
    const r = await record(w, incident);
    expect(r.plan).toMatchObject({ action: 'evacuate', host: 'compute1', servers: [{ serverId: STOPPED }] });
    expect(await due(w, 'evacuate')).toEqual([incident]);
  });

  it('holds a pet that keeps failing for a human (the repeat threshold), restarting nothing', async () => {
    const w = world();
    pet(w, STOPPED, 'SHUTOFF');
    for (let i = 0; i < 2; i++) {
      const alarm = structuredClone(STOPPED_ALARM) as { notification: { generated_time: string } };
      alarm.notification.generated_time = new Date(w.now() + i).toISOString().replace('Z', '');
      await classified(w, alarm);
      await reconcile(w, restart);
      await later(w);
      w.cloud.nova.setServer(STOPPED, { status: 'SHUTOFF' }); // stopped behind Nova's back again
    }
    const third = structuredClone(STOPPED_ALARM) as { notification: { generated_time: string } };
    third.notification.generated_time = new Date(w.now() + 5).toISOString().replace('Z', '');
    const res = await invoke(w, classify, third);
    expect(res.body.results[0]).toMatchObject({ outcome: 'HELD_FOR_APPROVAL' });
    expect((await record(w, res.body.results[0].incident!)).decision?.rule).toBe('repeat-threshold');
    expect(w.cloud.callsTo('nova.start')).toHaveLength(2);
  });
});

describe('restart (a process failure)', () => {
  it('only tells the operator without a restart hook, and never evacuates', async () => {
    const w = world();
    const res = await invoke(w, classify, PROCESS_ALARM);
    expect(res.body.results[0]).toMatchObject({ outcome: 'NOT_MANAGED' });
    expect(w.cloud.writes()).toEqual([]);
  });

  it('calls the policy restart hook with the host, then resolves', async () => {
    const hook = await startHookListener();
    try {
      const w = world({ config: { policy: { processRestartHook: { url: hook.url } } } });
      const incident = await classified(w, PROCESS_ALARM);
      expect((await record(w, incident)).decision?.rule).toBe('process-restart-hook');
      const res = await reconcile(w, restart);
      expect(res.body.results[0]).toMatchObject({ outcome: 'RESOLVED', incident });
      expect(hook.requests.map((r) => r.json)).toEqual([{ host: 'compute1', process: 'nova-compute', incident }]);
      expect(w.cloud.writes()).toEqual([]);
    } finally {
      await hook.close();
    }
  });
});
