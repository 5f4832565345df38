/**
 * Lab scenarios shared by the demo, the benchmarks and the end-to-end tests: a ResourceGroup of
 * cattle, a pet server, and the host monitor's report of a dead host (the recorded Masakari
 * COMPUTE_HOST notification, re-dated, optionally carrying a fence claim), and an external fencing
 * agent forcing a dead host down in Nova.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { LabCloud as Cloud } from '../bench/openstack/cloud';
import type { CLAIMED_FENCE_METHODS } from '../core/domain/fence';
import type { StackRef } from '../core/openstack/heat';
import { waitFor } from './wait';

const ROOT = path.join(__dirname, '..');
export const GROUP_TEMPLATE = fs.readFileSync(path.join(ROOT, 'examples', 'heat', 'group.yaml'), 'utf8');

/** examples/heat/group.yaml with Heat's ResourceGroup `batch_create` policy: members created `size` at a time */
export const batchedGroupTemplate = (size: number): string =>
  GROUP_TEMPLATE.replace(
    /^( {4})type: OS::Heat::ResourceGroup\n/m,
    `$&$1update_policy:\n$1  batch_create: {max_batch_size: ${size}, pause_time: 0}\n`,
  );

/** `az`: where the members run (the template's default: nova:compute2). */
export async function createGroup(cloud: Cloud, name: string, count = 3, az?: string): Promise<StackRef> {
  const ref = await cloud.heat.createStack(name, GROUP_TEMPLATE, az ? { count, az } : { count });
  await waitFor(
    `stack ${name} CREATE_COMPLETE`,
    async () => {
      const s = await cloud.heat.getStack(ref);
      if (s.stack_status.endsWith('FAILED'))
        throw new Error(`${name}: ${s.stack_status} ${s.stack_status_reason ?? ''}`);
      return s.stack_status === 'CREATE_COMPLETE';
    },
    180,
    250,
  );
  return ref;
}

export async function bootServer(
  cloud: Cloud,
  name: string,
  host: string,
  metadata?: Record<string, string>,
): Promise<string> {
  const image = await cloud.glance.findImage('fake-img');
  if (!image) throw new Error('image fake-img is missing: run `npm run lab -- up`');
  const s = await cloud.nova.createServer({
    name,
    imageRef: image.id,
    flavorRef: '1',
    availabilityZone: `nova:${host}`,
    metadata,
  });
  await waitFor(
    `${name} ACTIVE on ${host}`,
    async () => (await cloud.nova.getServer(s.id)).status === 'ACTIVE',
    60,
    200,
  );
  return s.id;
}

export const bootPet = (cloud: Cloud, name: string, host: string) =>
  bootServer(cloud, name, host, { HA_Enabled: 'True' });

/** The Masakari `payload.fenced` extension (core/domain/alarms/masakari.ts). */
export type Fenced = { by: string; method: (typeof CLAIMED_FENCE_METHODS)[number]; at: string };

/** The recorded host monitor notification (test/events/masakari/run1-compute-host.json) for `host`, now. */
export function hostDownNotification(
  host: string,
  fenced?: Fenced,
): { notification: { type: string; hostname: string; generated_time: string; payload: Record<string, unknown> } } {
  const n = JSON.parse(
    fs.readFileSync(path.join(ROOT, 'test', 'events', 'masakari', 'run1-compute-host.json'), 'utf8'),
  );
  n.notification.hostname = host;
  n.notification.generated_time = new Date().toISOString().replace('Z', '');
  if (fenced) n.notification.payload.fenced = fenced;
  return n;
}

type AodhTrait = [string, number, string];
/**
 * Aodh's event alarm for the deletion of `serverId` (the recorded test/events/aodh/event-webhook-2.json,
 * retargeted: its instance traits name the server, `messageId` makes it a delivery of its own).
 */
export function serverDeletedAlarm(serverId: string, messageId: string) {
  const alarm = JSON.parse(fs.readFileSync(path.join(ROOT, 'test', 'events', 'aodh', 'event-webhook-2.json'), 'utf8'));
  alarm.reason_data.event.message_id = messageId;
  alarm.reason_data.event.traits = alarm.reason_data.event.traits.map((t: AodhTrait) =>
    t[0] === 'instance_id' || t[0] === 'resource_id' ? [t[0], t[1], serverId] : t,
  );
  return alarm;
}

export const fencedNow = (by: string): Fenced => ({ by, method: 'power-off', at: new Date().toISOString() });

/**
 * What an external fencing agent does once the host is powered off (ClusterLabs fence_compute):
 * mark its compute service forced down through Nova's API, so that Nova counts it down.
 */
export async function fenceInNova(cloud: Cloud, host: string): Promise<void> {
  const [svc] = await cloud.nova.listComputeServices(host);
  if (!svc) throw new Error(`no nova-compute service on ${host}`);
  await cloud.nova.forceDown(svc.id);
}
