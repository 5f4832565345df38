/**
 * detect → decide: gathers the facts the policy needs from Nova, Heat and the state
 * store. Reads only — nothing here writes to the cloud.
 */
import type { FenceEvidence, Incident } from '../../core/domain/incident';
import type { Cloud } from '../../core/openstack/cloud';
import { NotFoundError } from '../../core/openstack/errors';
import { refOf } from '../../core/openstack/heat';
import { hostOf, type Server } from '../../core/openstack/nova';
import type { Facts, HostFacts, ServerFacts } from '../../core/policy/facts';
import type { Policy } from '../../core/policy/policy';
import type { ArmedServers, Owner } from '../../core/runtime/arm/armed';
import type { StateStore } from '../../core/state/store';
import { type Incidents, subjectId } from './incidents';

export type { Owner };
export const maintenanceKey = (subject: string) => `maintenance:${subject}`;

/** Heat owners of servers: the armed index first, then one scan of the project's stacks. */
export async function ownersOf(cloud: Cloud, armed: ArmedServers, serverIds: string[]): Promise<Map<string, Owner>> {
  const found = new Map<string, Owner>();
  for (const id of serverIds) {
    const owner = await armed.owner(id);
    if (owner) found.set(id, owner);
  }
  if (found.size === serverIds.length) return found;
  for (const stack of await cloud.heat.listStacks()) {
    for (const o of await cloud.heat.listServers(refOf(stack))) {
      if (serverIds.includes(o.serverId) && !found.has(o.serverId))
        found.set(o.serverId, { root: o.root, stack: o.stack, resourceName: o.resourceName });
    }
  }
  return found;
}

/** Being deleted counts as gone: Nova's delete.end can race the DELETE it reports. */
const isGone = (s: Server) =>
  s.status === 'DELETED' || s.status === 'SOFT_DELETED' || s['OS-EXT-STS:task_state'] === 'deleting';

const serverFacts = (s: Server, owner?: Owner): ServerFacts => ({
  id: s.id,
  name: s.name,
  host: hostOf(s),
  status: s.status,
  metadata: s.metadata,
  gone: isGone(s),
  vcpus: s.flavor?.vcpus,
  ramMb: s.flavor?.ram,
  owner,
});

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

async function hostFactsFor(cloud: Cloud, armed: ArmedServers, host: string): Promise<HostFacts> {
  const [services, servers, hypervisors] = await Promise.all([
    cloud.nova.listComputeServices(),
    cloud.nova.listServers({ host, allTenants: true }),
    cloud.nova.listHypervisors(),
  ]);
  const owners = await ownersOf(
    cloud,
    armed,
    servers.map((s) => s.id),
  );
  const svc = services.find((s) => s.host === host);
  const spare = services.filter((s) => s.host !== host && s.status === 'enabled' && s.state === 'up' && !s.forced_down);
  return {
    host,
    service: svc && { id: svc.id, state: svc.state, status: svc.status, forcedDown: svc.forced_down },
    servers: servers.map((s) => serverFacts(s, owners.get(s.id))),
    spareHosts: spare.map((s) => {
      const h = hypervisors.find((x) => x.service.host === s.host);
      return {
        host: s.host,
        freeVcpus: h ? h.vcpus - h.vcpus_used : 0,
        freeRamMb: h ? h.memory_mb - h.memory_mb_used : 0,
      };
    }),
  };
}

/** Evidence that the host is fenced: an operator's, the alarm's own, or Nova's forced_down flag. */
export function fenceEvidence(
  i: Incident,
  forcedDown: boolean | undefined,
  approved?: FenceEvidence,
  now = new Date(),
): FenceEvidence | undefined {
  if (approved) return approved;
  if (i.fence) return i.fence;
  if (forcedDown)
    return { by: 'nova (service forced_down by an operator)', method: 'forced-down', at: now.toISOString() };
  return undefined;
}

export async function gatherFacts(
  i: Incident,
  d: { cloud: Cloud; store: StateStore; armed: ArmedServers; incidents: Incidents; policy: Policy; now: () => number },
): Promise<Facts> {
  const host = i.subject.type === 'host' ? await hostFactsFor(d.cloud, d.armed, i.subject.host) : undefined;
  const server = i.subject.type === 'server' ? await serverFactsFor(d.cloud, d.armed, i.subject.serverId) : undefined;
  const serverHost = server?.host ?? (i.subject.type === 'server' ? i.subject.host : undefined);
  const subjects = [
    subjectId(i),
    host ? `host:${host.host}` : '',
    serverHost ? `host:${serverHost}` : '',
    server?.owner ? `stack:${server.owner.root.id}` : '',
  ];
  const maintenance = await Promise.all(subjects.filter(Boolean).map((s) => d.store.get(maintenanceKey(s))));
  return {
    incident: i,
    server,
    host,
    fence: fenceEvidence(i, host?.service?.forcedDown, undefined, new Date(d.now())),
    openIncidents: (await d.incidents.openCount()) + 1,
    repeats: await d.incidents.countRepeat(i, d.policy.repeatWindowSec),
    coveringHostIncident:
      serverHost && i.subject.type === 'server' ? await d.incidents.openHostIncident(serverHost) : undefined,
    inMaintenance: maintenance.some(Boolean),
  };
}
