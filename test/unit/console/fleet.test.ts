/**
 * The fleet view (console/fleet.ts, drawn by console/ui/fleet.ts FleetView) on the in-memory cloud and
 * store (test/support/steps.ts: the lab's compute1 and compute2): free capacity from Placement's inventories
 * less its usages (test/support/fakes/placement.ts: the lab's recorded inventories), Placement failing;
 * hosts stackmend fenced, by its own power-off or by evacuate's force-down and disable; maintenance through
 * an aggregate; evacuable servers counted only when the fleet can tell; the blast radius beside the breaker.
 */
import { readFleet, type FleetRecords } from '../../../console/fleet';
import { FleetView } from '../../../console/ui/fleet';
import { OpenStackUnreachableError } from '../../../core/openstack/errors';
import { DEFAULT_POLICY, PolicySchema, type Policy } from '../../../core/policy/policy';
import { readBlast, STORMS } from '../../../functions/_shared/blast';
import { Controls } from '../../../functions/_shared/controls';
import { step as evacuate } from '../../../functions/evacuate';
import { innerHtml, one, textOf } from '../../support/render';
import { forcedDownEvacuation, novaTime, reconcile, world, type World } from '../../support/steps';

async function fleetOf(w: World, policy: Policy = DEFAULT_POLICY) {
  const kept: FleetRecords = {
    records: await w.incidents.list(),
    controls: await new Controls(w.store, w.now).state(),
    blast: (services, aggregates) =>
      readBlast({ store: w.store, incidents: w.incidents, policy, now: w.now }, services, aggregates),
  };
  return readFleet(w.cloud, kept, policy, w.now());
}
const alice = { via: 'keystone', name: 'alice' };

describe('fleet capacity', () => {
  it('shows what each host can still take, as Placement counts it', async () => {
    const w = world();
    w.cloud.placement.setUsages('compute1', { VCPU: 3, MEMORY_MB: 192, DISK_GB: 3 });
    const fleet = await fleetOf(w);
    // the lab's inventories (placement-inventories-compute1.json): 1000 VCPU x 16, (800000 - 512) MB x 1.5, 600000 GB
    expect(fleet.hosts.map((h) => [h.host, h.freeVcpus, h.freeRamMb, h.freeDiskGb])).toEqual([
      ['compute1', 15_997, 1_199_040, 599_997],
      ['compute2', 16_000, 1_199_232, 600_000],
    ]);
    expect(fleet.capacityError).toBeUndefined();
    expect(w.cloud.callsTo('placement.capacities')).toHaveLength(1);
  });

  it('still shows the hosts when Placement cannot be reached, and says so', async () => {
    const w = world();
    w.cloud.failNext(
      'placement.capacities',
      1,
      new OpenStackUnreachableError('placement', 'http://127.0.0.1:8778/resource_providers', 'ECONNREFUSED'),
    );
    const fleet = await fleetOf(w);
    expect(fleet.hosts.map((h) => [h.host, h.state, h.freeVcpus])).toEqual([
      ['compute1', 'up', undefined],
      ['compute2', 'up', undefined],
    ]);
    expect(fleet.capacityError).toMatch(/^Placement: .*unreachable/);
  });
});

