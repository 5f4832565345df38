/**
 * The console's fleet view: every compute host as Nova reports it now (service state, forced down,
 * disabled, the last heartbeat judged by core/policy/host-liveness.ts), its servers and the pets among
 * them, free capacity from Nova's hypervisors, open incidents and maintenance; and the circuit
 * breaker's state. Reads only.
 */
import type { IncidentRecord } from '../core/domain/plan';
import { isTerminal } from '../core/domain/plan';
import type { Compute } from '../core/openstack/ports';
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
  freeVcpus?: number;
  freeRamMb?: number;
  openIncidents: string[];
  maintenance: boolean;
};

export type Breaker = {
  open: number;
  limit: number;
  /** The next incident would be held by the circuit breaker (core/policy/decide.ts). */
  tripped: boolean;
};

export type Fleet = { hosts: FleetHost[]; breaker: Breaker; at: string };

export async function readFleet(
  nova: Pick<Compute, 'listComputeServices' | 'listServers' | 'listHypervisors'>,
  records: IncidentRecord[],
  controls: ControlsState,
  policy: Policy,
  now: number,
): Promise<Fleet> {
  const [services, servers, hypervisors] = await Promise.all([
    nova.listComputeServices(),
    nova.listServers({ allTenants: true }),
    nova.listHypervisors(),
  ]);
  const open = records.filter((r) => !isTerminal(r.status));
  const inMaintenance = new Set(controls.maintenance.map((m) => m.subject));
  const hosts = services.map((svc): FleetHost => {
    const on = servers.filter((s) => serverHost(s) === svc.host);
    const hv = hypervisors.find((h) => h.service.host === svc.host);
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
      freeVcpus: hv && hv.vcpus - hv.vcpus_used,
      freeRamMb: hv && hv.memory_mb - hv.memory_mb_used,
      openIncidents: open.filter((r) => hostOf(r) === svc.host).map((r) => r.key),
      maintenance: inMaintenance.has(`host:${svc.host}`) || inMaintenance.has(EVERYTHING),
    };
  });
  return {
    hosts: hosts.sort((a, b) => a.host.localeCompare(b.host)),
    breaker: { open: open.length, limit: policy.maxOpenIncidents, tripped: open.length + 1 > policy.maxOpenIncidents },
    at: new Date(now).toISOString(),
  };
}
