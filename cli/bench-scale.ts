/**
 * The scale run on the real lab (`npm run bench -- --only scale`, under the lab lock, one hold):
 * a Heat ResourceGroup of cattle (examples/heat/group.yaml) and HA pets (Nova multi-create, metadata
 * HA_Enabled=True), all on compute1; then compute1's nova-compute SIGKILLed, forced down by the fencing
 * agent through Nova's API and reported to classify-alarm (the same failure as cli/bench-ha.ts).
 * Measured: host death → every pet ACTIVE on another host, → every cattle member replaced (stack
 * UPDATE_COMPLETE, no member left on compute1, all ACTIVE); stackmend's OpenStack calls (counted from
 * core/openstack/http.ts's log lines, cli/metrics.ts CloudCallCounter); the file state store's peak size;
 * the incident's timeline (where the time goes). Booting stops where the hold's budget would be
 * exceeded; everything booted is deleted again.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import axios from 'axios';
import { benchRuntime, type BenchRuntime } from './bench-runtime';
import { CloudCallCounter } from './metrics';
import { epochMsOf } from '../core/domain/clock';
import { isTerminal, type IncidentRecord } from '../core/domain/plan';
import { openConnection } from '../core/openstack/cloud';
import type { ServiceHttp } from '../core/openstack/http';
import { loadCloudConfig } from '../core/openstack/config';
import type { StackRef } from '../core/openstack/heat';
import { hostOf, novaHeaders } from '../core/openstack/nova';
import { jsonLogger } from '../core/runtime/log';
import { lab } from '../bench/lab';
import { labClientsOn, type LabCloud } from '../bench/openstack/cloud';
import { batchedGroupTemplate, fenceInNova, hostDownNotification } from '../bench/scenario';
import type { ScaleResults } from '../bench/scale-stats';
import { softly, waitFor } from '../bench/wait';
import { BadRequestError, OpenStackUnreachableError } from '../core/openstack/errors';

const DEAD = 'compute1';
const BATCH = 10; // nova-api missed its 10 s answer to a multi-create of 50 at a load of 20
const WAVE = 40;
const WAVE_WAIT_MS = 180_000;

export type { ScaleResults };
export type ScaleOptions = {
  pets: number;
  cattle: number;
  /** servers on compute2 besides (not HA, never moved): the cloud's size */
  others: number;
  /** after stackmend's recovery: the same host failure, of the host the pets moved to, reported to Masakari */
  masakari: boolean;
  budgetMs: number;
  say: (s: string) => void;
};

function dirSize(dir: string): { bytes: number; files: number } {
  let bytes = 0;
  let files = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      const s = dirSize(p);
      bytes += s.bytes;
      files += s.files;
    } else {
      try {
        bytes += fs.statSync(p).size;
        files++;
      } catch {
        // written and renamed away between the listing and the stat
      }
    }
  }
  return { bytes, files };
}

const allServers = async (cloud: LabCloud) => (await cloud.nova.listServers({ allTenants: true })).length;

