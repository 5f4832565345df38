/**
 * The Nova calls stackmend makes, at explicit microversions
 * (2.53+ for os-services by UUID / forced_down, 2.37+ for `networks: "none"`).
 */
import * as z from 'zod';
import { BadRequestError } from './errors';
import type { ServiceHttp } from './http';
import type { Compute } from './ports';

export const NOVA_MICROVERSION = '2.74';
/** The last microversion whose os-hypervisors still report vcpus/memory usage. */
const HYPERVISOR_MICROVERSION = '2.87';
export const novaHeaders = (v: string = NOVA_MICROVERSION) => ({
  'OpenStack-API-Version': `compute ${v}`,
  'X-OpenStack-Nova-API-Version': v,
});

/** Recorded: test/fixtures/openstack/nova-server-show.json */
export const ServerSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  status: z.string(),
  tenant_id: z.string().optional(),
  metadata: z.record(z.string(), z.string()).default({}),
  'OS-EXT-SRV-ATTR:host': z.string().nullish(),
  'OS-EXT-STS:task_state': z.string().nullish(),
  'OS-EXT-STS:vm_state': z.string().nullish(),
  /** The availability zone of the server's host (the OS-EXT-AZ extension, shown to its owner and admins). */
  'OS-EXT-AZ:availability_zone': z.string().nullish(),
  locked: z.boolean().optional(),
  /** 2.73+: why it is locked (null when nobody gave a reason). */
  locked_reason: z.string().nullish(),
  /** The Glance image it booted from; `""` when it booted from a volume. */
  image: z.union([z.looseObject({ id: z.string() }), z.literal('')]).nullish(),
  /** 2.47+: the flavor embedded in the server, extra_specs included (admin). */
  flavor: z
    .looseObject({
      vcpus: z.number().optional(),
      ram: z.number().optional(),
      disk: z.number().optional(),
      original_name: z.string().optional(),
      extra_specs: z.record(z.string(), z.string()).optional(),
    })
    .optional(),
});
export type Server = z.infer<typeof ServerSchema>;
/** Servers asked for per page: Nova's default `[api] max_limit`; a smaller max_limit pages sooner. */
export const SERVER_PAGE = 1000;
const PageLinksSchema = z.array(z.looseObject({ rel: z.string(), href: z.string() }));

export const hostOf = (s: Server): string | undefined => s['OS-EXT-SRV-ATTR:host'] ?? undefined;

/** Recorded: test/fixtures/openstack/nova-services-list.json (2.53) */
export const ComputeServiceSchema = z.looseObject({
  id: z.string(),
  binary: z.string(),
  host: z.string(),
  zone: z.string().nullish(),
  status: z.enum(['enabled', 'disabled']),
  state: z.enum(['up', 'down']),
  forced_down: z.boolean(),
  disabled_reason: z.string().nullish(),
  updated_at: z.string().nullish(),
});
export type ComputeService = z.infer<typeof ComputeServiceSchema>;

export const HypervisorSchema = z.looseObject({
  id: z.string(),
  hypervisor_hostname: z.string(),
  state: z.string(),
  status: z.string(),
  vcpus: z.number(),
  vcpus_used: z.number(),
  memory_mb: z.number(),
  memory_mb_used: z.number(),
  service: z.looseObject({ host: z.string() }),
});
export type Hypervisor = z.infer<typeof HypervisorSchema>;

/** Recorded: test/fixtures/openstack/nova-aggregates-list.json */
export const AggregateSchema = z.looseObject({
  id: z.number(),
  name: z.string(),
  availability_zone: z.string().nullish(),
  hosts: z.array(z.string()).default([]),
  metadata: z.record(z.string(), z.string()).default({}),
});
export type Aggregate = z.infer<typeof AggregateSchema>;

/**
 * Recorded at 2.59: test/fixtures/openstack/nova-migrations.json (`GET /os-migrations?instance_uuid=…`, an
 * evacuation `completed`); 2.74 answers the same fields (2.80 adds user_id and project_id). An evacuation's
 * status: `accepted` → `pre-migrating` → `done` (the destination rebuilt it) → `completed` (the source's
 * nova-compute restarted); `error` when the conductor found no host (nova/conductor/manager.py
 * rebuild_instance), `failed` when the destination's rebuild failed (nova/compute/manager.py rebuild_instance).
 */
