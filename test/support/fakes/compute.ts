/**
 * Nova in memory: servers, compute services and hypervisors, with the refusals the lab showed.
 * evacuate is refused (SourceHostStillUpError) while Nova sees the source service up; accepted
 * (test/fixtures/openstack/nova-evacuate-2.74.json: 200, an empty body, a request id), the server is
 * REBUILD until the next tick(), then ACTIVE on another enabled, up host (ERROR
 * when there is none). forceDown turns the service's state down at once
 * (test/fixtures/openstack/nova-force-down-2.53.json).
 * Each accepted evacuation has a migration record (test/fixtures/openstack/nova-migrations.json): `accepted`,
 * then `done`; `error` when no host could take it (the conductor's NoValidHost), `failed` when its destination
 * was broken by failEvacuationsTo. A failed evacuation leaves the server on its source host, as Nova does
 * (the host is set only when the rebuild succeeded: nova/compute/resource_tracker.py finish_evacuation).
 */
import { epochMsOf } from '../../../core/domain/clock';
import { apiErrorFor } from '../../../core/openstack/errors';
import type { Compute } from '../../../core/openstack/ports';
import {
  AggregateSchema,
  hostOf,
  MigrationSchema,
  type Aggregate,
  type ComputeService,
  type Migration,
  type Server,
} from '../../../core/openstack/nova';
import type { FakeControl } from './control';
import {
  errors,
  hypervisorRecord,
  recordedBody,
  serverRecord,
  serviceRecord,
  type ServerSeed,
  type ServiceSeed,
} from './records';

const NOVA = 'http://127.0.0.1:8774/v2.1';
const DEFAULT_CAPACITY = { vcpus: 8, memory_mb: 16384 };
const AGGREGATE = (recordedBody('nova-aggregates-list').aggregates as Record<string, unknown>[])[0];
const MIGRATION = (recordedBody('nova-migrations').migrations as Record<string, unknown>[])[0];

/**
 * How an evacuation to a broken destination fails: `error`, its rebuild failed (the server ERROR);
 * `claim`, the destination had no room after all (ComputeResourcesUnavailable: Nova keeps the server's state).
 */
export type EvacuationFailure = 'error' | 'claim';
type Rebuild = { dest?: string; migration: Migration; status: string; vmState?: string | null };
/** Nova's timestamps: ISO-8601 without a zone, microseconds (test/fixtures/openstack/nova-services-list.json). */
const novaTime = (c: FakeControl) => c.iso().replace('Z', '000');

export class FakeCompute implements Compute {
  private readonly servers = new Map<string, Server>();
  private readonly services: ComputeService[] = [];
  private readonly capacity = new Map<string, { vcpus: number; memory_mb: number }>();
  /** Accepted os-stop / os-start: server id → the status it reaches at the next tick(). */
  private readonly powering = new Map<string, 'SHUTOFF' | 'ACTIVE'>();
  /** Accepted evacuations: server id → destination (none: no host can take it), its migration, its state before. */
  private readonly rebuilding = new Map<string, Rebuild>();
  private readonly aggregates: Aggregate[] = [];
  private readonly migrations: Migration[] = [];
  /** Destinations whose evacuations fail at the next tick(), and how. */
  private readonly broken = new Map<string, EvacuationFailure>();
  /**
   * Hosts whose nova-compute heartbeats (Nova's updated_at is now at every list): seeded without a
   * heartbeat time, and never since given a heartbeat time, a state or a force-down by a test or a call.
   */
  private readonly beating = new Set<string>();

  constructor(private readonly c: FakeControl) {}

  // ---- seeding and inspection (not port calls: not logged) ----

  addService(s: ServiceSeed, capacity = DEFAULT_CAPACITY): ComputeService {
    const svc = serviceRecord(
      { updated_at: novaTime(this.c), ...s },
      `00000000-0000-4000-a000-${String(this.services.length + 1).padStart(12, '0')}`,
    );
    this.services.push(svc);
    this.capacity.set(svc.host, capacity);
    if (s.updated_at === undefined) this.beating.add(svc.host);
    return svc;
  }

