/**
 * The Placement calls the console's fleet view makes: the resource providers (one per compute node, named
 * after its hypervisor host), and each provider's inventories and usages, from which the free capacity
 * follows: (total − reserved) × allocation_ratio − used, per resource class (Placement's own capacity rule,
 * placement/objects/allocation.py). `OpenStack-API-Version: placement 1.14` (Zed serves up to 1.39) is the
 * first version with nested providers' `root_provider_uuid`. Recorded on the lab:
 * test/fixtures/openstack/placement-*.json.
 */
import * as z from 'zod';
import type { ServiceHttp } from './http';
import type { Capacity } from './ports';

export const PLACEMENT_MICROVERSION = '1.14';
export const placementHeaders = () => ({ 'OpenStack-API-Version': `placement ${PLACEMENT_MICROVERSION}` });

/** GET /resource_providers (test/fixtures/openstack/placement-resource-providers.json). */
export const ResourceProviderSchema = z.looseObject({
  uuid: z.string(),
  name: z.string(),
  generation: z.number(),
  root_provider_uuid: z.string().nullish(),
});
export type ResourceProvider = z.infer<typeof ResourceProviderSchema>;

/**
 * GET /resource_providers/{uuid}/inventories (placement-inventories-compute1.json), e.g.
 * `{"VCPU": {"total": 1000, "reserved": 0, "min_unit": 1, "max_unit": 1000, "step_size": 1,
 *   "allocation_ratio": 16.0}}`.
 */
export const InventorySchema = z.looseObject({
  total: z.number(),
  reserved: z.number(),
  allocation_ratio: z.number(),
});
export type Inventory = z.infer<typeof InventorySchema>;

/** GET /resource_providers/{uuid}/usages (placement-usages-compute1.json): `{"VCPU": 1, "MEMORY_MB": 64}`. */
const UsagesSchema = z.looseObject({ usages: z.record(z.string(), z.number()) });
const InventoriesSchema = z.looseObject({ inventories: z.record(z.string(), InventorySchema) });

/** What a resource class can still take on a provider (never below 0). */
export const freeOf = (inv: Inventory, used: number) =>
  Math.max(0, Math.floor((inv.total - inv.reserved) * inv.allocation_ratio) - used);

export type ProviderCapacity = {
  provider: ResourceProvider;
  free: Record<string, number>;
  used: Record<string, number>;
};

export class PlacementClient implements Capacity {
  constructor(private readonly http: ServiceHttp) {}

  async listResourceProviders(): Promise<ResourceProvider[]> {
    const res = await this.http.get<{ resource_providers: unknown[] }>('resource_providers');
    return z.array(ResourceProviderSchema).parse(res.data.resource_providers);
  }

  async inventories(uuid: string): Promise<Record<string, Inventory>> {
    const res = await this.http.get<unknown>(`resource_providers/${encodeURIComponent(uuid)}/inventories`);
    return InventoriesSchema.parse(res.data).inventories;
  }

  async usages(uuid: string): Promise<Record<string, number>> {
    const res = await this.http.get<unknown>(`resource_providers/${encodeURIComponent(uuid)}/usages`);
    return UsagesSchema.parse(res.data).usages;
  }

  /** Every provider with its free capacity per resource class: 1 + 2 × providers GETs, made together. */
  async capacities(): Promise<ProviderCapacity[]> {
    const providers = await this.listResourceProviders();
    return Promise.all(
      providers.map(async (provider) => {
        const [inv, used] = await Promise.all([this.inventories(provider.uuid), this.usages(provider.uuid)]);
        const free = Object.fromEntries(Object.entries(inv).map(([rc, i]) => [rc, freeOf(i, used[rc] ?? 0)]));
        return { provider, free, used };
      }),
    );
  }
}
