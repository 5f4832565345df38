/**
 * `npm run demo`: the main job on one machine. Lab up → serve → a Heat ResourceGroup of 3
 * servers (armed) and a pet server → delete one group member, kill the pet's host (a fencing agent
 * forces it down in Nova, as fence_compute does, then the host monitor reports it) → a readable
 * timeline as it heals → exit 0 when healthy.
 */
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import axios from 'axios';
import type { IncidentRecord } from '../core/domain/plan';
import { connectLab as connect } from '../bench/openstack/cloud';
import { loadCloudConfig } from '../core/openstack/config';
import { hostOf } from '../core/openstack/nova';
import { jsonLogger } from '../core/runtime/log';
import { arm } from '../triggers/arm';
import { parse } from './args';
import { lab } from '../bench/lab';
import { startLocalRuntime, type LocalRuntime } from './local-runtime';
import { bootPet, createGroup, fenceInNova, hostDownNotification } from '../bench/scenario';
import { formatEntry } from './timeline';
import { waitFor } from '../bench/wait';

const say = (s: string) => process.stdout.write(`${new Date().toISOString().slice(11, 23)}  ${s}\n`);

/** Prints each new timeline entry of every incident until `done` says stop. */
async function follow(
  rt: LocalRuntime,
  done: (all: IncidentRecord[]) => boolean,
  timeoutSec: number,
): Promise<IncidentRecord[]> {
  const seen = new Set<string>();
  let all: IncidentRecord[] = [];
  await waitFor(
    'the cloud to heal',
    async () => {
      all = await rt.incidents.list();
      for (const r of all)
        for (const e of r.timeline) {
          const id = `${r.key}|${e.at}|${e.step}|${e.outcome}`;
          if (!seen.has(id)) {
            seen.add(id);
            process.stdout.write(`${formatEntry(e)}\n`);
          }
        }
      return done(all);
    },
    timeoutSec,
    200,
  );
  return all;
}

export async function demo(argv: string[]): Promise<number> {
  const { values } = parse(argv, { 'keep-lab': { type: 'boolean' }, port: { type: 'string' } });
  const t0 = Date.now();
  say('1/6 lab: bringing up the real OpenStack cloud (npm run lab -- up) and cleaning it (reset)');
  lab(['up']);
  lab(['reset']);
  const cloud = connect(loadCloudConfig({ cloud: 'stackmend-lab' }));
  const stateDir = path.join('.stackmend', `demo-${Date.now()}`);
  const token = randomBytes(12).toString('hex');
  const rt = await startLocalRuntime({
    port: values.port ? Number(values.port) : 0,
    parameters: { cloud: 'stackmend-lab', state_url: `file:${stateDir}`, webhook_token: token },
    log: jsonLogger({ level: 'warn' }),
  });
  try {
    say(
      `2/6 serve: functions hosted as web actions at ${rt.url('classify-alarm').replace(/classify-alarm$/, '<function>')}`,
    );
    const stack = await createGroup(cloud, `demo-web-${Date.now() % 100000}`);
    const petId = await bootPet(cloud, 'demo-pet-db', 'compute1');
    const armed = await arm(cloud, rt.store, stack, { via: 'http', url: rt.alarmUrl });
    say(
      `3/6 armed ${stack.name}: ${armed.servers} servers, ${armed.created.length} Aodh event alarms → classify-alarm; pet server ${petId} (HA_Enabled=True) on compute1`,
    );
    const before = await cloud.heat.listServers(stack);
    await new Promise((r) => setTimeout(r, 4000)); // aodh-listener caches event alarms for a few seconds
    const victim = before.find((s) => s.resourceName === '1')!;
    say(`4/6 failure 1: deleting group member "1" (${victim.serverId}) with a real Nova DELETE`);
    await cloud.nova.deleteServer(victim.serverId);
    say("    failure 2: killing nova-compute on compute1 (the pet's host)");
    lab(['kill-host', 'compute1'], { quiet: true });
    await fenceInNova(cloud, 'compute1');
    say(
      '    the fencing agent powers compute1 off and forces it down in Nova (PUT os-services forced_down, as fence_compute does); the host monitor reports it',
    );
    await axios.post(rt.alarmUrl, hostDownNotification('compute1'));
    say('5/6 timeline (from the incident records):');
    const all = await follow(
      rt,
      (rs) => rs.filter((r) => r.status === 'resolved').length >= 2 || rs.some((r) => r.status === 'failed'),
      180,
    );
    const after = await cloud.heat.listServers(stack);
    const pet = await cloud.nova.getServer(petId);
    const replaced = after.filter((s) => !before.some((b) => b.serverId === s.serverId)).map((s) => s.resourceName);
    const healthy =
      all.every((r) => r.status !== 'failed') &&
      replaced.join() === '1' &&
      after.length === 3 &&
      pet.status === 'ACTIVE' &&
      hostOf(pet) === 'compute2';
    say(
      `6/6 result: group members replaced: [${replaced.join(', ')}] (3 servers, only "1" new); pet ${pet.status} on ${hostOf(pet)}; ${all.length} incidents: ${all.map((r) => r.status).join(', ')}`,
    );
    say(
      `    took ${((Date.now() - t0) / 1000).toFixed(1)} s in all; state and audit log in ${stateDir} (stackmend incidents --state file:${stateDir})`,
    );
    return healthy ? 0 : 1;
  } finally {
    await rt.close();
    if (!values['keep-lab']) {
      say('cleanup: reviving compute1 (npm run lab -- revive-host compute1)');
      lab(['revive-host', 'compute1'], { quiet: true });
    }
  }
}
