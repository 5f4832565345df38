/**
 * detect-hosts (functions/classify-alarm/detect.ts) on the in-memory cloud: classify-alarm's periodic
 * reconcile reads Nova's compute services and opens a host incident for a silent host — no report from
 * any monitor — which evacuate then fences through Ironic and evacuates.
 */
import { step as classify } from '../../../functions/classify-alarm';
import { step as evacuate } from '../../../functions/evacuate';
import { due, novaTime, petsOn, reconcile, record, world, type World } from '../../support/steps';

const policy = {
  detectHosts: { enabled: true, intervalSec: 10 },
  fencing: { hosts: { compute1: { driver: 'ironic', node: 'compute1' } } },
};
const scans = (w: World) => w.cloud.callsTo('nova.listComputeServices').filter((c) => c.args[0] === undefined);

function silentCompute1(config: Record<string, unknown> = { policy }) {
  const w = world({ config });
  petsOn(w, 'compute1', ['pet-1', 'pet-2']);
  w.cloud.nova.setService('compute1', { state: 'up', updated_at: novaTime(w, 60) });
  w.cloud.nova.setService('compute2', { updated_at: novaTime(w, 3) });
  return w;
}

describe('detect-hosts', () => {
  it('opens an incident for a silent host with no report at all; it is fenced and its pets evacuated', async () => {
    const w = silentCompute1();
    const res = await reconcile(w, classify);
    expect(res.body.results).toEqual([expect.objectContaining({ outcome: 'DISPATCHED' })]);
    const key = res.body.results[0].incident!;
    expect(key).toMatch(/^stackmend:host-down:compute1:/);
    const r = await record(w, key);
    expect(r.decision).toMatchObject({ verdict: 'evacuate', rule: 'fence-then-evacuate' });
    expect(r.reportedBy).toEqual({ via: 'stackmend', name: 'detect-hosts' });
    expect(r.incident.summary).toMatch(/compute1 is silent/);
    expect(await due(w, 'evacuate')).toEqual([key]);

    for (let i = 0; i < 5 && (await record(w, key)).status === 'acting'; i++) {
      await reconcile(w, evacuate);
      w.cloud.tick();
      w.advance(2000);
    }
    expect((await record(w, key)).status).toBe('resolved');
    expect(w.cloud.ironic.power('compute1')).toBe('power off');
    expect(w.cloud.nova.service('compute1')).toMatchObject({ forced_down: true, status: 'disabled' });
    expect(w.cloud.nova.serversOn('compute2').map((s) => s.id)).toEqual(['pet-1', 'pet-2']);
  });

  it('scans Nova at most once per interval, and opens one incident per outage', async () => {
    const w = silentCompute1();
    await reconcile(w, classify);
    const after = scans(w).length;
    w.advance(5000);
    expect((await reconcile(w, classify)).body.results).toEqual([]);
    expect(scans(w)).toHaveLength(after); // not asked again within 10 s
    w.advance(6000);
    const again = await reconcile(w, classify);
    expect(scans(w)).toHaveLength(after + 1);
    expect(again.body.results.filter((x) => x.incident?.startsWith('stackmend:'))).toEqual([]); // still open
  });

  it('leaves alone hosts that heartbeat, hosts taken out of service, and everything when switched off', async () => {
    const w = silentCompute1();
    w.cloud.nova.setService('compute1', { status: 'disabled' });
    expect((await reconcile(w, classify)).body.results).toEqual([]);
    expect(w.cloud.writes()).toEqual([]);

    const off = silentCompute1({ policy: { ...policy, detectHosts: { enabled: false } } });
    expect((await reconcile(off, classify)).body.results).toEqual([]);
    expect(scans(off)).toEqual([]);
  });
});
