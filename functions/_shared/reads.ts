/**
 * The cloud reads both kinds of facts are made of (./facts.ts: a host's servers, a single server): the
 * servers' Heat owners, their Glance images, a host's aggregates, and the server facts built from them.
 * Reads only. A 404 is an answer (the thing is gone); any other failure — OpenStack unreachable above all —
 * is thrown, so that no decision is taken on facts read in part (core/runtime/errors.ts answers it 503).
 */
import type { Cloud } from '../../core/openstack/cloud';
import { NotFoundError } from '../../core/openstack/errors';
import { imageProperties } from '../../core/openstack/glance';
import { refOf } from '../../core/openstack/heat';
import { hostOf, imageIdOf, type Aggregate, type Server } from '../../core/openstack/nova';
import type { HostFacts, ServerFacts } from '../../core/policy/facts';
import type { ArmedServers, Owner } from '../../core/runtime/arm/armed';
import { eachBounded } from '../../core/runtime/bounded';

/** Stacks whose resources are read at once when the armed index does not know a server. */
export const OWNER_SCAN_PARALLEL = 8;

/** What the read answers, or undefined when OpenStack answers 404; every other error is thrown. */
export const unlessNotFound = <T>(read: Promise<T>): Promise<T | undefined> =>
  read.catch((e) => {
    if (e instanceof NotFoundError) return undefined;
    throw e;
  });

/** Heat owners of servers: the armed index first, then a scan of the project's stacks that stops once all are found. */
export async function ownersOf(cloud: Cloud, armed: ArmedServers, serverIds: string[]): Promise<Map<string, Owner>> {
  const found = new Map<string, Owner>();
  const known = await Promise.all(serverIds.map((id) => armed.owner(id)));
  serverIds.forEach((id, i) => {
    const owner = known[i];
    if (owner) found.set(id, owner);
  });
  const allFound = () => serverIds.every((id) => found.has(id));
  if (allFound()) return found;
  await eachBounded(
    await cloud.heat.listStacks(),
    OWNER_SCAN_PARALLEL,
    async (stack) => {
      for (const o of await cloud.heat.listServers(refOf(stack))) {
        if (serverIds.includes(o.serverId) && !found.has(o.serverId))
          found.set(o.serverId, { root: o.root, stack: o.stack, resourceName: o.resourceName });
      }
    },
    allFound,
  );
  return found;
}

type ImageFacts = NonNullable<ServerFacts['image']>;

/** The Glance images of these servers, each read once (a deleted image is left out). */
export async function imagesOf(cloud: Cloud, servers: Server[]): Promise<Map<string, ImageFacts>> {
  const ids = [...new Set(servers.map(imageIdOf).filter((id): id is string => !!id))];
  const read = await Promise.all(ids.map((id) => unlessNotFound(cloud.glance.getImage(id))));
  return new Map(
    read
      .filter((i) => !!i)
      .map((i) => [i.id, { id: i.id, name: i.name ?? undefined, properties: imageProperties(i), tags: i.tags }]),
  );
}

/** The aggregates `host` is in, as the policy sees them (Nova's os-aggregates, read once per decision). */
export const aggregatesOf = (all: readonly Aggregate[], host: string): NonNullable<HostFacts['aggregates']> =>
  all.filter((a) => a.hosts.includes(host)).map((a) => ({ name: a.name, metadata: a.metadata }));

/** Being deleted counts as gone: Nova's delete.end can race the DELETE it reports. */
const isGone = (s: Server) =>
  s.status === 'DELETED' || s.status === 'SOFT_DELETED' || s['OS-EXT-STS:task_state'] === 'deleting';

/** A server as Nova reports it, with its owner and its image when they were read. */
export const serverFacts = (s: Server, owner?: Owner, images?: ReadonlyMap<string, ImageFacts>): ServerFacts => ({
  id: s.id,
  name: s.name,
  host: hostOf(s),
  status: s.status,
  metadata: s.metadata,
  gone: isGone(s),
  vcpus: s.flavor?.vcpus,
  ramMb: s.flavor?.ram,
  image: images?.get(imageIdOf(s) ?? ''),
  flavor: s.flavor && { name: s.flavor.original_name, extraSpecs: s.flavor.extra_specs ?? {} },
  locked: s.locked,
  lockedReason: s.locked_reason ?? undefined,
  owner,
});
