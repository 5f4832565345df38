/**
 * Host failure with a pet server: from the moment the host monitor reports the dead host
 * until the pet is ACTIVE on the other host. stackmend gets fence evidence in the report;
 * Masakari gets its own COMPUTE_HOST notification (the recorded shape).
 */
import axios from 'axios';
import { lab } from '../cli/lab';
import { waitFor } from '../cli/wait';
import type { Cloud } from '../core/openstack/cloud';
import { hostOf } from '../core/openstack/nova';

export async function bootPet(cloud: Cloud, name: string, host: string): Promise<string> {
  const image = await cloud.glance.findImage('fake-img');
  const s = await cloud.nova.createServer({ name, imageRef: image!.id, flavorRef: '1', availabilityZone: `nova:${host}`, metadata: { HA_Enabled: 'True' } });
  await waitFor(`${name} ACTIVE`, async () => (await cloud.nova.getServer(s.id)).status === 'ACTIVE', 60, 200);
  return s.id;
}

const activeElsewhere = (cloud: Cloud, id: string, dead: string) => async () => {
  const s = await cloud.nova.getServer(id);
  return s.status === 'ACTIVE' && hostOf(s) !== dead && !s['OS-EXT-STS:task_state'];
};

const notification = (host: string, fenced?: object) => ({
  notification: { type: 'COMPUTE_HOST', hostname: host, generated_time: new Date().toISOString().replace('Z', ''), payload: { event: 'STOPPED', host_status: 'NORMAL', cluster_status: 'OFFLINE', ...(fenced ? { fenced } : {}) } },
});

/** kill the host, report it (with fence evidence) to classify-alarm, time until the pet runs elsewhere. */
export async function stackmendEvacuation(cloud: Cloud, alarmUrl: string, pet: string, host: string): Promise<number> {
  lab(['kill-host', host], { quiet: true });
  const t0 = Date.now();
  await axios.post(alarmUrl, notification(host, { by: 'bench host monitor', method: 'power-off', at: new Date().toISOString() }));
  await waitFor('pet ACTIVE elsewhere (stackmend)', activeElsewhere(cloud, pet, host), 180, 100);
  return Date.now() - t0;
}

/** kill the host, POST the Masakari notification, time until the pet runs elsewhere. */
export async function masakariEvacuation(cloud: Cloud, pet: string, host: string): Promise<number> {
  lab(['kill-host', host], { quiet: true });
  const t0 = Date.now();
  await cloud.masakari.notify(notification(host).notification);
  await waitFor('pet ACTIVE elsewhere (Masakari)', activeElsewhere(cloud, pet, host), 300, 200);
  return Date.now() - t0;
}
