/**
 * The fleet view's free capacity: Placement's inventories less its usages, per host (the resource providers
 * named after the host's hypervisors), on the in-memory cloud (test/support/fakes/placement.ts: the lab's
 * recorded inventories). Placement failing leaves the capacity out, says why, and shows the rest.
 */
import { readFleet } from '../../../console/fleet';
import { OpenStackUnreachableError } from '../../../core/openstack/errors';
import { DEFAULT_POLICY } from '../../../core/policy/policy';
import { labCloud } from '../../support/fakes/cloud';

const NO_CONTROLS = { maintenance: [] };

describe('fleet capacity', () => {
  it('shows what each host can still take, as Placement counts it', async () => {
    const cloud = labCloud();
    cloud.placement.setUsages('compute1', { VCPU: 3, MEMORY_MB: 192, DISK_GB: 3 });
    const fleet = await readFleet(cloud, [], NO_CONTROLS, DEFAULT_POLICY, Date.now());
    // the lab's inventories (placement-inventories-compute1.json): 1000 VCPU x 16, (800000 - 512) MB x 1.5, 600000 GB
    expect(fleet.hosts.map((h) => [h.host, h.freeVcpus, h.freeRamMb, h.freeDiskGb])).toEqual([
      ['compute1', 15_997, 1_199_040, 599_997],
      ['compute2', 16_000, 1_199_232, 600_000],
    ]);
    expect(fleet.capacityError).toBeUndefined();
    expect(cloud.callsTo('placement.capacities')).toHaveLength(1);
  });

  it('still shows the hosts when Placement cannot be reached, and says so', async () => {
    const cloud = labCloud();
    cloud.failNext(
      'placement.capacities',
      1,
      new OpenStackUnreachableError('placement', 'http://127.0.0.1:8778/resource_providers', 'ECONNREFUSED'),
    );
    const fleet = await readFleet(cloud, [], NO_CONTROLS, DEFAULT_POLICY, Date.now());
    expect(fleet.hosts.map((h) => [h.host, h.state, h.freeVcpus])).toEqual([
      ['compute1', 'up', undefined],
      ['compute2', 'up', undefined],
    ]);
    expect(fleet.capacityError).toMatch(/^Placement: .*unreachable/);
  });
});