  /** The service record, changed in place (a host whose nova-compute stopped: `{ state: 'down' }`). */
  setService(host: string, patch: Partial<ComputeService>): void {
    if ('updated_at' in patch || 'state' in patch || patch.forced_down) this.beating.delete(host);
    Object.assign(this.service(host) ?? {}, patch);
  }

  /** The nova-compute service record deleted (Nova then lists no service on that host). */
  removeService(host: string): void {
    const i = this.services.findIndex((s) => s.host === host);
    if (i >= 0) this.services.splice(i, 1);
  }

  addServer(s: ServerSeed): Server {
    const server = serverRecord(s);
    this.servers.set(server.id, server);
    return server;
  }

  /** A host aggregate as test/fixtures/openstack/nova-aggregates-list.json records one. */
  addAggregate(a: { name: string; hosts: string[]; metadata?: Record<string, string>; zone?: string }): Aggregate {
    const metadata = { ...(a.zone ? { availability_zone: a.zone } : {}), ...a.metadata };
    const agg = AggregateSchema.parse({
      ...AGGREGATE,
      id: this.aggregates.length + 1,
      name: a.name,
      hosts: a.hosts,
      metadata,
      availability_zone: a.zone ?? null,
    });
    this.aggregates.push(agg);
    return agg;
  }

  deleteServerNow(id: string): void {
    this.servers.delete(id);
    this.rebuilding.delete(id);
  }

  server = (id: string): Server | undefined => this.servers.get(id);
  service = (host: string): ComputeService | undefined => this.services.find((s) => s.host === host);
  serversOn = (host: string): Server[] => [...this.servers.values()].filter((s) => hostOf(s) === host);

  /** Where a new server can go: an enabled, up, not forced-down host other than `except`. */
  spareHost(except?: string): string | undefined {
    return this.services.find((s) => s.host !== except && s.status === 'enabled' && s.state === 'up' && !s.forced_down)
      ?.host;
  }

  /** Evacuations to `host` fail from now on (`how`), until healEvacuationsTo. */
  failEvacuationsTo(host: string, how: EvacuationFailure = 'error'): void {
    this.broken.set(host, how);
  }

  healEvacuationsTo(host: string): void {
    this.broken.delete(host);
  }

  /** Every migration record of a server, oldest first. */
  migrationsOf = (id: string): Migration[] => this.migrations.filter((m) => m.instance_uuid === id);

  /** Accepted evacuations end: ACTIVE on their destination, ERROR when no host could take them or it was broken. */
  tick(): void {
    for (const [id, r] of this.rebuilding) {
      const s = this.servers.get(id);
      if (!s) continue;
      const broken = r.dest ? this.broken.get(r.dest) : undefined;
      const at = novaTime(this.c);
      if (!r.dest || broken) {
        Object.assign(r.migration, {
          status: r.dest ? 'failed' : 'error',
          dest_compute: r.dest ?? null,
          updated_at: at,
        });
        const kept = broken === 'claim' ? { status: r.status, 'OS-EXT-STS:vm_state': r.vmState } : undefined;
        Object.assign(s, kept ?? { status: 'ERROR', 'OS-EXT-STS:vm_state': 'error' }, {
          'OS-EXT-STS:task_state': null,
        });
        continue;
      }
      // Nova rebuilds a stopped server stopped where it lands (compute manager rebuild_instance)
      const stopped = s['OS-EXT-STS:vm_state'] === 'stopped';
      const vm = stopped ? 'stopped' : 'active';
      Object.assign(s, { status: stopped ? 'SHUTOFF' : 'ACTIVE', 'OS-EXT-STS:vm_state': vm });
      Object.assign(s, { 'OS-EXT-STS:task_state': null, 'OS-EXT-SRV-ATTR:host': r.dest });
      Object.assign(r.migration, { status: 'done', dest_compute: r.dest, updated_at: at });
    }
    this.rebuilding.clear();
    for (const [id, status] of this.powering) {
      const s = this.servers.get(id);
      if (s) Object.assign(s, { status, 'OS-EXT-STS:vm_state': status === 'ACTIVE' ? 'active' : 'stopped' });
      if (s) s['OS-EXT-STS:task_state'] = null;
    }
    this.powering.clear();
  }

