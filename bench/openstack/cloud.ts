/**
 * The lab's and the benchmark's view of the cloud: the product's clients (core/openstack/cloud.ts)
 * on the same Keystone session, plus Masakari (the baseline stackmend is measured against), Mistral
 * (the Aodh→Zaqar→Mistral→Heat chain) and Glance (images to boot lab servers from).
 */
import {
  clientsOn,
  openConnection,
  type Clients,
  type CloudOptions,
  type Connection,
} from '../../core/openstack/cloud';
import type { CloudConfig } from '../../core/openstack/config';
import type { KeystoneSession } from '../../core/openstack/keystone';
import { GlanceClient } from './glance';
import { MASAKARI_HEADERS, MasakariClient } from './masakari';
import { MistralClient } from './mistral';

/** Catalog service types, as the lab registers them. */
export const LAB_SERVICE_TYPES = { masakari: 'instance-ha', mistral: 'workflowv2', glance: 'image' } as const;

export type LabCloud = Clients & {
  config: CloudConfig;
  session: KeystoneSession;
  masakari: MasakariClient;
  mistral: MistralClient;
  glance: GlanceClient;
};

export function labClientsOn(c: Connection, opts: CloudOptions = {}): LabCloud {
  return {
    config: c.config,
    session: c.session,
    ...clientsOn(c, opts),
    masakari: new MasakariClient(c.http('masakari', LAB_SERVICE_TYPES.masakari, MASAKARI_HEADERS)),
    mistral: new MistralClient(c.http('mistral', LAB_SERVICE_TYPES.mistral)),
    glance: new GlanceClient(c.http('glance', LAB_SERVICE_TYPES.glance)),
  };
}

export const connectLab = (config: CloudConfig, opts: CloudOptions = {}): LabCloud =>
  labClientsOn(openConnection(config, opts), opts);