export async function scaleRun(o: ScaleOptions): Promise<Omit<ScaleResults, 'measuredAt' | 'host'>> {
  const start = Date.now();
  const left = () => o.budgetMs - (Date.now() - start);
  const config = loadCloudConfig({ cloud: 'stackmend-lab' });
  const conn = openConnection(config);
  const cloud = labClientsOn(conn);
  const novaRaw = conn.http('nova', 'compute', novaHeaders());
  const tag = randomBytes(3).toString('hex');
  const runPrefix = `bench-scale-${tag}`; // every server this run boots: pets and others
  const petPrefix = `${runPrefix}-pet`;
  const serversBefore = await allServers(cloud);
  const counter = new CloudCallCounter();
  const rt = await benchRuntime('scale', { maxOpenIncidents: 1000 }, counter.observe(jsonLogger({ level: 'error' })));
  const stateDir = rt.stateDir;
  let stack: StackRef | undefined;
  let peak = { bytes: 0, files: 0 };
  const sample = setInterval(() => {
    const s = dirSize(stateDir);
    if (s.bytes > peak.bytes) peak = s;
  }, 1000);
  let limitedBy = 'nothing: every server asked for booted';
  const onHost = { pets: 0, cattle: 0 };
  let recovery: ScaleResults['recovery'];
  let bootMs = NaN;
  let serversAtDeath = NaN;
  try {
    // 1. boot: the stack and the pets at the same time
    const image = await cloud.glance.findImage('fake-img');
    if (!image) throw new Error('image fake-img is missing: run `npm run lab -- up`');
    const t0 = Date.now();
    const boot = (prefix: string, count: number, host: string, metadata: Record<string, string>) =>
      bootInWaves(cloud, novaRaw, image.id, { prefix, count, host, metadata }, () => left() > 6 * 60_000, o.say);
    const posted = await boot(petPrefix, o.pets, DEAD, { HA_Enabled: 'True' });
    // the rest of the cloud: servers on compute2 that nothing here moves (Nova's lists grow with them)
    const othersPosted = o.others ? await boot(`${runPrefix}-other`, o.others, 'compute2', {}) : 0;
    // the cattle last, by the scheduler (az `nova`, not pinned: Heat's replacements must be free to land
    // elsewhere), WAVE at a time (the group's batch_create), with compute2 disabled meanwhile so
    // that it places them all on compute1
    const [compute2] = await cloud.nova.listComputeServices('compute2');
    const placing = o.cattle ? compute2 : undefined;
    if (placing) await cloud.nova.disableService(placing.id, 'stackmend bench: cattle boot on compute1');
    stack = o.cattle
      ? await cloud.heat.createStack(
          `bench-scale-cattle-${tag}`,
          batchedGroupTemplate(WAVE),
          { count: o.cattle, az: 'nova' },
          // 150 members took longer than the default 10 min to create on the lab (Heat: "Timed out")
          60,
        )
      : undefined;
    const bootBudget = Math.max(90_000, left() - 6 * 60_000);
    const booted = async () => {
      const mine = (await cloud.nova.listServers({ name: `^${runPrefix}-` })).filter((s) => s.status === 'ACTIVE');
      const pets = mine.filter((s) => s.name.startsWith(`${petPrefix}-`) && hostOf(s) === DEAD).length;
      const others = mine.filter((s) => s.name.startsWith(`${runPrefix}-other-`)).length;
      const st = stack ? (await cloud.heat.getStack(stack)).stack_status : 'CREATE_COMPLETE';
      if (st.endsWith('FAILED')) throw new Error(`the cattle stack went ${st}`);
      return { pets, others, stackDone: st === 'CREATE_COMPLETE' };
    };
    let last = { pets: 0, others: 0, stackDone: false };
    let said = 0;
    await waitFor(
      'the scale run booted',
      softly(async () => {
        last = await booted();
        if (Date.now() - said > 30_000) {
          said = Date.now();
          o.say(
            `scale: ${last.pets}/${posted} pets, ${last.others}/${othersPosted} others ACTIVE, cattle stack ${last.stackDone ? 'complete' : 'creating'}`,
          );
        }
        return (last.pets >= posted && last.others >= othersPosted && last.stackDone) || Date.now() - t0 > bootBudget;
      }),
      bootBudget / 1000 + 60,
      3000,
    );
    bootMs = Date.now() - t0;
    if (placing) await cloud.nova.enableService(placing.id);
    serversAtDeath = await allServers(cloud);
    onHost.pets = last.pets;
    onHost.cattle = stack && last.stackDone ? o.cattle : 0;
    if (onHost.pets < o.pets || (stack && !last.stackDone))
      limitedBy = `the hold: after ${Math.round(bootMs / 1000)} s ${onHost.pets} of ${o.pets} pets ACTIVE, the cattle stack ${last.stackDone ? 'complete' : 'not complete'}`;
    o.say(`scale: booted ${onHost.pets} pets + ${onHost.cattle} cattle on ${DEAD} in ${bootMs} ms (${limitedBy})`);
    // Heat cannot update a stack still creating: then nothing is killed and the run says so
    if (!stack || last.stackDone) recovery = await killAndMeasure(cloud, rt, stack, petPrefix, onHost, left, o.say);
  } catch (e) {
    limitedBy = `${limitedBy}; the run stopped: ${(e as Error).message}`;
    o.say(`scale: stopped: ${(e as Error).message}`);
  } finally {
    clearInterval(sample);
    await rt.close();
  }
  // 2. Masakari, on the same pets, once stackmend no longer runs
  let masakari: ScaleResults['masakari'];
  if (o.masakari && recovery && !Number.isNaN(recovery.petsActiveMs) && left() > 5 * 60_000)
    masakari = await masakariAtScale(cloud, petPrefix, left, o.say).catch((e) => {
      o.say(`scale: the Masakari run stopped: ${(e as Error).message}`);
      return { error: (e as Error).message };
    });
  // 3. clean up: the stack (Heat deletes its members), the servers booted here, then the lab's reset
  const c0 = Date.now();
  if (stack) await cloud.heat.deleteStack(stack).catch(() => undefined);
  const ours = await cloud.nova.listServers({ name: `^${runPrefix}-` }).catch(() => []);
  for (let i = 0; i < ours.length; i += 10)
    await Promise.all(ours.slice(i, i + 10).map((s) => cloud.nova.deleteServer(s.id).catch(() => undefined)));
  // a reset that fails (a 100-member stack Heat could not delete) must not lose what was measured
  try {
    lab(['reset'], { quiet: true });
  } catch (e) {
    const why = (e as Error).message.slice(0, 200);
    limitedBy = `${limitedBy}; the clean-up failed: ${why}`;
    o.say(`scale: the lab's reset failed (run \`npm run lab -- reset\` again): ${why}`);
  }
  const serversAfter = await allServers(cloud);
  const calls = Object.fromEntries([...counter.counts].map(([k, v]) => [(JSON.parse(k) as string[]).join(' '), v]));
  return {
    asked: { pets: o.pets, cattle: o.cattle, others: o.others },
    onHost,
    bootMs,
    limitedBy,
    ...(recovery ? { recovery } : {}),
    ...(masakari ? { masakari } : {}),
    cloudCalls: calls,
    cloudCallsTotal: Object.values(calls).reduce((a, b) => a + b, 0),
    stateStore: { peakBytes: peak.bytes, peakFiles: peak.files },
    cleanupMs: Date.now() - c0,
    serversBefore,
    serversAtDeath,
    serversAfter,
  };
}