describe('fleet: what stackmend did to each host', () => {
  it('shows compute1 fenced once evacuate forced it down and disabled it, naming the incident', async () => {
    const w = world();
    const key = await forcedDownEvacuation(w, ['pet-1']);
    await reconcile(w, evacuate);
    expect(w.cloud.nova.service('compute1')).toMatchObject({ forced_down: true, status: 'disabled' });
    const fleet = await fleetOf(w);
    expect(fleet.hosts.map((h) => [h.host, h.fenced])).toEqual([
      ['compute1', { incident: key, isolated: true }],
      ['compute2', undefined],
    ]);
    expect(textOf(one(FleetView({ fleet }), 'fenced-compute1'))).toBe(
      `forced down and disabled in Nova (incident ${key})`,
    );
  });

  it('shows a host stackmend powered off as fenced until Nova reports it back in service', async () => {
    const w = world();
    const key = await forcedDownEvacuation(w, ['pet-1']);
    await w.incidents.patch(key, () => ({
      fencing: {
        host: 'compute1',
        target: { driver: 'ironic', node: 'compute1' },
        requestedAt: novaTime(w, 30),
        readings: 2,
        lastState: 'power off',
        offAt: '2026-11-23T01:54:50.000Z',
      },
    }));
    const fenced = (await fleetOf(w)).hosts[0].fenced;
    expect(fenced).toEqual({
      incident: key,
      poweredOff: { through: 'ironic node compute1', at: '2026-11-23T01:54:50.000Z' },
      isolated: false,
    });
    w.cloud.nova.setService('compute1', { state: 'up', forced_down: false, updated_at: novaTime(w, 1) }); // restored
    expect((await fleetOf(w)).hosts[0].fenced).toBeUndefined();
  });

  it('shows a host in maintenance through its aggregate, and the aggregate in maintenance', async () => {
    const w = world();
    w.cloud.nova.addAggregate({ name: 'rack-a', hosts: ['compute1'] });
    await new Controls(w.store, w.now).set('maintenance', true, alice, 'aggregate:rack-a');
    const fleet = await fleetOf(w);
    expect(fleet.hosts.map((h) => [h.host, h.maintenance, h.maintenanceBy])).toEqual([
      ['compute1', true, ['aggregate:rack-a']],
      ['compute2', false, []],
    ]);
    expect(fleet.aggregates).toEqual([{ name: 'rack-a', hosts: ['compute1'], maintenance: true }]);
    const v = FleetView({ fleet });
    expect(textOf(one(v, 'maintenance-compute1'))).toBe('on (aggregate:rack-a)');
    expect(textOf(one(v, 'aggregate-rack-a'))).toBe('rack-a compute1 on');
  });
});

describe('fleet: evacuable servers', () => {
  const TAG = PolicySchema.parse({ evacuation: { select: 'evacuable-tag' } });

  it('counts pets by their HA metadata under the default policy', async () => {
    const w = world();
    w.cloud.nova.addServer({ id: 'pet-1', name: 'pet-1', host: 'compute1', metadata: { HA_Enabled: 'True' } });
    w.cloud.nova.addServer({ id: 'web-1', name: 'web-1', host: 'compute1' });
    expect((await fleetOf(w)).hosts.map((h) => [h.host, h.evacuable, h.evacuableUnknown])).toEqual([
      ['compute1', 1, undefined],
      ['compute2', 0, undefined],
    ]);
  });

  it('under evacuable-tag, counts by flavor and aggregate, and says unknown where only the image could tell', async () => {
    const w = world();
    w.cloud.nova.addAggregate({ name: 'ha-rack', hosts: ['compute2'], metadata: { evacuable: 'true' } });
    const volume = { image: '' }; // booted from a volume: no image to tag it
    w.cloud.nova.addServer({ id: 'a', name: 'a', host: 'compute1', flavor: { extra_specs: { evacuable: 'true' } } });
    w.cloud.nova.addServer({ id: 'b', name: 'b', host: 'compute1', ...volume });
    w.cloud.nova.addServer({ id: 'c', name: 'c', host: 'compute2' }); // an image, but the aggregate says evacuable
    const fleet = await fleetOf(w, TAG);
    expect(fleet.hosts.map((h) => [h.host, h.evacuable, h.evacuableUnknown])).toEqual([
      ['compute1', 1, undefined],
      ['compute2', 1, undefined],
    ]);
    w.cloud.nova.addServer({ id: 'd', name: 'd', host: 'compute1' }); // booted from an image the fleet does not read
    const unknown = await fleetOf(w, TAG);
    expect(unknown.hosts[0].evacuable).toBeUndefined();
    expect(unknown.hosts[0].evacuableUnknown).toBe(
      '1 by flavor or aggregate; 1 booted from an image, whose tags the fleet does not read',
    );
    expect(innerHtml(one(FleetView({ fleet: unknown }), 'evacuable-compute1'))).toBe(
      '<span class="muted" title="1 by flavor or aggregate; 1 booted from an image, whose tags the fleet does not read">unknown</span>',
    );
  });

  it('says unknown when a policy rule chooses other servers where it matches', async () => {
    const w = world();
    const policy = PolicySchema.parse({
      rules: [{ name: 'gpu-all', match: { aggregate: 'gpu' }, settings: { evacuation: { select: 'all' } } }],
    });
    expect((await fleetOf(w, policy)).hosts[0].evacuableUnknown).toBe(
      'policy rule(s) gpu-all choose which servers are evacuated where they match',
    );
  });
});

