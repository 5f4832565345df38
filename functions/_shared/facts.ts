/**
 * detect → decide: gathers the facts the policy needs from Nova, Heat and the state store. Reads
 * only — nothing here writes to the cloud. For a host: its compute service as Nova reports it now,
 * checked by core/policy/host-check.ts (liveness, fence evidence). Nothing is written here either: the
 * repeat count (for a subject stackmend manages) and the breaker's slots are read as they are, this
 * incident counted once, and classify-alarm's commit moves them with its decision.
 */
import type { Approval } from '../../core/domain/approval';
import type { Principal } from '../../core/domain/fence';
import type { Incident } from '../../core/domain/incident';
import type { Cloud } from '../../core/openstack/cloud';
import { NotFoundError } from '../../core/openstack/errors';
import { refOf } from '../../core/openstack/heat';
import { imageProperties } from '../../core/openstack/glance';
import { hostOf, imageIdOf, type Aggregate, type ComputeService, type Server } from '../../core/openstack/nova';
import type { Facts, HostFacts, ServerFacts } from '../../core/policy/facts';
import { checkHost } from '../../core/policy/host-check';
import { isCattle, isPet } from '../../core/policy/managed';
import { reservedHostsOf, type Policy } from '../../core/policy/policy';
import type { ArmedServers, Owner } from '../../core/runtime/arm/armed';
import { eachBounded } from '../../core/runtime/bounded';
import type { StateStore } from '../../core/state/store';
import { readBlast } from './blast';
import { Controls, EVERYTHING, maintenanceKey } from './controls';
import type { Deps } from './deps';
import { type Incidents, subjectId } from './incidents';

export type { Owner };
export { maintenanceKey };

/** Stacks whose resources are read at once when the armed index does not know a server. */
export const OWNER_SCAN_PARALLEL = 8;

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

/** Being deleted counts as gone: Nova's delete.end can race the DELETE it reports. */
const isGone = (s: Server) =>
  s.status === 'DELETED' || s.status === 'SOFT_DELETED' || s['OS-EXT-STS:task_state'] === 'deleting';

const serverFacts = (s: Server, owner?: Owner, image?: ServerFacts['image']): ServerFacts => ({
  id: s.id,
  name: s.name,
  host: hostOf(s),
  status: s.status,
  metadata: s.metadata,
  gone: isGone(s),
  vcpus: s.flavor?.vcpus,
  ramMb: s.flavor?.ram,
  image,
  flavor: s.flavor && { name: s.flavor.original_name, extraSpecs: s.flavor.extra_specs ?? {} },
  locked: s.locked,
  lockedReason: s.locked_reason ?? undefined,
  owner,
});

/** The Glance images of these servers, each read once (a deleted image is left out). */
async function imagesOf(cloud: Cloud, servers: Server[]): Promise<Map<string, NonNullable<ServerFacts['image']>>> {
  const ids = [...new Set(servers.map(imageIdOf).filter((id): id is string => !!id))];
  const read = await Promise.all(
    ids.map((id) =>
      cloud.glance.getImage(id).catch((e) => {
        if (e instanceof NotFoundError) return undefined;
        throw e;
      }),
    ),
  );
  return new Map(
    read
      .filter((i) => !!i)
      .map((i) => [i.id, { id: i.id, name: i.name ?? undefined, properties: imageProperties(i), tags: i.tags }]),
  );
}

async function serverFactsFor(cloud: Cloud, armed: ArmedServers, serverId: string): Promise<ServerFacts | undefined> {
  const server = await cloud.nova.getServer(serverId).catch((e) => {
    if (e instanceof NotFoundError) return undefined;
    throw e;
  });
  const owner = (await ownersOf(cloud, armed, [serverId])).get(serverId);
  const facts = server
    ? serverFacts(server, owner)
    : owner
      ? { id: serverId, metadata: {}, gone: true, owner }
      : undefined;
  return facts && owner ? { ...facts, heat: await heatView(cloud, owner) } : facts;
}

/** The owning root stack's status and the server its resource holds now (deleted stacks: DELETE_COMPLETE). */
async function heatView(cloud: Cloud, owner: Owner): Promise<ServerFacts['heat']> {
  const missing = (e: unknown) => {
    if (e instanceof NotFoundError) return undefined;
    throw e;
  };
  const root = await cloud.heat.getStack(owner.root).catch(missing);
  if (!root) return { rootStatus: 'DELETE_COMPLETE' };
  const res = await cloud.heat.getResource(owner.stack, owner.resourceName).catch(missing);
  return { rootStatus: root.stack_status, currentServerId: res?.physical_resource_id ?? undefined };
}

/**
 * A host's compute service, servers (with their images and flavors), aggregates and the capacity
 * elsewhere: one read of each list, one read of each distinct image.
 */
