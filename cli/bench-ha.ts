/**
 * Fair instance HA on the real lab (`npm run bench -- --only ha`, under the lab lock): N HA servers
 * (metadata HA_Enabled=True) on compute1, then compute1's nova-compute SIGKILLed ("host death", t0).
 *   stackmend-reported  an external fencing agent forces the service down through Nova's API
 *                       (bench/scenario.ts fenceInNova), then the host monitor's report to classify-alarm
 *   masakari-tuned      the same, the report to Masakari, its wait_period_after_service_update as the lab
 *                       sets it (5 s)
 *   masakari-default    the same with Masakari's default wait (180 s; bench/masakari-wait.ts)
 *   stackmend-detected  nobody fences or reports: detect-hosts notices the stale heartbeat (policy defaults:
 *                       hostDownAfterSec 20, intervalSec 10), powers compute1's Ironic node off, forces down
 *   until every HA server is ACTIVE on another host with no task. compute3 stays disabled (a reserved
 *   host for neither), so both land on compute2 by Nova's scheduler.
 */
import { randomBytes } from 'node:crypto';
import axios from 'axios';
import type { LocalRuntime } from './local-runtime';
import { benchRuntime } from './bench-runtime';
import { isTerminal } from '../core/domain/plan';
import { loadCloudConfig } from '../core/openstack/config';
import { hostOf } from '../core/openstack/nova';
import type { HaFailure, HaRun, HaVariant } from '../bench/ha-stats';
import { lab } from '../bench/lab';
import { recoverMasakariConf, restoreMasakariWait, setMasakariWait } from '../bench/masakari-wait';
import { connectLab, type LabCloud } from '../bench/openstack/cloud';
import { fenceInNova, hostDownNotification } from '../bench/scenario';
import { softly, waitFor } from '../bench/wait';

export const MASAKARI_DEFAULT_WAIT_SEC = 180;
const DEAD = 'compute1';

export type HaOptions = {
  variants: HaVariant[];
  rounds: number;
  servers: number;
  /** no variant is started that would not end within this many ms of the start (the lab lock's hold) */
  budgetMs: number;
  say: (s: string) => void;
};

/** Rough cost of one variant, boot and reset included, to stay within the hold. */
const ESTIMATE_MS = {
  'stackmend-reported': 90_000,
  'stackmend-detected': 120_000,
  'masakari-tuned': 270_000, // 10 servers took Masakari 208 s after death at a load of 18
  'masakari-default': 270_000 + MASAKARI_DEFAULT_WAIT_SEC * 1000,
} as const satisfies Record<HaVariant, number>;
const estimateMs = (v: HaVariant) => ESTIMATE_MS[v];

async function bootPets(cloud: LabCloud, prefix: string, n: number): Promise<string[]> {
  const image = await cloud.glance.findImage('fake-img');
  if (!image) throw new Error('image fake-img is missing: run `npm run lab -- up`');
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const s = await cloud.nova.createServer({
      name: `${prefix}-${i}`,
      imageRef: image.id,
      flavorRef: '1',
      availabilityZone: `nova:${DEAD}`,
      metadata: { HA_Enabled: 'True' },
    });
    ids.push(s.id);
  }
  await waitFor(
    `${n} HA servers ACTIVE on ${DEAD}`,
    softly(async () => {
      const all = await cloud.nova.listServers({ name: `^${prefix}-` });
      const bad = all.find((s) => s.status === 'ERROR');
      if (bad) throw new Error(`${bad.name} went to ERROR while booting`);
      return all.filter((s) => s.status === 'ACTIVE' && hostOf(s) === DEAD).length === n;
    }),
    180,
    500,
  );
  return ids;
}

/** Polls Nova until every server runs elsewhere; returns ms from t0 to the first moved and to all done. */
async function untilAllElsewhere(cloud: LabCloud, prefix: string, n: number, t0: number, timeoutSec: number) {
  let firstMovedMs = NaN;
  await waitFor(
    `${n} HA servers ACTIVE off ${DEAD}`,
    softly(async () => {
      const all = await cloud.nova.listServers({ name: `^${prefix}-` });
      const moved = all.filter((s) => hostOf(s) !== DEAD);
      if (moved.length && Number.isNaN(firstMovedMs)) firstMovedMs = Date.now() - t0;
      return (
        all.length === n &&
        moved.length === n &&
        moved.every((s) => s.status === 'ACTIVE' && !s['OS-EXT-STS:task_state'])
      );
    }),
    timeoutSec,
    500,
  );
  return { ms: Date.now() - t0, firstMovedMs };
}

