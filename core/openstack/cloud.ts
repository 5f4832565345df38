/**
 * One connected cloud: a Keystone session and one HTTP client per service, endpoints
 * resolved lazily from the catalog. This is the only place the clients are wired.
 */
import { silentLogger, type Logger } from '../domain/log';
import { AodhClient } from './aodh';
import type { CloudConfig } from './config';
import { GlanceClient } from './glance';
import { HeatClient } from './heat';
import { ServiceHttp, type RetryPolicy } from './http';
import { KeystoneSession } from './keystone';
import { MASAKARI_HEADERS, MasakariClient } from './masakari';
import { MistralClient } from './mistral';
import { NovaClient, novaHeaders } from './nova';
import { ZaqarClient } from './zaqar';

/** Catalog service types, as the lab (and most clouds) register them. */
export const SERVICE_TYPES = {
  nova: 'compute',
  heat: 'orchestration',
  zaqar: 'messaging',
  aodh: 'alarming',
  masakari: 'instance-ha',
  mistral: 'workflowv2',
  glance: 'image',
} as const;
export type ServiceName = keyof typeof SERVICE_TYPES;

export type CloudOptions = {
  readOnly?: boolean;
  log?: Logger;
  timeoutMs?: number;
  retry?: RetryPolicy;
  zaqarClientId?: string;
  endpointOverrides?: Partial<Record<ServiceName, string>>;
};

export type Cloud = {
  config: CloudConfig;
  session: KeystoneSession;
  nova: NovaClient;
  heat: HeatClient;
  zaqar: ZaqarClient;
  aodh: AodhClient;
  masakari: MasakariClient;
  mistral: MistralClient;
  glance: GlanceClient;
  deleteTrust(trustId: string): Promise<void>;
};

export function connect(config: CloudConfig, opts: CloudOptions = {}): Cloud {
  const log = opts.log ?? silentLogger;
  const session = new KeystoneSession(config, { log, timeoutMs: opts.timeoutMs });
  const http = (service: ServiceName, headers?: Record<string, string>) =>
    new ServiceHttp({
      service,
      baseUrl: async () => opts.endpointOverrides?.[service] ?? session.endpoint(SERVICE_TYPES[service]),
      auth: session,
      headers,
      log,
      timeoutMs: opts.timeoutMs,
      retry: opts.retry,
      readOnly: opts.readOnly,
    });
  const identity = session.identity;
  const deleteTrust = async (trustId: string) => {
    await identity.delete(`OS-TRUST/trusts/${encodeURIComponent(trustId)}`);
  };
  return {
    config,
    session,
    nova: new NovaClient(http('nova', novaHeaders())),
    heat: new HeatClient(http('heat')),
    zaqar: new ZaqarClient(http('zaqar'), deleteTrust, opts.zaqarClientId),
    aodh: new AodhClient(http('aodh')),
    masakari: new MasakariClient(http('masakari', MASAKARI_HEADERS)),
    mistral: new MistralClient(http('mistral')),
    glance: new GlanceClient(http('glance')),
    deleteTrust,
  };
}
