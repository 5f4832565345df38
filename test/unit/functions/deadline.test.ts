/**
 * Deadline awareness (functions/_shared/deadline.ts): the platform adapters hand the step the
 * invocation's deadline (core/runtime/adapters.ts), a reconcile hands back the leased items it has
 * no time left for, and evacuate starts no batch of evacuations near its deadline and leaves the rest
 * to the next invocation. The cloud is the in-memory one; Nova is made slow by moving the clock.
 */
import { lambdaDeadline, lambdaHandler, openwhiskDeadline } from '../../../core/runtime/adapters';
import { MemoryStore } from '../../../core/state/memory-store';
import { step as classify } from '../../../functions/classify-alarm';
import { step as evacuate } from '../../../functions/evacuate';
import { DEADLINE_MARGIN_MS } from '../../../functions/_shared/deadline';
import type { StepReply } from '../../support/steps';
import {
  HOSTS,
  hostDown,
  sceneCloud,
  sceneFactory,
  T0,
  type Scene,
  SCENE_CONFIG,
  SCENE_POLICY,
} from './support/scenes';

function scene(name: Scene) {
  let t = T0;
  const now = () => t;
  const store = new MemoryStore({ now });
  const cloud = sceneCloud(name, now);
  const factory = sceneFactory(store, cloud, now);
  const call = async (
    body: unknown,
    o: { step?: typeof classify; deadline?: number; config?: Record<string, unknown> } = {},
  ) =>
    (await (o.step ?? evacuate).handle(
      { method: 'POST', headers: {}, query: {}, body, config: o.config ?? SCENE_CONFIG, deadline: o.deadline },
      factory,
    )) as StepReply;
  return { store, cloud, call, now, advance: (ms: number) => void (t += ms) };
}

describe('the invocation deadline', () => {
  it('is read from OpenWhisk’s __OW_DEADLINE and from Lambda’s remaining time', async () => {
    expect(openwhiskDeadline({ __OW_DEADLINE: '1764639600000' })).toBe(1_764_639_600_000);
    expect(openwhiskDeadline({})).toBeUndefined();
    expect(openwhiskDeadline({ __OW_DEADLINE: 'soon' })).toBeUndefined();
    expect(lambdaDeadline({ getRemainingTimeInMillis: () => 5_000 }, 1_000)).toBe(6_000);
    let seen: number | undefined;
    const handler = lambdaHandler(
      'notify',
      async (req) => ((seen = req.deadline), { statusCode: 200, body: {} }),
      () => ({}),
    );
    const before = Date.now();
    await handler({ incident: 'x' }, { getRemainingTimeInMillis: () => 30_000 } as never);
    expect(seen).toBeGreaterThanOrEqual(before + 30_000);
    expect(seen).toBeLessThanOrEqual(Date.now() + 30_000);
  });

  it('makes a reconcile hand back the leased items it has no time for, due again at once', async () => {
    const s = scene('ten-hosts');
    for (const h of HOSTS.slice(0, 2)) await s.call(hostDown(h), { step: classify });
    const res = await s.call({ reconcile: true }, { deadline: s.now() }); // at its deadline already
    expect(res.body.results.map((r) => r.outcome)).toEqual(['RESCHEDULED', 'RESCHEDULED']);
    expect(s.cloud.writes()).toEqual([]);
    const pending = await s.store.pending('evacuate');
    expect(pending.map((p) => p.dueAt)).toEqual([s.now(), s.now()]);
    const later = await s.call({ reconcile: true });
    expect(later.body.results).toHaveLength(2);
    expect(s.cloud.callsTo('nova.evacuate')).toHaveLength(2);
  });

  it('lets an action with a short limit (3 s) do its work: the margin is a quarter of its time', async () => {
    const s = scene('ten-hosts');
    for (const h of HOSTS.slice(0, 2)) await s.call(hostDown(h), { step: classify });
    const res = await s.call({ reconcile: true }, { deadline: s.now() + 3_000 });
    expect(res.body.results.map((r) => r.reason)).toEqual([
      'waiting for 1 server(s) to become ACTIVE on another host',
      'waiting for 1 server(s) to become ACTIVE on another host',
    ]);
    expect(s.cloud.callsTo('nova.evacuate')).toHaveLength(2);
  });

  it('stops evacuate between batches near its deadline; the next invocation starts the rest, none twice', async () => {
    const s = scene('one-host');
    for (let i = 2; i <= 7; i++)
      s.cloud.nova.addServer({ id: `pet-${i}`, name: `pet-${i}`, host: 'compute1', metadata: { HA_Enabled: 'True' } });
    // all 7 may be in flight at once
    const config = { policy: { ...SCENE_POLICY, evacuation: { parallelPerHost: 10 } } };
    const key = (await s.call(hostDown('compute1'), { step: classify, config })).body.results[0].incident!;
    const evacuateNow = s.cloud.nova.evacuate.bind(s.cloud.nova);
    s.cloud.nova.evacuate = (...args) => (s.advance(4_000), evacuateNow(...args)); // a slow Nova: 4 s a call
    const first = await s.call({ incident: key }, { deadline: s.now() + DEADLINE_MARGIN_MS + 15_000, config });
    expect(first.body.results[0]).toMatchObject({
      outcome: 'RESCHEDULED',
      reason: expect.stringMatching(/1 server\(s\) left for the next invocation/),
    });
    expect(s.cloud.callsTo('nova.evacuate')).toHaveLength(6); // two batches of 3, then no time for the third
    s.cloud.tick();
    await s.call({ incident: key }, { config });
    const asked = s.cloud.callsTo('nova.evacuate').map((c) => c.args[0]);
    expect(asked).toHaveLength(7);
    expect(new Set(asked).size).toBe(7);
  });
});