async function hostFactsFor(
  cloud: Cloud,
  armed: ArmedServers,
  host: string,
  reserved: readonly string[],
): Promise<{ facts: HostFacts; svc?: ComputeService; services: ComputeService[]; aggregates: Aggregate[] }> {
  const [services, servers, hypervisors, aggregates] = await Promise.all([
    cloud.nova.listComputeServices(),
    cloud.nova.listServers({ host, allTenants: true }),
    cloud.nova.listHypervisors(),
    cloud.nova.listAggregates(),
  ]);
  const [owners, images] = await Promise.all([
    ownersOf(
      cloud,
      armed,
      servers.map((s) => s.id),
    ),
    imagesOf(cloud, servers),
  ]);
  const svc = services.find((s) => s.host === host);
  const free = (name: string) => {
    const h = hypervisors.find((x) => x.service.host === name);
    return { freeVcpus: h ? h.vcpus - h.vcpus_used : 0, freeRamMb: h ? h.memory_mb - h.memory_mb_used : 0 };
  };
  const spare = services.filter((s) => s.host !== host && s.status === 'enabled' && s.state === 'up' && !s.forced_down);
  const facts: HostFacts = {
    host,
    service: svc && { id: svc.id, state: svc.state, status: svc.status, forcedDown: svc.forced_down },
    servers: servers.map((s) => serverFacts(s, owners.get(s.id), images.get(imageIdOf(s) ?? ''))),
    spareHosts: spare.map((s) => ({ host: s.host, ...free(s.host) })),
    aggregates: aggregates.filter((a) => a.hosts.includes(host)).map((a) => ({ name: a.name, metadata: a.metadata })),
    availabilityZone: svc?.zone ?? undefined,
    reservedHosts: reserved.flatMap((name) => {
      const r = services.find((s) => s.host === name && s.host !== host);
      return r ? [{ host: r.host, status: r.status, state: r.state, forcedDown: r.forced_down, ...free(r.host) }] : [];
    }),
  };
  return { facts, svc, services, aggregates };
}

export type FactsDeps = {
  cloud: Cloud;
  store: StateStore;
  armed: ArmedServers;
  incidents: Incidents;
  policy: Policy;
  now: () => number;
  /** A dry run reads the repeat counter and writes nothing. */
  dryRun: boolean;
};

/** The ports gatherFacts reads, from a step's deps. */
export const factsDeps = (d: Deps): FactsDeps => ({
  cloud: d.cloud(),
  store: d.store,
  armed: d.armed,
  incidents: d.incidents,
  policy: d.policy,
  now: d.now,
  dryRun: d.dryRun,
});

/**
 * Who sent the alarm, and, when an existing incident is decided again (a recheck), what its record
 * holds: the rechecks made, an operator's approval. A recheck is already counted and open.
 */
export type FactsContext = { reportedBy?: Principal; again?: { rechecks: number; approval?: Approval } };

/** A subject stackmend manages: a server it knows, a host running servers it evacuates or replaces. */
const managed = (server: ServerFacts | undefined, host: HostFacts | undefined, p: Policy) =>
  !!server || !!host?.servers.some((s) => isPet(s, p, host) || isCattle(s, p));

export async function gatherFacts(i: Incident, d: FactsDeps, x: FactsContext = {}): Promise<Facts> {
  const now = d.now();
  const read =
    i.subject.type === 'host'
      ? await hostFactsFor(d.cloud, d.armed, i.subject.host, reservedHostsOf(d.policy))
      : undefined;
  const host = read?.facts;
  const server = i.subject.type === 'server' ? await serverFactsFor(d.cloud, d.armed, i.subject.serverId) : undefined;
  const serverHost = server?.host ?? (i.subject.type === 'server' ? i.subject.host : undefined);
  const controls = new Controls(d.store, d.now);
  // the aggregates of the host: read with the host's facts, or for a server only when one is switched
  const aggregates =
    read?.aggregates ?? (serverHost && (await controls.anyAggregate()) ? await d.cloud.nova.listAggregates() : []);
  const hostSubjects = [...new Set([host?.host, serverHost].filter((h): h is string => !!h))].flatMap((h) => [
    `host:${h}`,
    ...aggregates.filter((a) => a.hosts.includes(h)).map((a) => `aggregate:${a.name}`),
  ]);
  const subjects = [subjectId(i), ...hostSubjects, server?.owner ? `stack:${server.owner.root.id}` : '', EVERYTHING];
  const maintenance = await Promise.all(subjects.filter(Boolean).map((s) => d.store.get(maintenanceKey(s))));
  const pause = await controls.pausedFor(hostSubjects);
  const check =
    read?.svc &&
    checkHost(
      {
        incident: i.key,
        service: read.svc,
        claim: i.fence,
        reportedBy: x.reportedBy,
        approval: x.again?.approval,
        rechecks: x.again?.rechecks,
        now,
      },
      d.policy,
    );
  // read, not counted: classify-alarm's commit moves it (functions/classify-alarm/decision.ts)
  const count = managed(server, host, d.policy) ? (await d.incidents.repeatCount(i)) + (x.again ? 0 : 1) : 0;
  const covering =
    serverHost && i.subject.type === 'server' ? await d.incidents.openHostIncident(serverHost) : undefined;
  return {
    incident: i,
    server,
    host,
    fence: i.fence,
    liveness: check?.liveness,
    fenceCheck: check?.fenceCheck,
    openIncidents: await d.incidents.breakerCount(i.key),
    repeats: count,
    coveringHostIncident: covering,
    coveringHostStatus: covering ? (await d.incidents.get(covering))?.status : undefined,
    inMaintenance: maintenance.some(Boolean),
    paused: !!pause,
    pausedFor: pause && pause.subject !== EVERYTHING ? pause.subject : undefined,
    // the fleet for the blast radius, from the services read above (core/policy/blast.ts)
    blast: read && i.kind === 'host-down' ? await readBlast(d, read.services, read.aggregates) : undefined,
  };
}
