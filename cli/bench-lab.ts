/**
 * The lab part of `npm run bench` (run it under /tmp/stackmend-lab.lock): on the real lab, same
 * scenarios, measured from the cloud's point of view.
 *   1. member replacement: stackmend vs the Aodh → Zaqar → Mistral → Heat chain
 *   2. duplicate delivery: how many remediations N identical alarms start
 *   3. host failure with a pet: stackmend (the host forced down in Nova by a fencing agent) vs Masakari
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import axios from 'axios';
import { createGroup, deleteAndTimeReplacement, member, type ReplacementTiming } from '../bench/heat-replace';
import { masakariEvacuation, stackmendEvacuation } from '../bench/host-failure';
import { bootPet, serverDeletedAlarm } from '../bench/scenario';
import { executionsSince, uploadWorkflow, waitExecutions, wireMember } from '../bench/mistral-chain';
import { ratios, summarize } from '../bench/stats';
import { isTerminal } from '../core/domain/plan';
import { connectLab as connect } from '../bench/openstack/cloud';
import { loadCloudConfig } from '../core/openstack/config';
import { jsonLogger } from '../core/runtime/log';
import { arm } from '../triggers/arm';
import { lab } from '../bench/lab';
import { startLocalRuntime } from './local-runtime';
import { waitFor } from '../bench/wait';

const AODH_CACHE_MS = 4500;
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

export type LabOptions = { runs: number; masakariRuns: number; say: (s: string) => void };

export async function labSuite({ runs, masakariRuns, say }: LabOptions): Promise<Record<string, unknown>> {
  const results: Record<string, unknown> = {};
  say('lab up + reset');
  lab(['up'], { quiet: true });
  lab(['reset'], { quiet: true });
  const masakariEnv = fs.existsSync('/var/lib/stackmend-lab/masakari.env')
    ? fs.readFileSync('/var/lib/stackmend-lab/masakari.env', 'utf8').trim()
    : 'unknown';
  results.masakariConfig = masakariEnv
    .split('\n')
    .filter((l) => l.startsWith('MASAKARI') || l.startsWith('NOVA_SERVICE_DOWN'))
    .join(', ');
  const cloud = connect(loadCloudConfig({ cloud: 'stackmend-lab' }));
  const token = randomBytes(8).toString('hex');
  const rt = await startLocalRuntime({
    port: 0,
    parameters: {
      cloud: 'stackmend-lab',
      state_url: `file:${fs.mkdtempSync(path.join(os.tmpdir(), 'sm-bench-'))}`,
      webhook_token: token,
      policy: { repeatThreshold: 1000 } /* the bench fails the same host on purpose */,
    },
    log: jsonLogger({ level: 'error' }),
    tickSec: 0.25,
  });
  try {
    // 1. member replacement
    const sm = await createGroup(cloud, 'bench-stackmend');
    await arm(cloud, rt.store, sm, { via: 'http', url: rt.alarmUrl });
    const smRuns: ReplacementTiming[] = [];
    for (let i = 0; i < runs; i++) {
      await pause(AODH_CACHE_MS);
      smRuns.push(await deleteAndTimeReplacement(cloud, sm, await member(cloud, sm, String(i % 3))));
      say(`stackmend replacement run ${i + 1}: ${JSON.stringify(smRuns[i])}`);
    }
    await uploadWorkflow(cloud);
    const mc = await createGroup(cloud, 'bench-mistral');
    const mcRuns: ReplacementTiming[] = [];
    for (let i = 0; i < runs; i++) {
      await wireMember(cloud, mc, await member(cloud, mc, String(i % 3)), `${Date.now() % 100000}-${i}`);
      await pause(AODH_CACHE_MS);
      mcRuns.push(await deleteAndTimeReplacement(cloud, mc, await member(cloud, mc, String(i % 3))));
      say(`Mistral chain replacement run ${i + 1}: ${JSON.stringify(mcRuns[i])}`);
    }
    results.replace = {
      stackmend: summarize(smRuns.map((r) => r.totalMs)),
      mistralChain: summarize(mcRuns.map((r) => r.totalMs)),
    };
    results.repairStarted = {
      stackmend: summarize(smRuns.map((r) => r.startedMs)),
      mistralChain: summarize(mcRuns.map((r) => r.startedMs)),
    };

    // 2. duplicate delivery: the recorded Aodh alarm, 5 times into the chain's queue / 20 times to stackmend
    const recorded = JSON.parse(
      fs.readFileSync(path.join(__dirname, '..', 'test', 'events', 'aodh', 'event-webhook-2.json'), 'utf8'),
    );
    const m = await member(cloud, mc, '0');
    const queue = await wireMember(cloud, mc, m, `dup-${Date.now() % 100000}`);
    const since = Date.now();
    for (let i = 0; i < 5; i++) await cloud.zaqar.post(queue, [{ body: recorded }]);
    await waitExecutions(cloud, since, 5, 60).catch(() => undefined);
    const mistralExecs = await executionsSince(cloud, since);
    await waitFor(
      'bench-mistral settled',
      async () => !(await cloud.heat.getStack(mc)).stack_status.endsWith('IN_PROGRESS'),
      120,
      500,
    );
    const dupVictim = await member(cloud, sm, '1');
    const alarm = serverDeletedAlarm(dupVictim.serverId, `bench-dup-${Date.now()}`);
    const forVictim = async () =>
      (await rt.incidents.list()).filter(
        (r) => r.incident.subject.type === 'server' && r.incident.subject.serverId === dupVictim.serverId,
      );
    await pause(AODH_CACHE_MS);
    await cloud.nova.deleteServer(dupVictim.serverId); // the real Aodh alarm fires too: 21 deliveries about one failure
    await waitFor(
      'the member gone from Nova',
      async () =>
        cloud.nova.getServer(dupVictim.serverId).then(
          () => false,
          () => true,
        ),
      60,
      100,
    );
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => axios.post(rt.alarmUrl, alarm, { validateStatus: () => true })),
    );
    await waitFor(
      'the member replaced',
      async () => (await forVictim()).some((r) => r.status === 'resolved' || r.status === 'failed'),
      120,
      250,
    );
    await pause(2000); // let the real Aodh alarm arrive too
    const outcomes = answers.map((a) => a.data.outcome as string);
    results.duplicates = {
      mistralChain: {
        delivered: 5,
        executionsStarted: mistralExecs,
        finalStackStatus: (await cloud.heat.getStack(mc)).stack_status,
      },
      stackmend: {
        delivered: '20 copies + the real Aodh alarm',
        remediations: (await forVictim()).filter((r) => r.decision?.verdict === 'replace').length,
        stackUpdates: (await forVictim())
          .flatMap((r) => r.timeline)
          .filter((e) => e.step === 'stack-update' && e.outcome === 'DISPATCHED').length,
        dispatched: outcomes.filter((o) => o === 'DISPATCHED').length,
        duplicate: outcomes.filter((o) => o === 'DUPLICATE').length,
        grouped: outcomes.filter((o) => o === 'GROUPED').length,
      },
    };
    say(`duplicates: ${JSON.stringify(results.duplicates)}`);

    // 3. host failure with a pet: the same failure for both (killed, forced down in Nova by the fencing
    // agent, then reported), interleaved stackmend, Masakari, stackmend, … (--masakari-runs pairs at most)
    const evac: number[] = [];
    const masa: number[] = [];
    for (let i = 0; i < Math.max(runs, masakariRuns); i++) {
      if (i < runs) {
        lab(['reset'], { quiet: true });
        const pet = await bootPet(cloud, `bench-pet-${i}`, 'compute1');
        evac.push(await stackmendEvacuation(cloud, rt.alarmUrl, pet, 'compute1'));
        say(`stackmend evacuation run ${i + 1}: ${evac[i]} ms`);
        await waitFor(
          'the host incident to close',
          async () => (await rt.incidents.list()).every((r) => isTerminal(r.status)),
          60,
          250,
        );
        lab(['revive-host', 'compute1'], { quiet: true });
      }
      if (i < masakariRuns) {
        lab(['reset'], { quiet: true });
        const pet = await bootPet(cloud, `bench-masakari-pet-${i}`, 'compute1');
        masa.push(await masakariEvacuation(cloud, pet, 'compute1'));
        say(`Masakari evacuation run ${i + 1}: ${masa[i]} ms`);
        lab(['revive-host', 'compute1'], { quiet: true });
      }
    }
    results.evacuateRatio = ratios(masa, evac);
    results.evacuate = { stackmend: summarize(evac), masakari: summarize(masa) };
  } finally {
    await rt.close();
    lab(['reset'], { quiet: true });
  }
  return results;
}