  /** The server changed behind Nova's back and Nova noticed (a power-update event): at once, no tick. */
  setServer(id: string, patch: Partial<Server>): void {
    Object.assign(this.servers.get(id) ?? {}, patch);
  }

  // ---- the port ----

  getServer(id: string): Promise<Server> {
    return this.c.run('nova.getServer', [id], () => this.require(id, 'GET'));
  }

  listServers(filter: { host?: string; name?: string; allTenants?: boolean } = {}): Promise<Server[]> {
    return this.c.run('nova.listServers', [filter], () =>
      [...this.servers.values()].filter(
        (s) => (!filter.host || hostOf(s) === filter.host) && (!filter.name || s.name.includes(filter.name)),
      ),
    );
  }

  listComputeServices(host?: string): Promise<ComputeService[]> {
    return this.c.run('nova.listComputeServices', [host], () => {
      for (const s of this.services) if (this.beating.has(s.host)) s.updated_at = novaTime(this.c);
      return this.services.filter((s) => !host || s.host === host);
    });
  }

  listHypervisors() {
    return this.c.run('nova.listHypervisors', [], () =>
      this.services.map((svc, i) => {
        const on = this.serversOn(svc.host);
        const used = {
          vcpus: on.reduce((n, s) => n + (s.flavor?.vcpus ?? 0), 0),
          memory_mb: on.reduce((n, s) => n + (s.flavor?.ram ?? 0), 0),
        };
        return hypervisorRecord(svc, String(i + 1), this.capacity.get(svc.host) ?? DEFAULT_CAPACITY, used);
      }),
    );
  }

  forceDown(serviceId: string): Promise<ComputeService> {
    return this.c.run('nova.forceDown', [serviceId], () => {
      const svc = this.requireService(serviceId);
      this.beating.delete(svc.host);
      return Object.assign(svc, { forced_down: true, state: 'down', updated_at: novaTime(this.c) });
    });
  }

  disableService(serviceId: string, reason: string): Promise<ComputeService> {
    return this.c.run('nova.disableService', [serviceId, reason], () =>
      Object.assign(this.requireService(serviceId), { status: 'disabled', disabled_reason: reason }),
    );
  }

  enableService(serviceId: string): Promise<ComputeService> {
    return this.c.run('nova.enableService', [serviceId], () =>
      Object.assign(this.requireService(serviceId), { status: 'enabled', disabled_reason: null }),
    );
  }

  listAggregates(): Promise<Aggregate[]> {
    return this.c.run('nova.listAggregates', [], () => this.aggregates.map((a) => structuredClone(a)));
  }

  /** 409 when the host is in the aggregate already (nova/api/openstack/compute/aggregates.py _add_host). */
  addHostToAggregate(aggregateId: number, host: string): Promise<Aggregate> {
    return this.c.run('nova.addHostToAggregate', [aggregateId, host], (requestId) => {
      const url = `${NOVA}/os-aggregates/${aggregateId}/action`;
      const agg = this.aggregates.find((a) => a.id === aggregateId);
      if (!agg || !this.service(host)) throw errors.notFound({ service: 'nova', method: 'POST', url });
      if (agg.hosts.includes(host)) throw apiErrorFor({ service: 'nova', status: 409, method: 'POST', url, requestId });
      agg.hosts.push(host);
      return agg;
    });
  }

  listEvacuations(serverId: string): Promise<Migration[]> {
    return this.c.run('nova.listEvacuations', [serverId], () =>
      this.migrationsOf(serverId)
        .filter((m) => m.migration_type === 'evacuation')
        .sort((a, b) => b.id - a.id),
    );
  }

  lock(serverId: string, reason: string): Promise<void> {
    return this.c.run('nova.lock', [serverId, reason], () => {
      Object.assign(this.require(serverId, 'POST'), { locked: true, locked_reason: reason });
    });
  }