export const MigrationSchema = z.looseObject({
  id: z.number(),
  uuid: z.string().optional(),
  instance_uuid: z.string(),
  migration_type: z.string().optional(),
  status: z.string(),
  source_compute: z.string().nullish(),
  dest_compute: z.string().nullish(),
  created_at: z.string().nullish(),
  updated_at: z.string().nullish(),
});
export type Migration = z.infer<typeof MigrationSchema>;
/** The statuses Nova leaves on an evacuation that did not rebuild the server (see MigrationSchema). */
export const FAILED_MIGRATION = ['error', 'failed'] as const;

/** The id of the Glance image a server booted from (none for boot-from-volume). */
export const imageIdOf = (s: Server): string | undefined => (s.image ? s.image.id : undefined);

export type ServerCreate = {
  name: string;
  imageRef: string;
  flavorRef: string;
  availabilityZone?: string;
  metadata?: Record<string, string>;
};

export class NovaClient implements Compute {
  constructor(private readonly http: ServiceHttp) {}

  /**
   * Every matching server: Nova answers at most its `[api] max_limit` (1,000 by default) per page and
   * names the next page in `servers_links` (rel `next`); the pages are followed by marker until none is named.
   * A server can be on two pages while servers are being booted (the lab's client test, paging by 1 just
   * after a boot, got one server twice), so each server is kept once, as last listed.
   */
  async listServers(
    filter: { host?: string; name?: string; allTenants?: boolean; pageSize?: number } = {},
  ): Promise<Server[]> {
    const all = new Map<string, Server>();
    for (let marker: string | undefined; ;) {
      const res = await this.http.get<{ servers: unknown[]; servers_links?: unknown }>('servers/detail', {
        query: {
          host: filter.host,
          name: filter.name,
          all_tenants: filter.allTenants ? 1 : undefined,
          limit: filter.pageSize ?? SERVER_PAGE,
          marker,
        },
      });
      const page = z.array(ServerSchema).parse(res.data.servers);
      for (const server of page) all.set(server.id, server);
      const next = PageLinksSchema.parse(res.data.servers_links ?? []).some((l) => l.rel === 'next');
      if (!next || page.length === 0) return [...all.values()];
      marker = page[page.length - 1].id;
    }
  }

  async getServer(id: string): Promise<Server> {
    const res = await this.http.get<{ server: unknown }>(`servers/${encodeURIComponent(id)}`);
    return ServerSchema.parse(res.data.server);
  }

  async setMetadata(id: string, metadata: Record<string, string>): Promise<void> {
    await this.http.post(`servers/${encodeURIComponent(id)}/metadata`, { metadata }, { idempotent: true });
  }

  async createServer(s: ServerCreate): Promise<Server> {
    const res = await this.http.post<{ server: unknown }>('servers', {
      server: {
        name: s.name,
        imageRef: s.imageRef,
        flavorRef: s.flavorRef,
        networks: 'none',
        ...(s.availabilityZone ? { availability_zone: s.availabilityZone } : {}),
        ...(s.metadata ? { metadata: s.metadata } : {}),
      },
    });
    return z.looseObject({ id: z.string() }).parse(res.data.server) as Server;
  }

  async deleteServer(id: string): Promise<void> {
    await this.http.delete(`servers/${encodeURIComponent(id)}`);
  }

  async listComputeServices(host?: string): Promise<ComputeService[]> {
    const res = await this.http.get<{ services: unknown[] }>('os-services', {
      query: { binary: 'nova-compute', host },
    });
    return z.array(ComputeServiceSchema).parse(res.data.services);
  }

  /** Nova's own fencing flag: with it set, Nova treats the host as down at once (no 60 s service_down_time). */
  forceDown(serviceId: string): Promise<ComputeService> {
    return this.updateService(serviceId, { forced_down: true });
  }

  /** Refused (400) until the host's nova-compute has restarted and completed its evacuation migrations. */
  unforceDown(serviceId: string): Promise<ComputeService> {
    return this.updateService(serviceId, { forced_down: false });
  }

