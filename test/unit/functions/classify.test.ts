/**
 * classify-alarm on the in-memory cloud, from recorded alarms: the host monitor's COMPUTE_HOST
 * notification for compute1 (test/events/masakari/run1-compute-host.json), its PROCESS notification,
 * and Aodh's delete.end alarm (test/events/aodh/event-webhook-2.json). compute1 runs a pet.
 */
import { step as classify } from '../../../functions/classify-alarm';
import { due, invoke, reconcile, record, recordedEvent, world, type World } from '../../support/steps';

/** Nova's service time format (test/fixtures/openstack/nova-force-down-2.53.json), `secondsAgo` before now. */
const novaTime = (w: World, secondsAgo: number) =>
  new Date(w.now() - secondsAgo * 1000).toISOString().replace('Z', '000');

/** The recorded COMPUTE_HOST notification, `n` seconds after its own generated_time (a new alarm each). */
const hostDown = (n = 0) => {
  const body = recordedEvent('masakari/run1-compute-host.json') as { notification: { generated_time: string } };
  const at = Date.parse('2026-11-23T01:54:56.603Z') + n * 1000;
  body.notification.generated_time = new Date(at).toISOString().replace('Z', '');
  return body;
};

function petOnCompute1(heartbeatSecondsAgo: number): World {
  const w = world();
  w.cloud.nova.addServer({ id: 'pet-1', name: 'pet-1', host: 'compute1', metadata: { HA_Enabled: 'True' } });
  w.cloud.nova.setService('compute1', { updated_at: novaTime(w, heartbeatSecondsAgo) });
  return w;
}

describe('classify-alarm, host alarms', () => {
  it('answers host-alive about a host Nova shows heartbeating: recorded, the operator told, nothing written', async () => {
    const w = petOnCompute1(3);
    const res = await invoke(w, classify, hostDown());
    expect(res.body).toMatchObject({ outcome: 'HOST_ALIVE', details: { decision: { rule: 'host-alive' } } });
    expect(w.cloud.writes()).toEqual([]);
    const key = res.body.incident as string;
    expect((await record(w, key)).status).toBe('notify-only');
    expect(await due(w, 'notify')).toEqual([key]);
    expect(await due(w, 'evacuate')).toEqual([]);
  });

  it('decides a late host again through its due queue, and evacuates once Nova forced it down', async () => {
    const w = petOnCompute1(15);
    const first = await invoke(w, classify, hostDown());
    expect(first.body).toMatchObject({ outcome: 'RESCHEDULED', details: { decision: { verdict: 'recheck' } } });
    const key = first.body.incident as string;
    // 15 s silent, down after 20 s: looked at again in 5 s, through the due queue
    expect(await w.store.pending('classify-alarm')).toEqual([
      expect.objectContaining({ id: key, dueAt: w.now() + 5000 }),
    ]);
    expect((await reconcile(w, classify)).body.results).toEqual([]); // not due yet
    w.advance(5000);
    w.cloud.nova.setService('compute1', { forced_down: true, state: 'down' }); // an external fencing agent
    const again = await reconcile(w, classify);
    expect(again.body.results).toEqual([expect.objectContaining({ outcome: 'DISPATCHED', incident: key })]);
    expect(await record(w, key)).toMatchObject({
      status: 'acting',
      decision: { verdict: 'evacuate' },
      fence: { source: 'nova-forced-down', vouchedBy: 'nova' },
    });
    expect(await due(w, 'evacuate')).toEqual([key]);
    expect(w.cloud.writes()).toEqual([]);
  });

  it('holds a host that stays late after the policy’s rechecks, without paging on each recheck', async () => {
    const w = petOnCompute1(12);
    const key = (await invoke(w, classify, hostDown())).body.incident as string;
    const outcomes: string[] = [];
    for (let i = 0; i < 3; i++) {
      w.advance(60_000);
      w.cloud.nova.setService('compute1', { updated_at: novaTime(w, 12) }); // still heartbeating, late
      outcomes.push(...(await reconcile(w, classify)).body.results.map((r) => r.outcome));
    }
    expect(outcomes).toEqual(['RESCHEDULED', 'RESCHEDULED', 'HELD_FOR_APPROVAL']);
    expect(await record(w, key)).toMatchObject({ status: 'held', rechecks: 3 });
    expect(await due(w, 'notify')).toEqual([key]);
    expect(w.cloud.writes()).toEqual([]);
  });

  it('never evacuates on a PROCESS notification (nova-compute down): the operator is told', async () => {
    const w = petOnCompute1(60);
    w.cloud.nova.setService('compute1', { forced_down: true, state: 'down' });
    const res = await invoke(w, classify, recordedEvent('masakari/generated-process-nova-compute-stopped.json'));
    expect(res.body).toMatchObject({ outcome: 'NOT_MANAGED', details: { decision: { rule: 'host-service-unwell' } } });
    expect(await due(w, 'evacuate')).toEqual([]);
  });
});

describe('classify-alarm, alarms about a server nobody knows', () => {
  const unknownServer = (n: number) => {
    const body = recordedEvent('aodh/event-webhook-2.json') as { reason_data: { event: { message_id: string } } };
    body.reason_data.event.message_id = `00000000-0000-4000-8000-00000000000${n}`;
    return body;
  };

  it('answers NOT_MANAGED every time, stores nothing and pages nobody', async () => {
    const w = world();
    for (const n of [1, 2, 3, 1]) {
      const res = await invoke(w, classify, unknownServer(n));
      expect(res.body).toMatchObject({ outcome: 'NOT_MANAGED', reason: expect.stringMatching(/unknown to Nova/) });
    }
    expect(await w.store.list('')).toEqual([]);
    expect(await due(w, 'notify')).toEqual([]);
  });
});

describe('classify-alarm, dry runs', () => {
  it('writes nothing: three dry runs do not make the real alarm reach the repeat threshold', async () => {
    const w = petOnCompute1(60);
    w.cloud.nova.setService('compute1', { forced_down: true, state: 'down' });
    for (const n of [1, 2, 3]) {
      const dry = await invoke(w, classify, { ...hostDown(n), dry_run: true });
      expect(dry.body).toMatchObject({ outcome: 'DRY_RUN' });
    }
    expect(await w.store.list('')).toEqual([]);
    const real = await invoke(w, classify, hostDown(1));
    expect(real.body).toMatchObject({ outcome: 'DISPATCHED', details: { decision: { verdict: 'evacuate' } } });
  });
});
