/**
 * Decision overhead on the real lab (`npm run bench -- --only overhead`, under the lab lock): the time
 * from an alarm to the first OpenStack write it causes, for stackmend and for the SIG's
 * Zaqar → Mistral → Heat chain, on the same failure: a ResourceGroup member (examples/heat/group.yaml,
 * one member per stack) deleted in Nova, then the recorded Aodh alarm about it delivered (to
 * classify-alarm over HTTP; into the member's Zaqar queue, whose trust+http subscription starts the
 * Mistral execution). Both systems' first write is Heat's mark_unhealthy PATCH of the member; Heat's own
 * log (`Processing request: PATCH …/resources/0`) tells when it arrived, Mistral's log when the execution
 * started and when it sent the call (bench/oslo-log.ts); stackmend's timeline gives the request id.
 * Each system is wired to its stacks as its operators would: Mistral's by a Zaqar subscription per
 * member (bench/mistral-chain.ts), stackmend's by `stackmend arm` (triggers/arm.ts), so that
 * classify-alarm finds the member's stack in its armed index. The armed alarms' action is a Zaqar
 * queue nobody reads: Aodh's own delivery of the same deletion must not race the measured one.
 * The stacks of both systems run at the same time (the same load falls on both), each stack one
 * alarm at a time: the next member is deleted once the replacement is ACTIVE and the stack
 * UPDATE_COMPLETE.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import axios from 'axios';
import { benchRuntime } from './bench-runtime';
import { isTerminal } from '../core/domain/plan';
import { loadCloudConfig } from '../core/openstack/config';
import type { StackRef } from '../core/openstack/heat';
import { member } from '../bench/heat-replace';
import { lab } from '../bench/lab';
import { subscribeMistral, uploadWorkflow } from '../bench/mistral-chain';
import { callsFromLog, RESOURCE, summarizeOverhead, type OverheadResults, type Sent } from '../bench/overhead-stats';
import { connectLab, type LabCloud } from '../bench/openstack/cloud';
import { createGroup, serverDeletedAlarm } from '../bench/scenario';
import { reading, softly, waitFor } from '../bench/wait';
import { NotFoundError, OpenStackUnreachableError } from '../core/openstack/errors';
import { jsonLogger } from '../core/runtime/log';
import { ArmedServers } from '../core/runtime/arm/armed';
import { arm } from '../triggers/arm';

const LOGS = '/var/log/stackmend-lab';

export type { OverheadResults };
export type OverheadOptions = { alarms: number; stacks: number; budgetMs: number; say: (s: string) => void };

const logSize = (svc: string) => fs.statSync(path.join(LOGS, `${svc}.log`)).size;
function logSince(svc: string, offset: number): string {
  const file = path.join(LOGS, `${svc}.log`);
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(fs.fstatSync(fd).size - offset);
    fs.readSync(fd, buf, 0, buf.length, offset);
    return buf.toString('utf8');
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Deletes the stack's member, waits until Nova no longer has it, delivers the alarm, waits for the replacement
 * and then for `healed` of the incident the delivery started: the system's own end of its heal (stackmend's
 * incident closed, the new member re-armed; an alarm about a server not yet armed would send classify-alarm
 * through its scan of every stack, functions/_shared/reads.ts `ownersOf`).
 */
async function oneAlarm(
  cloud: LabCloud,
  stack: StackRef,
  deliver: (serverId: string) => Promise<string | undefined>,
  healed: (incident: string, newServerId: string) => Promise<boolean> = async () => true,
): Promise<{ nested: StackRef; sentMs: number; incident?: string }> {
  const m = await reading(() => member(cloud, stack, RESOURCE));
  const updatedBefore = (await reading(() => cloud.heat.getStack(stack))).updated_time;
  await cloud.nova.deleteServer(m.serverId);
  await waitFor(
    `${m.serverId} gone from Nova`,
    softly(() =>
      cloud.nova.getServer(m.serverId).then(
        () => false,
        (e) => {
          if (e instanceof NotFoundError) return true;
          throw e;
        },
      ),
    ),
    120,
    250,
  );
  const sentMs = Date.now();
  const incident = await deliver(m.serverId);
  let replacement: string | undefined;
  await waitFor(
    `${stack.name}: member ${RESOURCE} replaced`,
    softly(async () => {
      // the stack's own record first (one cheap read): the nested resources are listed once its update is done
      const s = await cloud.heat.getStack(stack);
      if (s.stack_status !== 'UPDATE_COMPLETE' || s.updated_time === updatedBefore) return false;
      const now = (await cloud.heat.listServers(stack)).find((x) => x.resourceName === RESOURCE);
      replacement = now?.serverId;
      return !!now && now.serverId !== m.serverId && (await cloud.nova.getServer(now.serverId)).status === 'ACTIVE';
    }),
    300,
    1000,
  );
  // a re-arm that Aodh missed the timeout on is tried again a minute later (core/runtime/arm/rearm.ts)
  if (incident) await waitFor(`incident ${incident} closed`, () => healed(incident, replacement!), 300, 500);
  return { nested: m.stack, sentMs, incident };
}

