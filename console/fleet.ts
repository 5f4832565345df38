/**
 * The console's fleet view: every compute host as Nova reports it now (service state, forced down,
 * disabled, the last heartbeat judged by core/policy/host-liveness.ts), its servers and the pets among
 * them, free capacity from Placement (each resource provider's inventories less its usages; a host's
 * providers are those named after its hypervisors, core/openstack/placement.ts), open incidents and
 * maintenance; Nova's host aggregates; and the circuit breaker's state. Reads only. Placement failing
 * leaves the capacity out and says why (`capacityError`): the rest of the fleet is still shown.
 */
import type { IncidentRecord } from '../core/domain/plan';
import { isTerminal } from '../core/domain/plan';
import type { ProviderCapacity } from '../core/openstack/placement';
import type { Capacity, Compute } from '../core/openstack/ports';
import { hostOf as serverHost } from '../core/openstack/nova';
import { hostLiveness } from '../core/policy/host-liveness';
import { isPet } from '../core/policy/managed';
import type { Policy } from '../core/policy/policy';
import { EVERYTHING, type ControlsState } from '../functions/_shared/controls';
import { hostOf } from './views';

export type FleetHost = {
  host: string;
  state: 'up' | 'down';
  status: 'enabled' | 'disabled';
  forcedDown: boolean;
  disabledReason?: string;
  /** alive, late or down, as classify-alarm would judge it now */
  liveness: string;
  heartbeatAt?: string;
  heartbeatAgeSec?: number;
  servers: number;
  /** Pets: evacuated when the host fails. */
  evacuable: number;
  /** Free in Placement: what the host's resource providers can still allocate. */
  freeVcpus?: number;
  freeRamMb?: number;
  freeDiskGb?: number;
  openIncidents: string[];
  maintenance: boolean;
};

export type Breaker = {
  open: number;
  limit: number;
  /** The next incident would be held by the circuit breaker (core/policy/decide.ts). */
  tripped: boolean;
};

/** A Nova host aggregate and its hosts (os-aggregates): what the controls' per-aggregate switches are about. */
export type FleetAggregate = { name: string; hosts: string[] };

export type Fleet = {
  hosts: FleetHost[];
  aggregates: FleetAggregate[];
  breaker: Breaker;
  at: string;
  capacityError?: string;
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
  records: IncidentRecord[],
  controls: ControlsState,
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
    return {
      host: svc.host,
      state: svc.state,
      status: svc.status,
      forcedDown: svc.forced_down,
      disabledReason: svc.disabled_reason ?? undefined,
      liveness: live.verdict,
      heartbeatAt: live.heartbeatAt,
      heartbeatAgeSec: live.heartbeatAgeSec,
      servers: on.length,
      evacuable: on.filter((s) => isPet({ id: s.id, name: s.name, metadata: s.metadata, gone: false }, policy)).length,
      freeVcpus: freeOn(providers, 'VCPU'),
      freeRamMb: freeOn(providers, 'MEMORY_MB'),
      freeDiskGb: freeOn(providers, 'DISK_GB'),
      openIncidents: open.filter((r) => hostOf(r) === svc.host).map((r) => r.key),
      maintenance: inMaintenance.has(`host:${svc.host}`) || inMaintenance.has(EVERYTHING),
    };
  });
  return {
    hosts: hosts.sort((a, b) => a.host.localeCompare(b.host)),
    aggregates: aggregates
      .map((a) => ({ name: a.name, hosts: [...a.hosts].sort() }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    breaker: { open: open.length, limit: policy.maxOpenIncidents, tripped: open.length + 1 > policy.maxOpenIncidents },
    at: new Date(now).toISOString(),
    ...('error' in capacity ? { capacityError: capacity.error } : {}),
  };
}
