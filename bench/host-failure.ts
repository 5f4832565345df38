/**
 * Host failure with a pet server: from the moment the host monitor reports the dead host
 * until the pet is ACTIVE on the other host. For stackmend a fencing agent forces the host down in
 * Nova (fence_compute's way) before the host monitor reports it; Masakari gets its own COMPUTE_HOST
 * notification (the recorded shape) after the same fencing agent forced the host down.
 */
import axios from 'axios';
import { lab } from './lab';
import { fenceInNova, hostDownNotification } from './scenario';
import { waitFor } from './wait';
import type { LabCloud as Cloud } from './openstack/cloud';
import { hostOf } from '../core/openstack/nova';

const activeElsewhere = (cloud: Cloud, id: string, dead: string) => async () => {
  const s = await cloud.nova.getServer(id);
  return s.status === 'ACTIVE' && hostOf(s) !== dead && !s['OS-EXT-STS:task_state'];
};

/** kill the host, force it down in Nova, report it to classify-alarm, time until the pet runs elsewhere. */
export async function stackmendEvacuation(cloud: Cloud, alarmUrl: string, pet: string, host: string): Promise<number> {
  lab(['kill-host', host], { quiet: true });
  const t0 = Date.now();
  await fenceInNova(cloud, host);
  await axios.post(alarmUrl, hostDownNotification(host));
  await waitFor('pet ACTIVE elsewhere (stackmend)', activeElsewhere(cloud, pet, host), 180, 100);
  return Date.now() - t0;
}

/**
 * The same failure for Masakari: kill the host, force it down in Nova (so Masakari's disable call does
 * not wait out Nova's RPC timeout), POST the Masakari notification, time until the pet runs elsewhere.
 */
export async function masakariEvacuation(cloud: Cloud, pet: string, host: string): Promise<number> {
  lab(['kill-host', host], { quiet: true });
  const t0 = Date.now();
  await fenceInNova(cloud, host);
  await cloud.masakari.notify(hostDownNotification(host).notification);
  await waitFor('pet ACTIVE elsewhere (Masakari)', activeElsewhere(cloud, pet, host), 300, 200);
  return Date.now() - t0;
}