/** Kills compute1, fences it in Nova, reports it; polls until the pets run elsewhere and the cattle are replaced. */
async function killAndMeasure(
  cloud: LabCloud,
  rt: BenchRuntime,
  stack: StackRef | undefined,
  petPrefix: string,
  onHost: { pets: number; cattle: number },
  left: () => number,
  say: (s: string) => void,
): Promise<NonNullable<ScaleResults['recovery']>> {
  // the host dies
  lab(['kill-host', DEAD], { quiet: true });
  const death = Date.now();
  await fenceInNova(cloud, DEAD);
  await axios.post(rt.alarmUrl, hostDownNotification(DEAD));
  let petsActiveMs = NaN;
  let cattleReplacedMs = onHost.cattle ? NaN : 0;
  await waitFor(
    'pets ACTIVE elsewhere and cattle replaced',
    softly(async () => {
      if (Number.isNaN(petsActiveMs)) {
        const pets = await cloud.nova.listServers({ name: `^${petPrefix}-` });
        const moved = pets.filter((s) => hostOf(s) !== DEAD && s.status === 'ACTIVE' && !s['OS-EXT-STS:task_state']);
        if (pets.length === onHost.pets && moved.length === onHost.pets) petsActiveMs = Date.now() - death;
      }
      if (Number.isNaN(cattleReplacedMs) && stack) {
        const st = await cloud.heat.getStack(stack);
        if (st.stack_status === 'UPDATE_COMPLETE') {
          const members = await cloud.heat.listServers(stack);
          const servers = await cloud.nova.listServers({ name: '^web-' });
          const byId = new Map(servers.map((s) => [s.id, s]));
          const ok = members.every((m) => {
            const s = byId.get(m.serverId);
            return s && s.status === 'ACTIVE' && hostOf(s) !== DEAD;
          });
          if (ok && members.length === onHost.cattle) cattleReplacedMs = Date.now() - death;
        }
      }
      return !Number.isNaN(petsActiveMs) && !Number.isNaN(cattleReplacedMs);
    }),
    Math.max(60, (left() - 90_000) / 1000),
    2000,
  ).catch((e) => say(`scale: ${(e as Error).message}`));
  await waitFor(
    'the incident closed',
    async () => (await rt.incidents.list()).every((r) => isTerminal(r.status)),
    30,
    500,
  ).catch(() => undefined);
  const r: IncidentRecord | undefined = (await rt.incidents.list())[0];
  const rel = (iso: string) => (epochMsOf(iso) ?? NaN) - death;
  const recovery = {
    petsActiveMs,
    cattleReplacedMs,
    incidentMs: r ? rel(r.createdAt) : NaN,
    timeline: (r?.timeline ?? []).map((e) => ({
      ms: rel(e.at),
      step: e.step,
      outcome: e.outcome,
      reason: e.reason.slice(0, 160),
    })),
    status: r?.status ?? 'none',
  };
  say(`scale: pets ACTIVE elsewhere ${petsActiveMs} ms, cattle replaced ${cattleReplacedMs} ms`);
  return recovery;
}

/**
 * Masakari at scale, on the pets stackmend moved: compute1 back in service (its nova-compute started
 * again, then un-forced and enabled), then the host that holds the pets now killed, forced down by the same
 * fencing agent and reported to Masakari (segment lab-seg, recovery method auto; the lab's
 * evacuate_all_instances = false, so the pets — HA_Enabled — are what it moves). Timed until every one
 * of them is ACTIVE on another host, or until the hold ends (then how many moved).
 */