  disableService(serviceId: string, reason: string): Promise<ComputeService> {
    return this.updateService(serviceId, { status: 'disabled', disabled_reason: reason });
  }

  enableService(serviceId: string): Promise<ComputeService> {
    return this.updateService(serviceId, { status: 'enabled' });
  }

  /**
   * Rebuilds the server on another host. Nova answers 400 while the source compute
   * service is still up ("Compute service of X is still in use"): that becomes
   * SourceHostStillUpError. 200 with an empty body on success.
   */
  async evacuate(serverId: string, targetHost?: string): Promise<{ requestId?: string }> {
    try {
      const res = await this.http.post(`servers/${encodeURIComponent(serverId)}/action`, {
        evacuate: targetHost ? { host: targetHost } : {},
      });
      return { requestId: res.requestId };
    } catch (e) {
      if (e instanceof BadRequestError && /still in use/i.test(e.serviceMessage ?? ''))
        throw new SourceHostStillUpError(e);
      throw e;
    }
  }

  lock = async (id: string, reason: string): Promise<void> =>
    void (await this.action(id, { lock: { locked_reason: reason } }));
  unlock = async (id: string): Promise<void> => void (await this.action(id, { unlock: null }));
  stop = (id: string) => this.action(id, { 'os-stop': null });
  start = (id: string) => this.action(id, { 'os-start': null });
  resetState = (id: string, state: 'active' | 'error') => this.action(id, { 'os-resetState': { state } });

  async listAggregates(): Promise<Aggregate[]> {
    const res = await this.http.get<{ aggregates: unknown[] }>('os-aggregates');
    return z.array(AggregateSchema).parse(res.data.aggregates);
  }

  /**
   * Nova's evacuations of one server, newest first (by id; Nova lists its migrations in no order the
   * API reference promises). Other migration types are left out.
   */
  async listEvacuations(serverId: string): Promise<Migration[]> {
    const res = await this.http.get<{ migrations: unknown[] }>('os-migrations', {
      query: { instance_uuid: serverId },
    });
    return z
      .array(MigrationSchema)
      .parse(res.data.migrations)
      .filter((m) => m.migration_type === 'evacuation')
      .sort((a, b) => b.id - a.id);
  }

  /**
   * `POST /os-aggregates/{id}/action {"add_host": {"host": …}}` (Nova API reference; 200 with the aggregate).
   * Nova answers 409 when the host is in the aggregate already, and also when it may not join it (another
   * availability zone, or servers that would change zone: nova/compute/api.py add_host_to_aggregate).
   */
  async addHostToAggregate(aggregateId: number, host: string): Promise<Aggregate> {
    const res = await this.http.post<{ aggregate: unknown }>(`os-aggregates/${aggregateId}/action`, {
      add_host: { host },
    });
    return AggregateSchema.parse(res.data.aggregate);
  }

  async listHypervisors(): Promise<Hypervisor[]> {
    const res = await this.http.get<{ hypervisors: unknown[] }>('os-hypervisors/detail', {
      headers: novaHeaders(HYPERVISOR_MICROVERSION),
    });
    return z.array(HypervisorSchema).parse(res.data.hypervisors);
  }

  private async updateService(serviceId: string, body: Record<string, unknown>): Promise<ComputeService> {
    const res = await this.http.put<{ service: unknown }>(`os-services/${encodeURIComponent(serviceId)}`, body);
    return ComputeServiceSchema.parse(res.data.service);
  }

  private async action(id: string, body: unknown): Promise<{ requestId?: string }> {
    const res = await this.http.post(`servers/${encodeURIComponent(id)}/action`, body);
    return { requestId: res.requestId };
  }
}

/** Evacuation refused because Nova still sees the source host's compute service as up. */
export class SourceHostStillUpError extends BadRequestError {
  constructor(e: BadRequestError) {
    super(
      { service: e.service, status: e.status, requestId: e.requestId, method: e.method, url: e.url, body: e.body },
      'Nova will not evacuate while the source compute service is up: force the service down (after fencing the host) first',
    );
  }
}