const runtime = (policy: Record<string, unknown>) => benchRuntime('ha', policy);

const settled = (rt: LocalRuntime) =>
  waitFor(
    'the host incident to close',
    async () => (await rt.incidents.list()).every((r) => isTerminal(r.status)),
    90,
    250,
  );

async function masakariSettled(cloud: LabCloud, uuid: string): Promise<void> {
  await waitFor(
    'the Masakari notification to finish',
    softly(async () => ['finished', 'error', 'failed'].includes((await cloud.masakari.getNotification(uuid)).status)),
    120,
    500,
  );
}

async function oneRun(
  cloud: LabCloud,
  variant: HaVariant,
  prefix: string,
  n: number,
  reported: LocalRuntime,
  tunedWaitSec: number | undefined,
): Promise<Omit<HaRun, 'round' | 'variant'>> {
  const at = new Date().toISOString();
  switch (variant) {
    case 'stackmend-reported': {
      await bootPets(cloud, prefix, n);
      lab(['kill-host', DEAD], { quiet: true });
      const t0 = Date.now();
      await fenceInNova(cloud, DEAD);
      await axios.post(reported.alarmUrl, hostDownNotification(DEAD));
      const t = await untilAllElsewhere(cloud, prefix, n, t0, 300);
      await settled(reported);
      return { at, servers: n, ...t };
    }
    case 'masakari-tuned':
    case 'masakari-default': {
      if (variant === 'masakari-default') await setMasakariWait(MASAKARI_DEFAULT_WAIT_SEC);
      else await restoreMasakariWait();
      await bootPets(cloud, prefix, n);
      lab(['kill-host', DEAD], { quiet: true });
      const t0 = Date.now();
      await fenceInNova(cloud, DEAD);
      const note = await cloud.masakari.notify(hostDownNotification(DEAD).notification);
      const t = await untilAllElsewhere(cloud, prefix, n, t0, 600);
      await masakariSettled(cloud, note.notification_uuid);
      const wait = variant === 'masakari-default' ? MASAKARI_DEFAULT_WAIT_SEC : tunedWaitSec;
      return { at, servers: n, ...t, ...(wait === undefined ? {} : { masakariWaitSec: wait }) };
    }
    case 'stackmend-detected': {
      const rt = await runtime({
        fencing: { hosts: { [DEAD]: { driver: 'ironic', node: DEAD } } },
        detectHosts: { enabled: true },
      });
      try {
        await bootPets(cloud, prefix, n);
        const t0 = Date.now();
        lab(['kill-host', DEAD], { quiet: true }); // and nobody fences or reports it
        const t = await untilAllElsewhere(cloud, prefix, n, t0, 300);
        await settled(rt);
        return { at, servers: n, ...t };
      } finally {
        await rt.close();
      }
    }
    default: {
      const unreachable: never = variant;
      throw new Error(`unknown variant ${String(unreachable)}`);
    }
  }
}

export async function instanceHa(o: HaOptions): Promise<{ runs: HaRun[]; failures: HaFailure[] }> {
  const start = Date.now();
  const invocation = new Date(start).toISOString();
  const cloud = connectLab(loadCloudConfig({ cloud: 'stackmend-lab' }));
  const tunedWaitSec = await recoverMasakariConf();
  const reported = await runtime({});
  const runs: HaRun[] = [];
  const failures: HaFailure[] = [];
  try {
    rounds: for (let round = 0; round < o.rounds; round++) {
      for (const variant of o.variants) {
        if (Date.now() - start + estimateMs(variant) > o.budgetMs) {
          o.say(`ha: ${variant} would not end within the hold's ${o.budgetMs / 60000} min: stopping`);
          break rounds;
        }
        lab(['reset'], { quiet: true });
        const prefix = `bench-ha-${variant}-${randomBytes(3).toString('hex')}`;
        try {
          const r = await oneRun(cloud, variant, prefix, o.servers, reported, tunedWaitSec);
          runs.push({ variant, round: `${invocation}#${round}`, ...r });
          o.say(
            `ha round ${round + 1} ${variant}: all ${o.servers} ACTIVE elsewhere ${r.ms} ms (first moved ${r.firstMovedMs} ms)`,
          );
        } catch (e) {
          failures.push({ variant, at: new Date().toISOString(), error: (e as Error).message });
          o.say(`ha round ${round + 1} ${variant} failed, not counted: ${(e as Error).message}`);
        }
      }
    }
  } finally {
    await reported.close();
    await restoreMasakariWait();
    lab(['reset'], { quiet: true });
  }
  return { runs, failures };
}
