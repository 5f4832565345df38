/**
 * detect → decide: gathers the facts the policy needs from Nova, Heat, Glance and the state store, from the
 * reads of ./reads.ts. Reads only — nothing here writes to the cloud. For a server: only the reads the
 * policy needs (core/policy/reads.ts); a read that fails throws, and nothing is decided. For a host: its
 * compute service as Nova reports it now, checked by core/policy/host-check.ts (liveness, fence evidence).
 * Nothing is written here either: the repeat count (for a subject stackmend manages) and the breaker's slots
 * are read as they are, this incident counted once, and classify-alarm's commit moves them with its decision.
 */
import type { Approval } from '../../core/domain/approval';
import type { Principal } from '../../core/domain/fence';
import type { Incident, ServerSubject } from '../../core/domain/incident';
import type { Cloud } from '../../core/openstack/cloud';
import { hostOf, type Aggregate, type ComputeService } from '../../core/openstack/nova';
import type { Facts, HostFacts, ServerFacts, ServerHostFacts } from '../../core/policy/facts';
import { checkHost } from '../../core/policy/host-check';
import { isCattle, isPet } from '../../core/policy/managed';
import { reservedHostsOf, type Policy } from '../../core/policy/policy';
import { serverReads, type ServerReads } from '../../core/policy/reads';
import type { ArmedServers, Owner } from '../../core/runtime/arm/armed';
import type { StateStore } from '../../core/state/store';
import { readBlast } from './blast';
import { Controls, EVERYTHING, maintenanceKey } from './controls';
import type { Deps } from './deps';
import { type Incidents, subjectId } from './incidents';
import { aggregatesOf, imagesOf, ownersOf, serverFacts, unlessNotFound } from './reads';

export type { Owner };
export { maintenanceKey };

/**
 * A server incident's server, its Heat owner and what Heat says of it, and what the policy needs of its image
 * and its host (core/policy/reads.ts): Nova's server and the owner (then its stack and resource) at once, then
 * the image and the aggregates at once. The zone is the one Nova reports for the server.
 */
async function serverFactsFor(
  cloud: Cloud,
  armed: ArmedServers,
  subject: ServerSubject,
  need: ServerReads,
): Promise<{ facts?: ServerFacts; serverHost: ServerHostFacts; aggregates: Aggregate[] }> {
  const id = subject.serverId;
  const [server, owned] = await Promise.all([
    unlessNotFound(cloud.nova.getServer(id)),
    ownersOf(cloud, armed, [id]).then(async (owners) => {
      const owner = owners.get(id);
      return owner && { owner, heat: await heatView(cloud, owner) };
    }),
  ]);
  const host = (server && hostOf(server)) ?? subject.host;
  const [images, aggregates] = await Promise.all([
    need.image && server ? imagesOf(cloud, [server]) : undefined,
    need.aggregates && host ? cloud.nova.listAggregates() : undefined,
  ]);
  const owner = owned?.owner;
  const facts = server
    ? serverFacts(server, owner, images)
    : owner
      ? { id, metadata: {}, gone: true, owner }
      : undefined;
  const serverHost = {
    aggregates: aggregates && host ? aggregatesOf(aggregates, host) : undefined,
    // an empty zone counts as unknown (a rule on the zone then does not hold)
    availabilityZone: server?.['OS-EXT-AZ:availability_zone'] || undefined,
  };
  return {
    facts: facts && owned ? { ...facts, heat: owned.heat } : facts,
    serverHost,
    aggregates: aggregates ?? [],
  };
}

/** The owning root stack's status and the server its resource holds now (deleted stacks: DELETE_COMPLETE). */
async function heatView(cloud: Cloud, owner: Owner): Promise<ServerFacts['heat']> {
  const [root, res] = await Promise.all([
    unlessNotFound(cloud.heat.getStack(owner.root)),
    unlessNotFound(cloud.heat.getResource(owner.stack, owner.resourceName)),
  ]);
  if (!root) return { rootStatus: 'DELETE_COMPLETE' };
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
    servers: servers.map((s) => serverFacts(s, owners.get(s.id), images)),
    spareHosts: spare.map((s) => ({ host: s.host, ...free(s.host) })),
    aggregates: aggregatesOf(aggregates, host),
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

/** A server incident's reads (core/policy/reads.ts), and the aggregates whenever one is paused or in maintenance. */
async function serverNeeds(i: Incident, d: FactsDeps, controls: Controls): Promise<ServerReads> {
  const need = serverReads(d.policy, i.kind);
  return need.aggregates ? need : { ...need, aggregates: await controls.anyAggregate() };
}

export async function gatherFacts(i: Incident, d: FactsDeps, x: FactsContext = {}): Promise<Facts> {
  const now = d.now();
  const controls = new Controls(d.store, d.now);
  const read =
    i.subject.type === 'host'
      ? await hostFactsFor(d.cloud, d.armed, i.subject.host, reservedHostsOf(d.policy))
      : undefined;
  const host = read?.facts;
  const one =
    i.subject.type === 'server'
      ? await serverFactsFor(d.cloud, d.armed, i.subject, await serverNeeds(i, d, controls))
      : undefined;
  const server = one?.facts;
  const onHost = server?.host ?? (i.subject.type === 'server' ? i.subject.host : undefined);
  // the aggregates of the host: read with the host's facts, or for a server when the policy or a control needs them
  const aggregates = read?.aggregates ?? one?.aggregates ?? [];
  const hostSubjects = [...new Set([host?.host, onHost].filter((h): h is string => !!h))].flatMap((h) => [
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
  const covering = onHost && i.subject.type === 'server' ? await d.incidents.openHostIncident(onHost) : undefined;
  return {
    incident: i,
    server,
    serverHost: one?.serverHost,
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