async function masakariAtScale(
  cloud: LabCloud,
  petPrefix: string,
  left: () => number,
  say: (s: string) => void,
): Promise<NonNullable<ScaleResults['masakari']>> {
  const [svc] = await cloud.nova.listComputeServices(DEAD);
  if (!svc) throw new Error(`no nova-compute service on ${DEAD}`);
  // nova-compute first: Nova refuses to un-force a host (400) while its evacuations are `done`, not yet
  // `completed` by the host's own nova-compute on start-up
  lab(['revive-host', DEAD], { quiet: true });
  await waitFor(
    `Nova to un-force ${DEAD} once its nova-compute completed the evacuation records`,
    softly(() =>
      cloud.nova.unforceDown(svc.id).then(
        () => true,
        (e) => {
          if (e instanceof BadRequestError) return false;
          throw e;
        },
      ),
    ),
    300,
    2000,
  );
  await cloud.nova.enableService(svc.id);
  const pets = await cloud.nova.listServers({ name: `^${petPrefix}-` });
  const perHost = new Map<string, string[]>();
  for (const p of pets) {
    const host = hostOf(p) ?? '';
    const there = perHost.get(host) ?? [];
    there.push(p.id);
    perHost.set(host, there);
  }
  const [victim, ids] = [...perHost].sort((a, b) => b[1].length - a[1].length)[0] ?? ['', []];
  if (!victim || victim === DEAD) throw new Error(`the pets are not on another host (${[...perHost.keys()]})`);
  lab(['kill-host', victim], { quiet: true });
  const death = Date.now();
  await fenceInNova(cloud, victim);
  const note = await cloud.masakari.notify(hostDownNotification(victim).notification);
  const mine = new Set(ids);
  let moved = 0;
  let petsActiveMs = NaN;
  await waitFor(
    `Masakari: ${ids.length} pets ACTIVE off ${victim}`,
    softly(async () => {
      const now = (await cloud.nova.listServers({ name: `^${petPrefix}-` })).filter((x) => mine.has(x.id));
      moved = now.filter((x) => hostOf(x) !== victim && x.status === 'ACTIVE' && !x['OS-EXT-STS:task_state']).length;
      if (moved === ids.length) petsActiveMs = Date.now() - death;
      return moved === ids.length;
    }),
    Math.max(60, (left() - 120_000) / 1000),
    2000,
  ).catch((e) => say(`scale: ${(e as Error).message} (${moved} moved)`));
  const status = await cloud.masakari.getNotification(note.notification_uuid).then(
    (n) => n.status,
    () => 'unknown',
  );
  say(
    `scale: Masakari moved ${moved} of ${ids.length} pets off ${victim} in ${petsActiveMs} ms (notification ${status})`,
  );
  return { host: victim, pets: ids.length, moved, petsActiveMs, notificationStatus: status };
}

/**
 * Boots `count` servers on `host` by Nova multi-create, BATCH per request and WAVE per wave: each wave
 * is waited for (every server of the prefix ACTIVE or ERROR, or WAVE_WAIT_MS) before the next is posted,
 * while `more()`. Asked all at once, 320 servers left 275 in BUILD without a host after 450 s (the lab's
 * one scheduler and conductor); 40 at a time boot in about 20 s. Returns the number Nova accepted.
 */
async function bootInWaves(
  cloud: LabCloud,
  nova: ServiceHttp,
  imageRef: string,
  o: { prefix: string; count: number; host: string; metadata: Record<string, string> },
  more: () => boolean,
  say: (s: string) => void,
): Promise<number> {
  let posted = 0;
  for (let n = 0; n < o.count && more(); n += BATCH) {
    const k = Math.min(BATCH, o.count - n);
    const accepted = await nova
      .post('servers', {
        server: {
          name: `${o.prefix}-${n / BATCH}`,
          imageRef,
          flavorRef: '1',
          networks: 'none',
          availability_zone: `nova:${o.host}`,
          metadata: o.metadata,
          min_count: k,
          max_count: k,
        },
      })
      .then(
        () => true,
        (e) => {
          if (!(e instanceof OpenStackUnreachableError)) throw e;
          say(`scale: a multi-create of ${k} was not answered in time (Nova may still boot them)`);
          return false;
        },
      );
    if (accepted) posted += k;
    const waveEnds = (n + k) % WAVE === 0 || n + k >= o.count;
    if (!waveEnds) continue;
    const t = Date.now();
    await waitFor(
      `wave of ${o.prefix} up to ${posted}`,
      softly(async () => {
        const done = (await cloud.nova.listServers({ name: `^${o.prefix}-` })).filter(
          (s) => s.status === 'ACTIVE' || s.status === 'ERROR',
        ).length;
        return done >= posted;
      }),
      WAVE_WAIT_MS / 1000,
      2000,
    ).catch(() => say(`scale: a wave of ${o.prefix} was not all ACTIVE in ${WAVE_WAIT_MS / 1000} s; going on`));
    say(`scale: ${posted}/${o.count} ${o.host === DEAD ? 'pets' : 'others'} posted, wave done in ${Date.now() - t} ms`);
  }
  return posted;
}