describe('fleet: the blast radius beside the breaker', () => {
  it('shows each limit against the failed hosts now, the fence cycle, and the storms still holding incidents', async () => {
    const w = world();
    w.cloud.nova.setService('compute1', { state: 'down', updated_at: novaTime(w, 300) });
    const policy = PolicySchema.parse({ blastRadius: { aggregate: 0, stormCooldownSec: 300 } });
    w.cloud.nova.addAggregate({ name: 'rack-a', hosts: ['compute1', 'compute2'] });
    await w.store.put(STORMS, {
      'aggregate:rack-a': { since: '2026-11-23T01:50:00.000Z', failed: ['compute1'], total: 2, limit: '0' },
      cloud: {
        since: '2026-11-23T01:40:00.000Z',
        calmSince: '2026-11-23T01:52:00.000Z',
        failed: ['compute1', 'compute2'],
        total: 2,
        limit: '50%',
      },
      'zone:nova': {
        since: '2026-11-23T01:30:00.000Z',
        calmSince: '2026-11-23T01:40:00.000Z', // its cooldown ended at 01:45
        failed: ['compute1'],
        total: 2,
        limit: '0',
      },
    });
    const fleet = await fleetOf(w, policy);
    expect(fleet.blast).toEqual({
      scopes: [
        { scope: 'cloud', failed: ['compute1'], total: 2, limit: '50%', tripped: false },
        { scope: 'aggregate:rack-a', failed: ['compute1'], total: 2, limit: '0', tripped: true },
      ],
      fencedThisCycle: [],
      maxFencedPerCycle: 10,
      cooldownSec: 300,
      storms: [
        {
          scope: 'aggregate:rack-a',
          state: 'storm',
          since: '2026-11-23T01:50:00.000Z',
          failed: ['compute1'],
          total: 2,
          limit: '0',
        },
        {
          scope: 'cloud',
          state: 'cooldown',
          since: '2026-11-23T01:40:00.000Z',
          calmSince: '2026-11-23T01:52:00.000Z',
          until: '2026-11-23T01:57:00.000Z',
          failed: ['compute1', 'compute2'],
          total: 2,
          limit: '50%',
        },
      ],
    });
    const v = FleetView({ fleet });
    expect(textOf(one(v, 'blast-limits'))).toBe(
      'blast radius — cloud: 1 of 2 failed (limit 50%) · aggregate:rack-a: 1 of 2 failed (limit 0) — over · fenced this cycle: 0 of 10',
    );
    expect(textOf(one(v, 'storm-cloud'))).toBe(
      'cooldown in cloud: back under its limit since 2026-11-23T01:52:00.000Z; new host incidents there are held until 2026-11-23T01:57:00.000Z',
    );
    expect(textOf(one(v, 'storm-aggregate:rack-a'))).toMatch(
      /^storm in aggregate:rack-a since 2026-11-23T01:50:00.000Z/,
    );
    expect(await w.store.get(STORMS)).toHaveProperty('zone:nova'); // read only: the next decision drops it
  });

  it('says no storm holds anything when none is stored', async () => {
    const fleet = await fleetOf(world());
    expect(fleet.blast.storms).toEqual([]);
    expect(textOf(one(FleetView({ fleet }), 'storms'))).toBe(
      'no storm: new host incidents are not held by the blast radius',
    );
  });
});
