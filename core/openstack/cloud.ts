/**
 * One connected cloud: a Keystone session and one HTTP client per service, endpoints
 * resolved lazily from the catalog. This is the only place the product's clients are wired;
 * bench/openstack/cloud.ts extends the same connection with the benchmark's services.
 */
import { silentLogger, type Logger } from '../domain/log';
import { AodhClient } from './aodh';
import type { CloudConfig } from './config';
import { GlanceClient } from './glance';
import { HeatClient } from './heat';
import { IronicClient, ironicHeaders } from './ironic';
import { ServiceHttp, type RetryPolicy } from './http';
import { KeystoneSession } from './keystone';
import { NovaClient, novaHeaders } from './nova';
import { PlacementClient, placementHeaders } from './placement';
import type { Alarming, BareMetal, Capacity, Compute, Images, Orchestration, Queueing } from './ports';
import { ZaqarClient } from './zaqar';

/** Catalog service types, as the lab (and most clouds) register them. */
export const SERVICE_TYPES = {
  nova: 'compute',
  heat: 'orchestration',
  zaqar: 'messaging',
  aodh: 'alarming',
  ironic: 'baremetal',
  glance: 'image',
  placement: 'placement',
} as const;
export type ServiceName = keyof typeof SERVICE_TYPES;

export type CloudOptions = {
  readOnly?: boolean;
  log?: Logger;
  timeoutMs?: number;
  retry?: RetryPolicy;
  zaqarClientId?: string;
  /** Service name → base URL, instead of the catalog's. */
  endpointOverrides?: Partial<Record<string, string>>;
};

/** What the steps, triggers and commands use: the narrow ports (core/openstack/ports.ts). */
export type Cloud = {
  nova: Compute;
  heat: Orchestration;
  aodh: Alarming;
  zaqar: Queueing;
  ironic: BareMetal;
  glance: Images;
  placement: Capacity;
};

/** The authenticated session every service client is built on. */
export type Connection = {
  config: CloudConfig;
  session: KeystoneSession;
  /** An HTTP client for `service` (its name in logs and errors), found in the catalog as `type`. */
  http(service: string, type: string, headers?: Record<string, string>): ServiceHttp;
  deleteTrust(trustId: string): Promise<void>;
};

/** The concrete clients behind the ports, for code that needs more than the ports (lab tests, benchmark). */
export type Clients = {
  nova: NovaClient;
  heat: HeatClient;
  aodh: AodhClient;
  zaqar: ZaqarClient;
  ironic: IronicClient;
  glance: GlanceClient;
  placement: PlacementClient;
};

export function openConnection(config: CloudConfig, opts: CloudOptions = {}): Connection {
  const log = opts.log ?? silentLogger;
  const session = new KeystoneSession(config, { log, timeoutMs: opts.timeoutMs });
  const http = (service: string, type: string, headers?: Record<string, string>) =>
    new ServiceHttp({
      service,
      baseUrl: async () => opts.endpointOverrides?.[service] ?? session.endpoint(type),
      auth: session,
      headers,
      log,
      timeoutMs: opts.timeoutMs,
      retry: opts.retry,
      readOnly: opts.readOnly,
      httpsAgent: session.httpsAgent,
    });
  const deleteTrust = async (trustId: string) => {
    await session.identity.delete(`OS-TRUST/trusts/${encodeURIComponent(trustId)}`);
  };
  return { config, session, http, deleteTrust };
}

export function clientsOn(c: Connection, opts: Pick<CloudOptions, 'zaqarClientId'> = {}): Clients {
  const http = (s: ServiceName, headers?: Record<string, string>) => c.http(s, SERVICE_TYPES[s], headers);
  return {
    nova: new NovaClient(http('nova', novaHeaders())),
    heat: new HeatClient(http('heat')),
    aodh: new AodhClient(http('aodh')),
    zaqar: new ZaqarClient(http('zaqar'), c.deleteTrust, opts.zaqarClientId),
    ironic: new IronicClient(http('ironic', ironicHeaders())),
    glance: new GlanceClient(http('glance')),
    placement: new PlacementClient(http('placement', placementHeaders())),
  };
}

export function connect(config: CloudConfig, opts: CloudOptions = {}): Cloud {
  return clientsOn(openConnection(config, opts), opts);
}
