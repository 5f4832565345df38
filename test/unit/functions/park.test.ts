/**
 * An alarm OpenStack does not answer for is kept (functions/classify-alarm/park.ts): answered 202
 * RESCHEDULED, stored with a due item of classify-alarm, nothing written to the cloud; classified
 * from the stored alarm by the reconcile once OpenStack answers, exactly once even when the
 * monitor delivers it again meanwhile. A TLS error (a configuration to fix) still answers 503.
 */
import { CloudCallCounter, renderMetrics } from '../../../cli/metrics';
import { OpenStackTimeoutError, OpenStackTlsError, ServiceUnavailableError } from '../../../core/openstack/errors';
import { step as classify } from '../../../functions/classify-alarm';
import { parkedRetryMs } from '../../../functions/classify-alarm/park';
import type { StepReply } from '../../support/steps';
import { hostDown, memberDeleted, SCENE_CONFIG, sceneWorld, type Scene } from './support/scenes';

function scene(name: Scene) {
  const w = sceneWorld(name);
  const call = async (body: unknown) =>
    (await classify.handle(
      { method: 'POST', headers: {}, query: {}, body, config: SCENE_CONFIG },
      w.factory,
    )) as StepReply;
  const reconcile = async () => (await call({ reconcile: true })).body.results;
  return { ...w, call, reconcile };
}

const heatTimeout = () => new OpenStackTimeoutError('heat', 'GET', 'http://127.0.0.1:8004/v1/stacks', 10_000, true);
const writes = (s: ReturnType<typeof scene>) =>
  s.cloud.calls.filter((c) => /\.(mark|update|evacuate|forceDown|disable|enable|delete|create)/.test(c.method));

const kept = async (s: ReturnType<typeof scene>) =>
  /^stackmend_alarms_kept (\d+)$/m.exec(await renderMetrics(s.store, new CloudCallCounter(), 5))?.[1];

describe('an alarm whose facts OpenStack does not answer for', () => {
  it('is kept (202 RESCHEDULED), changes nothing, and is classified by the reconcile once Heat answers', async () => {
    const s = scene('member-deleted');
    s.cloud.failNext('heat.listStacks', 2, heatTimeout());
    const first = await s.call(memberDeleted());
    expect(first.statusCode).toBe(202);
    expect(first.body.results[0]).toMatchObject({
      outcome: 'RESCHEDULED',
      reason: expect.stringMatching(
        /^OpenStack did not answer \(heat did not answer GET .*nothing was changed in the cloud$/,
      ),
    });
    expect(await s.incidents.list()).toEqual([]);
    expect(writes(s)).toEqual([]);
    expect(await kept(s)).toBe('1');
    expect(await s.reconcile()).toEqual([]); // not due yet
    s.advance(parkedRetryMs(1));
    expect(await s.reconcile()).toEqual([
      expect.objectContaining({ outcome: 'RESCHEDULED', reason: expect.stringContaining('try 2') }),
    ]);
    expect(await s.store.pending('classify-alarm')).toEqual([
      expect.objectContaining({ dueAt: s.now() + parkedRetryMs(2) }),
    ]);
    s.advance(parkedRetryMs(2));
    expect(await s.reconcile()).toEqual([expect.objectContaining({ outcome: 'DISPATCHED' })]);
    const [incident] = await s.incidents.list();
    expect(incident.decision?.verdict).toBe('replace');
    expect(await s.store.list('parked:')).toEqual([]);
    expect(await kept(s)).toBe('0');
  });

  it('makes one incident when the monitor delivers it again while it is kept', async () => {
    const s = scene('member-deleted');
    s.cloud.failNext('heat.listStacks', 1, heatTimeout());
    expect((await s.call(memberDeleted())).body.results[0].outcome).toBe('RESCHEDULED');
    expect((await s.call(memberDeleted())).body.results[0].outcome).toBe('DISPATCHED'); // Heat answers now
    s.advance(parkedRetryMs(1));
    await s.reconcile();
    expect(await s.incidents.list()).toHaveLength(1);
    expect(await s.store.list('parked:')).toEqual([]);
  });

  it('decides a kept host report once Nova answers again: nothing written before', async () => {
    const s = scene('one-host');
    s.cloud.failNext(
      'nova.listComputeServices',
      1,
      new OpenStackTimeoutError('nova', 'GET', 'http://127.0.0.1:8774/v2.1/os-services', 10_000, true),
    );
    expect((await s.call(hostDown('compute1'))).body.results[0].outcome).toBe('RESCHEDULED');
    expect(writes(s)).toEqual([]);
    s.advance(parkedRetryMs(1));
    const [decided] = await s.reconcile();
    expect(decided).toMatchObject({ outcome: 'DISPATCHED' });
    expect((await s.incidents.list())[0].decision?.verdict).toBe('evacuate');
  });

  it('keeps it when Heat itself answers 503 (its Keystone is down), and decides it once Heat answers', async () => {
    const s = scene('member-deleted');
    const url = 'http://127.0.0.1:8004/v1/stacks';
    s.cloud.failNext(
      'heat.listStacks',
      1,
      new ServiceUnavailableError({ service: 'heat', status: 503, method: 'GET', url }),
    );
    expect((await s.call(memberDeleted())).body.results[0].outcome).toBe('RESCHEDULED');
    expect(writes(s)).toEqual([]);
    s.advance(parkedRetryMs(1));
    expect(await s.reconcile()).toEqual([expect.objectContaining({ outcome: 'DISPATCHED' })]);
  });

  it('answers 503 for a TLS error, a configuration to fix: nothing kept', async () => {
    const s = scene('member-deleted');
    s.cloud.failNext(
      'heat.listStacks',
      1,
      new OpenStackTlsError('heat', 'https://heat:8004', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'unable to verify'),
    );
    expect((await s.call(memberDeleted())).statusCode).toBe(503);
    expect(await s.store.list('')).toEqual([]);
  });
});
