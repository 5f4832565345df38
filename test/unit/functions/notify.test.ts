/**
 * notify on the in-memory cloud: a host failure held for approval (the recorded host monitor
 * notification test/events/masakari/run1-compute-host.json) is told to the operator through a Zaqar
 * queue and a webhook; a failed channel is tried again later, and only that one.
 */
import { ServiceUnavailableError } from '../../../core/openstack/errors';
import { MAX_ATTEMPTS, step as notify } from '../../../functions/notify';
import { startHookListener, type HookListener } from '../../support/hook-listener';
import { createIncident, due, invoke, reconcile, recordedEvent, world, type World } from '../../support/steps';

const QUEUE = 'stackmend-ops';
const zaqarDown = () =>
  new ServiceUnavailableError({
    service: 'zaqar',
    status: 503,
    method: 'POST',
    url: `http://127.0.0.1:8888/v2/queues/${QUEUE}/messages`,
  });

/** The recorded host-down notification, held for an operator's approval: notify tells the operator. */
async function held(config: Record<string, unknown>): Promise<{ w: World; incident: string }> {
  const w = world({ config });
  const incident = await createIncident(w, recordedEvent('masakari/run1-compute-host.json'), {
    status: 'held',
    decision: { verdict: 'hold', rule: 'no-fence-evidence', reason: 'nothing asserts compute1 is powered off' },
    plan: { action: 'notify' },
  });
  return { w, incident };
}

let hooks: HookListener;
beforeEach(async () => (hooks = await startHookListener()));
afterEach(() => hooks.close());

describe('notify', () => {
  it('tells the operator once per incident state: a second hand-off is a DUPLICATE', async () => {
    const { w, incident } = await held({ notify: { zaqar_queue: QUEUE } });
    const first = await invoke(w, notify, { incident });
    expect(first.body).toMatchObject({ outcome: 'DONE', status: 'held' });
    expect(w.cloud.zaqar.messages(QUEUE)).toEqual([expect.objectContaining({ incident, status: 'held' })]);
    const again = await invoke(w, notify, { incident });
    expect(again.body).toMatchObject({ outcome: 'DUPLICATE' });
    expect(w.cloud.zaqar.messages(QUEUE)).toHaveLength(1);
  });

  it('retries a failed channel through the due queue, and does not tell the channels that succeeded twice', async () => {
    const { w, incident } = await held({ notify: { zaqar_queue: QUEUE, webhook_url: `${hooks.url}/chat` } });
    w.cloud.failNext('zaqar.post', 1, zaqarDown());
    const first = await invoke(w, notify, { incident });
    expect(first.body).toMatchObject({ outcome: 'RESCHEDULED', reason: expect.stringMatching(/zaqar:stackmend-ops/) });
    expect(w.cloud.zaqar.messages(QUEUE)).toEqual([]);
    expect(await w.store.pending('notify')).toEqual([{ id: incident, dueAt: w.now() + 2000 }]);

    expect((await reconcile(w, notify)).body.results).toEqual([]); // not due yet: nothing sleeps
    w.advance(2000);
    const retry = await reconcile(w, notify);
    expect(retry.body.results).toEqual([
      expect.objectContaining({ outcome: 'DONE', incident, reason: `told operators via zaqar:${QUEUE}` }),
    ]);
    expect(w.cloud.zaqar.messages(QUEUE)).toEqual([expect.objectContaining({ incident, status: 'held' })]);
    expect(hooks.requests.filter((r) => r.path === '/chat')).toHaveLength(1);
    expect(await due(w, 'notify')).toEqual([]);
    expect((await invoke(w, notify, { incident })).body).toMatchObject({ outcome: 'DUPLICATE' });
  });

  it(`gives up after ${MAX_ATTEMPTS} failed sends, with the reason, and schedules nothing more`, async () => {
    const { w, incident } = await held({ notify: { zaqar_queue: QUEUE } });
    w.cloud.failNext('zaqar.post', MAX_ATTEMPTS + 1, zaqarDown());
    const outcomes = [(await invoke(w, notify, { incident })).body.outcome];
    while ((await w.store.pending('notify')).length) {
      w.advance(300_000);
      outcomes.push(...(await reconcile(w, notify)).body.results.map((r) => r.outcome));
    }
    expect(outcomes).toEqual([...Array(MAX_ATTEMPTS - 1).fill('RESCHEDULED'), 'FAILED']);
    expect(w.cloud.callsTo('zaqar.post')).toHaveLength(MAX_ATTEMPTS);
    expect(w.cloud.zaqar.messages(QUEUE)).toEqual([]);
  });
});
