/** The Placement port against the lab's recorded responses: free capacity per resource provider. */
import { ServiceHttp } from '../../../core/openstack/http';
import { freeOf, PlacementClient, PLACEMENT_MICROVERSION } from '../../../core/openstack/placement';
import { recorded, replay, startReplayServer } from '../../support/replay-server';

const auth = { token: async () => 'tok', invalidate: () => undefined };
const HOSTS = ['compute1', 'compute2', 'compute3'];

/** Answers each request with the recording of the same path. */
function placementOnTheLab() {
  const byPath = new Map<string, string>([['/resource_providers', 'placement-resource-providers']]);
  for (const h of HOSTS) {
    const url = new URL(recorded(`placement-inventories-${h}`).request.url);
    byPath.set(url.pathname, `placement-inventories-${h}`);
    byPath.set(new URL(recorded(`placement-usages-${h}`).request.url).pathname, `placement-usages-${h}`);
  }
  return startReplayServer((r) => {
    const name = byPath.get(new URL(r.url, 'http://x').pathname);
    return name ? replay(name) : { status: 404, body: { errors: [{ status: 404, title: 'Not Found' }] } };
  });
}

describe('Placement', () => {
  it("computes each provider's free capacity as Placement does: (total - reserved) x allocation_ratio - used", async () => {
    const s = await placementOnTheLab();
    try {
      const client = new PlacementClient(
        new ServiceHttp({
          service: 'placement',
          baseUrl: async () => s.url,
          auth,
          headers: { 'OpenStack-API-Version': `placement ${PLACEMENT_MICROVERSION}` },
        }),
      );
      const caps = await client.capacities();
      expect(caps.map((c) => c.provider.name).sort()).toEqual(HOSTS);
      const c1 = caps.find((c) => c.provider.name === 'compute1')!;
      // recorded: VCPU total 1000, ratio 16, 1 used; MEMORY_MB 800000 - 512 reserved, ratio 1.5, 64 used
      expect(c1.used).toEqual({ VCPU: 1, MEMORY_MB: 64, DISK_GB: 1 });
      expect(c1.free).toEqual({ VCPU: 15_999, MEMORY_MB: 1_199_168, DISK_GB: 599_999 });
      expect(s.requests.every((r) => r.headers['openstack-api-version'] === 'placement 1.14')).toBe(true);
      expect(s.requests).toHaveLength(1 + 2 * HOSTS.length);
    } finally {
      await s.close();
    }
  });

  it('never reports less than nothing free (an over-committed provider after its ratio was lowered)', () => {
    expect(freeOf({ total: 4, reserved: 0, allocation_ratio: 1 }, 6)).toBe(0);
  });
});