  unlock(serverId: string): Promise<void> {
    return this.c.run('nova.unlock', [serverId], () => {
      Object.assign(this.require(serverId, 'POST'), { locked: false, locked_reason: null });
    });
  }

  evacuate(serverId: string, targetHost?: string): Promise<{ requestId?: string }> {
    return this.c.run('nova.evacuate', [serverId, targetHost], (requestId) => {
      const url = `${NOVA}/servers/${serverId}/action`;
      const s = this.require(serverId, 'POST', url);
      const source = hostOf(s);
      const svc = source ? this.service(source) : undefined;
      if (source && svc?.state === 'up') throw errors.sourceHostStillUp(source, url, requestId);
      const migration = MigrationSchema.parse({
        ...MIGRATION,
        id: this.migrations.length + 1,
        uuid: `00000000-0000-4000-b000-${String(this.migrations.length + 1).padStart(12, '0')}`,
        instance_uuid: serverId,
        source_compute: source,
        source_node: source,
        dest_compute: targetHost ?? null,
        dest_node: targetHost ?? null,
        status: 'accepted',
        created_at: novaTime(this.c),
        updated_at: null,
      });
      this.migrations.push(migration);
      const dest = targetHost ?? this.spareHost(source);
      this.rebuilding.set(serverId, { dest, migration, status: s.status, vmState: s['OS-EXT-STS:vm_state'] });
      Object.assign(s, { status: 'REBUILD', 'OS-EXT-STS:task_state': 'rebuilding' });
      return { requestId };
    });
  }

  /** Nova's states for os-stop (ACTIVE, ERROR) and os-start (SHUTOFF); any other is a 409 (nova/compute/api.py). */
  stop(serverId: string): Promise<{ requestId?: string }> {
    return this.power('nova.stop', serverId, ['ACTIVE', 'ERROR'], 'SHUTOFF', 'powering-off');
  }

  start(serverId: string): Promise<{ requestId?: string }> {
    return this.power('nova.start', serverId, ['SHUTOFF'], 'ACTIVE', 'powering-on');
  }

  resetState(serverId: string, state: 'active' | 'error'): Promise<{ requestId?: string }> {
    return this.c.run('nova.resetState', [serverId, state], (requestId) => {
      const s = this.require(serverId, 'POST', `${NOVA}/servers/${serverId}/action`);
      Object.assign(s, { status: state.toUpperCase(), 'OS-EXT-STS:vm_state': state, 'OS-EXT-STS:task_state': null });
      return { requestId };
    });
  }

  unforceDown(serviceId: string): Promise<ComputeService> {
    // Nova's servicegroup: up when the last heartbeat is within service_down_time (60 s in the lab)
    return this.c.run('nova.unforceDown', [serviceId], () => {
      const svc = this.requireService(serviceId);
      const fresh = this.c.now() - (epochMsOf(svc.updated_at) ?? 0) <= 60_000;
      return Object.assign(svc, { forced_down: false, state: fresh ? 'up' : 'down' });
    });
  }

  private power(
    method: 'nova.stop' | 'nova.start',
    serverId: string,
    from: readonly string[],
    to: 'SHUTOFF' | 'ACTIVE',
    task: string,
  ): Promise<{ requestId?: string }> {
    return this.c.run(method, [serverId], (requestId) => {
      const url = `${NOVA}/servers/${serverId}/action`;
      const s = this.require(serverId, 'POST', url);
      if (!from.includes(s.status) || s['OS-EXT-STS:task_state'])
        throw apiErrorFor({ service: 'nova', status: 409, method: 'POST', url, requestId });
      this.powering.set(serverId, to);
      s['OS-EXT-STS:task_state'] = task;
      return { requestId };
    });
  }

  private require(id: string, method: string, url = `${NOVA}/servers/${id}`): Server {
    const s = this.servers.get(id);
    if (!s) throw errors.notFound({ service: 'nova', method, url });
    return s;
  }

  private requireService(id: string): ComputeService {
    const svc = this.services.find((s) => s.id === id);
    if (!svc) throw errors.notFound({ service: 'nova', method: 'PUT', url: `${NOVA}/os-services/${id}` });
    return svc;
  }
}