/** The runtime logs each of its OpenStack calls (debug) into `file`: where stackmend's own time goes. */
function runtime(file: string) {
  const out = fs.createWriteStream(file);
  const log = jsonLogger({ level: 'debug', sink: (l) => out.write(`${l}\n`) });
  return benchRuntime('overhead', { maxOpenIncidents: 1000 }, log).then((rt) =>
    Object.assign(rt, {
      calls: async () => {
        await new Promise<void>((r) => out.end(r));
        return callsFromLog(fs.readFileSync(file, 'utf8'));
      },
    }),
  );
}

export async function decisionOverhead(o: OverheadOptions): Promise<Omit<OverheadResults, 'measuredAt' | 'host'>> {
  const start = Date.now();
  const cloud = connectLab(loadCloudConfig({ cloud: 'stackmend-lab' }));
  const recorded = JSON.parse(
    fs.readFileSync(path.join(__dirname, '..', 'test', 'events', 'aodh', 'event-webhook-2.json'), 'utf8'),
  );
  const heatOffset = logSize('heat-api');
  const mistralOffset = logSize('mistral');
  const rt = await runtime(path.join(os.tmpdir(), `sm-bench-overhead-${process.pid}-${start}.jsonl`));
  const sent: Sent[] = [];
  try {
    await uploadWorkflow(cloud);
    const tag = randomBytes(3).toString('hex');
    const make = (system: Sent['system'], i: number) => createGroup(cloud, `bench-oh-${system}-${tag}-${i}`, 1);
    const stacks: [StackRef, StackRef][] = [];
    for (let i = 0; i < o.stacks; i++) stacks.push([await make('stackmend', i), await make('mistral', i)]); // one at a time: heat-api times out on a dozen at once
    for (const [sm] of stacks) await arm(cloud, rt.store, sm, { via: 'zaqar', queue: `bench-oh-${tag}-unread` });
    // Mistral's wiring, like stackmend's, before the first alarm: one queue per member's nested stack, which
    // stays the group's own as members are replaced
    const armed = new ArmedServers(rt.store);
    const queues = new Map<string, string>();
    for (const [, mc] of stacks)
      queues.set(
        mc.id,
        await subscribeMistral(
          cloud,
          mc,
          await reading(() => member(cloud, mc, RESOURCE)),
          `oh-${tag}-${mc.name.slice(-3)}`,
        ),
      );
    const perStack = Math.ceil(o.alarms / o.stacks);
    const failures: string[] = [];
    const chain = (system: Sent['system'], stack: StackRef) =>
      run(system, stack).catch((e) => {
        failures.push(`${stack.name}: ${(e as Error).message}`);
        o.say(`overhead: ${stack.name} stopped: ${(e as Error).message}`);
      });
    const run = async (system: Sent['system'], stack: StackRef) => {
      for (let j = 0; j < perStack; j++) {
        if (Date.now() - start > o.budgetMs - 90_000) return; // room for the last replacements and the reset
        const r = await oneAlarm(
          cloud,
          stack,
          async (serverId) => {
            if (system === 'mistral') {
              // a post that missed the timeout may have been queued all the same: the wait for the replacement
              // tells (not sent again: a second message would start a second execution)
              await cloud.zaqar.post(queues.get(stack.id)!, [{ body: recorded }]).catch((e) => {
                if (!(e instanceof OpenStackUnreachableError)) throw e;
                o.say(`overhead: ${stack.name}: Zaqar missed the timeout on the post (${(e as Error).message})`);
              });
              return undefined;
            }
            // one message id per delivery: the chains run at once, so a shared counter would repeat ids (DUPLICATE)
            const res = await axios.post(rt.alarmUrl, serverDeletedAlarm(serverId, `${stack.name}-${j}`), {
              validateStatus: () => true,
            });
            const { outcome, incident } = res.data as { outcome: string; incident: string };
            if (res.status >= 300 || outcome === 'DUPLICATE' || outcome === 'NOT_MANAGED' || outcome === 'IGNORED')
              throw new Error(`classify-alarm answered ${res.status} for ${serverId}: ${JSON.stringify(res.data)}`);
            return incident;
          },
          async (incident, replacement) => {
            const r = await rt.incidents.get(incident);
            return !!r && isTerminal(r.status) && !!(await armed.owner(replacement));
          },
        );
        sent.push({ system, stack, ...r });
        if (sent.length % 20 === 0) o.say(`overhead: ${sent.length} alarms delivered`);
      }
    };
    await Promise.all(stacks.flatMap(([sm, mc]) => [chain('stackmend', sm), chain('mistral', mc)]));
    await waitFor(
      'stackmend incidents closed',
      async () => (await rt.incidents.list()).every((r) => isTerminal(r.status)),
      120,
      500,
    ).catch((e) => o.say(`overhead: ${(e as Error).message}`));
    const summary = summarizeOverhead(
      sent,
      await rt.incidents.list(),
      logSince('heat-api', heatOffset),
      logSince('mistral', mistralOffset),
      o.stacks,
      await rt.calls(),
    );
    const deliveries = sent.map((x) => ({
      system: x.system,
      nested: `${x.nested.name}/${x.nested.id}`,
      sentMs: x.sentMs,
      ...(x.incident ? { incident: x.incident } : {}),
    }));
    return { ...summary, failures, deliveries };
  } finally {
    await rt.close();
    lab(['reset'], { quiet: true }); // the stacks, queues, subscriptions and their trusts
  }
}
