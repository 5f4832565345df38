/**
 * The console's fleet view: every compute host as Nova reports it now (service state, forced down,
 * disabled, the last heartbeat judged by core/policy/host-liveness.ts), whether stackmend fenced it, its
 * servers and those the policy would evacuate (./fleet-host.ts), free capacity from Placement (each
 * resource provider's inventories less its usages; a host's providers are those named after its
 * hypervisors, core/openstack/placement.ts), open incidents and maintenance (of the host, an aggregate
 * it is in, or everything); Nova's host aggregates; the circuit breaker's state and the blast radius's
 * (./fleet-blast.ts). Reads only. Placement failing leaves the capacity out and says why
 * (`capacityError`): the rest of the fleet is still shown.
 */
import type { IncidentRecord } from '../core/domain/plan';
import { isTerminal } from '../core/domain/plan';
import type { Aggregate, ComputeService } from '../core/openstack/nova';
import type { ProviderCapacity } from '../core/openstack/placement';
import type { Capacity, Compute } from '../core/openstack/ports';
import { hostOf as serverHost } from '../core/openstack/nova';
import type { BlastFacts } from '../core/policy/blast';
import { hostLiveness } from '../core/policy/host-liveness';
import type { Policy } from '../core/policy/policy';
import { EVERYTHING, type ControlsState } from '../functions/_shared/controls';
import { blastView, type BlastView } from './fleet-blast';
import { evacuableOn, fencedBy, type Fenced } from './fleet-host';
import { hostOf } from './views';

export type FleetHost = {
  host: string;
  state: 'up' | 'down';
  status: 'enabled' | 'disabled';
  forcedDown: boolean;
  disabledReason?: string;
  /** stackmend fenced the host, and Nova does not report it back (./fleet-host.ts). */
  fenced?: Fenced;
  /** alive, late or down, as classify-alarm would judge it now */
  liveness: string;
  heartbeatAt?: string;
  heartbeatAgeSec?: number;
  servers: number;
  /** Pets: evacuated when the host fails. Absent when the fleet cannot tell: `evacuableUnknown` says why. */
  evacuable?: number;
  evacuableUnknown?: string;
  /** Free in Placement: what the host's resource providers can still allocate. */
  freeVcpus?: number;
  freeRamMb?: number;
  freeDiskGb?: number;
  openIncidents: string[];
  maintenance: boolean;
  /** The switches that put it in maintenance: `host:<name>`, `aggregate:<name>`, `all`. */
  maintenanceBy: string[];
};

export type Breaker = {
  open: number;
  limit: number;
  /** The next incident would be held by the circuit breaker (core/policy/decide.ts). */
  tripped: boolean;
};

/** A Nova host aggregate and its hosts (os-aggregates), and whether it is in maintenance of its own. */
export type FleetAggregate = { name: string; hosts: string[]; maintenance: boolean };

export type Fleet = {
  hosts: FleetHost[];
  aggregates: FleetAggregate[];
  breaker: Breaker;
  blast: BlastView;
  at: string;
  capacityError?: string;
};

/** What stackmend keeps: the incident records, the operator's controls, and the blast radius's records. */
export type FleetRecords = {
  records: IncidentRecord[];
  controls: ControlsState;
  /** functions/_shared/blast.ts readBlast over the services and aggregates read here. */
  blast: (services: ComputeService[], aggregates: Aggregate[]) => Promise<BlastFacts>;
};

/** The sum of one resource class's free capacity over a host's providers (undefined when none has it). */
function freeOn(providers: ProviderCapacity[], rc: string): number | undefined {
  const has = providers.filter((p) => p.free[rc] !== undefined);
  return has.length ? has.reduce((n, p) => n + p.free[rc]!, 0) : undefined;
}

export async function readFleet(
  cloud: {
    nova: Pick<Compute, 'listComputeServices' | 'listServers' | 'listHypervisors' | 'listAggregates'>;
    placement: Capacity;
  },
  { records, controls, blast }: FleetRecords,
  policy: Policy,
  now: number,
): Promise<Fleet> {
  const { nova } = cloud;
  const [services, servers, hypervisors, aggregates, capacity] = await Promise.all([
    nova.listComputeServices(),
    nova.listServers({ allTenants: true }),
    nova.listHypervisors(),
    nova.listAggregates(),
    cloud.placement.capacities().then(
      (providers) => ({ providers }),
      (e: unknown) => ({ providers: [] as ProviderCapacity[], error: `Placement: ${(e as Error).message}` }),
    ),
  ]);
  const open = records.filter((r) => !isTerminal(r.status));
  const inMaintenance = new Set(controls.maintenance.map((m) => m.subject));
  const hosts = services.map((svc): FleetHost => {
    const on = servers.filter((s) => serverHost(s) === svc.host);
    const nodes = new Set(hypervisors.filter((h) => h.service.host === svc.host).map((h) => h.hypervisor_hostname));
    const providers = capacity.providers.filter((p) => nodes.has(p.provider.name));
    const live = hostLiveness(svc, { now }, policy);
    const memberOf = aggregates.filter((a) => a.hosts.includes(svc.host));
    const evacuable = evacuableOn(on, { aggregates: memberOf }, policy);
    const maintenanceBy = [`host:${svc.host}`, ...memberOf.map((a) => `aggregate:${a.name}`), EVERYTHING].filter((s) =>
      inMaintenance.has(s),
    );
    return {
      host: svc.host,
      state: svc.state,
      status: svc.status,
      forcedDown: svc.forced_down,
      disabledReason: svc.disabled_reason ?? undefined,
      fenced: fencedBy(svc, records),
      liveness: live.verdict,
      heartbeatAt: live.heartbeatAt,
      heartbeatAgeSec: live.heartbeatAgeSec,
      servers: on.length,
      ...('count' in evacuable ? { evacuable: evacuable.count } : { evacuableUnknown: evacuable.unknown }),
      freeVcpus: freeOn(providers, 'VCPU'),
      freeRamMb: freeOn(providers, 'MEMORY_MB'),
      freeDiskGb: freeOn(providers, 'DISK_GB'),
      openIncidents: open.filter((r) => hostOf(r) === svc.host).map((r) => r.key),
      maintenance: maintenanceBy.length > 0,
      maintenanceBy,
    };
  });
  return {
    hosts: hosts.sort((a, b) => a.host.localeCompare(b.host)),
    aggregates: aggregates
      .map((a) => ({ name: a.name, hosts: [...a.hosts].sort(), maintenance: inMaintenance.has(`aggregate:${a.name}`) }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    breaker: { open: open.length, limit: policy.maxOpenIncidents, tripped: open.length + 1 > policy.maxOpenIncidents },
    blast: blastView(await blast(services, aggregates), policy),
    at: new Date(now).toISOString(),
    ...('error' in capacity ? { capacityError: capacity.error } : {}),
  };
}
