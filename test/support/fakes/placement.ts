/**
 * Placement in memory: one resource provider per hypervisor the fake Nova reports (named after its
 * hypervisor_hostname, as Nova's resource tracker names them), each with the inventories recorded on the lab
 * (test/fixtures/openstack/placement-inventories-compute1.json) and the usages a test sets (none by default).
 */
import type { Inventory, ProviderCapacity } from '../../../core/openstack/placement';
import { freeOf } from '../../../core/openstack/placement';
import type { Capacity, Compute } from '../../../core/openstack/ports';
import type { FakeControl } from './control';
import { recordedBody } from './records';

const INVENTORIES = recordedBody('placement-inventories-compute1').inventories as Record<string, Inventory>;
const PROVIDER = (recordedBody('placement-resource-providers').resource_providers as Record<string, unknown>[])[0];

export class FakePlacement implements Capacity {
  private readonly usages = new Map<string, Record<string, number>>();

  constructor(
    private readonly c: FakeControl,
    private readonly nova: Pick<Compute, 'listHypervisors'>,
  ) {}

  /** What the provider of hypervisor `name` has allocated (Placement's usages). */
  setUsages(name: string, usages: Record<string, number>): void {
    this.usages.set(name, usages);
  }

  async capacities(): Promise<ProviderCapacity[]> {
    const hypervisors = await this.nova.listHypervisors();
    return this.c.run('placement.capacities', [], () =>
      hypervisors.map((h, i) => {
        const used = this.usages.get(h.hypervisor_hostname) ?? {};
        const uuid = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
        const provider = { ...PROVIDER, uuid, name: h.hypervisor_hostname, root_provider_uuid: uuid, generation: 1 };
        const free = Object.fromEntries(
          Object.entries(INVENTORIES).map(([rc, inv]) => [rc, freeOf(inv, used[rc] ?? 0)]),
        );
        return { provider, free, used };
      }),
    );
  }
}
