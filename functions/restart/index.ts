/**
 * restart — a pet server that stopped or went to ERROR on its own climbs the policy's escalation ladder
 * (core/policy/recovery.ts), one call per invocation, re-checked through the due queue (no sleeping):
 * - restart: Masakari's VM recovery (masakari/engine/drivers/taskflow/instance_failure.py): a resized
 *   server is reset to active, a server not stopped is stopped (Nova stops ACTIVE and ERROR servers), a
 *   stopped one is started, and Nova must report it ACTIVE within the rung's timeout;
 * - evacuate: only when Nova reports the server's host down: the plan becomes an evacuation of that server
 *   and the evacuate step carries it out with its own host checks; a host that is up skips the rung;
 * - human: held, the operator paged.
 * Each rung's start and outcome is in the timeline. A process target calls the policy's restart hook once.
 */
import * as z from 'zod';
import { restartKey, type RestartTarget } from '../../core/domain/pipeline';
import type { IncidentRecord, RestartRun } from '../../core/domain/plan';
import { ConflictError, NotFoundError } from '../../core/openstack/errors';
import { hostOf, type Server } from '../../core/openstack/nova';
import { hostLiveness } from '../../core/policy/host-liveness';
import { rungTimeoutSec } from '../../core/policy/recovery';
import type { Deps } from '../_shared/deps';
import { alreadyOver, reschedule, resolveIfFinished } from '../_shared/progress';
import { defineStep, type StepResult } from '../_shared/step';
import { callRestartHook } from './hook';
import { describeRung, rungOf, timedOut } from './ladder';

type ServerTarget = Extract<RestartTarget, { kind: 'server' }>;
const STEP = 'restart' as const;

export const step = defineStep({
  name: STEP,
  input: z.object({ incident: z.string().min(1) }),
  async run({ incident }, { deps: d }): Promise<StepResult[]> {
    const r = await d.incidents.require(incident);
    const over = alreadyOver(r, STEP);
    if (over) return over;
    if (r.plan?.action === 'evacuate' && r.restart) return watchEvacuation(d, r, r.restart);
    if (r.plan?.action !== 'restart' || r.status === 'held')
      return [{ outcome: 'DONE', incident, reason: `incident ${r.status}, no restart to carry out` }];
    const target = r.plan.target;
    if (target.kind === 'process') return callHook(d, r, target);
    const run = r.restart ?? { rung: 0, phase: 'pending', since: new Date(d.now()).toISOString() };
    if (rungOf(d.policy, run)?.rung === 'restart') return restartRung(d, r, target, run);
    return climb(d, r, target, run.rung - 1, 'the ladder starts here');
  },
});

/** One look at the server, one write at most: stop, start, or nothing while Nova is busy with it. */
async function restartRung(d: Deps, r: IncidentRecord, t: ServerTarget, run: RestartRun): Promise<StepResult[]> {
  const index = run.rung;
  let s: Server;
  try {
    s = await d.cloud().nova.getServer(t.serverId);
  } catch (e) {
    if (!(e instanceof NotFoundError)) throw e;
    return end(d, r, t, 'failed', `server ${t.serverId} is gone from Nova: nothing to restart`);
  }
  const state = `${s.status}${s['OS-EXT-STS:task_state'] ? ` (${s['OS-EXT-STS:task_state']})` : ''}`;
  if (timedOut(d.policy, run, d.now()))
    return climb(d, r, t, index, `${describeRung(d.policy, index)} timed out: the server is ${state}`);
  if (s['OS-EXT-STS:task_state']) return reschedule(d, STEP, r, `server ${t.serverId} is ${state}: waiting`);
  if (s.status === 'ACTIVE' && run.phase === 'starting')
    return end(d, r, t, 'confirmed', `${describeRung(d.policy, index)}: server ${t.serverId} is ACTIVE again`);
  if (s.status === 'ACTIVE' && run.phase === 'pending')
    return end(d, r, t, 'confirmed', `server ${t.serverId} is ACTIVE again by itself: nothing restarted`);
  if (s.status === 'SHUTOFF') return write(d, r, index, 'starting', 'start', t, `started server ${t.serverId}`);
  if (run.phase === 'starting' || (run.phase === 'stopping' && s.status !== 'ERROR'))
    return reschedule(
      d,
      STEP,
      r,
      `server ${t.serverId} is ${state}: waiting for ${run.phase === 'starting' ? 'ACTIVE' : 'SHUTOFF'}`,
    );
  if (run.phase === 'stopping')
    return climb(d, r, t, index, `${describeRung(d.policy, index)}: the stop left server ${t.serverId} in ERROR`);
  if (s.status === 'VERIFY_RESIZE') await d.cloud().nova.resetState(t.serverId, 'active'); // as Masakari does
  if (['ACTIVE', 'ERROR', 'VERIFY_RESIZE'].includes(s.status))
    return write(
      d,
      r,
      index,
      'stopping',
      'stop',
      t,
      `stopping server ${t.serverId} (it is ${state}) to start it again`,
    );
  return climb(d, r, t, index, `server ${t.serverId} is ${state}: Masakari's VM recovery does not restart it`);
}

/** os-stop or os-start, recorded with the phase it starts; a 409 (Nova busy with it) is looked at again. */
async function write(
  d: Deps,
  r: IncidentRecord,
  rung: number,
  phase: 'stopping' | 'starting',
  call: 'stop' | 'start',
  t: ServerTarget,
  reason: string,
): Promise<StepResult[]> {
  if (d.dryRun) return [{ outcome: 'DRY_RUN', incident: r.key, reason: `would ${reason}` }];
  let requestId: string | undefined;
  try {
    ({ requestId } = await d.cloud().nova[call](t.serverId));
  } catch (e) {
    if (e instanceof ConflictError) return reschedule(d, STEP, r, `Nova refused to ${call} now (409): looking again`);
    throw e;
  }
  const since = r.restart?.rung === rung ? r.restart.since : new Date(d.now()).toISOString(); // the rung's start
  const entry = { step: STEP, outcome: 'DISPATCHED' as const, reason: `${describeRung(d.policy, rung)}: ${reason}` };
  const updated = await d.incidents.record(r.key, { ...entry, requestIds: requestId ? [requestId] : [] }, (cur) => ({
    restart: { rung, phase, since },
    progress: { ...cur.progress, [t.serverId]: 'requested' },
  }));
  return reschedule(
    d,
    STEP,
    updated,
    `waiting for server ${t.serverId} to be ${call === 'stop' ? 'SHUTOFF' : 'ACTIVE'}`,
  );
}

/** The rung `from` failed (or is skipped): record it and start the next rung; past the last, the repair failed. */
async function climb(d: Deps, r: IncidentRecord, t: ServerTarget, from: number, why: string): Promise<StepResult[]> {
  const next = from + 1;
  const rung = d.policy.serverRecovery.ladder[next];
  if (d.dryRun)
    return [{ outcome: 'DRY_RUN', incident: r.key, reason: `${why}; would climb to ${describeRung(d.policy, next)}` }];
  const since = new Date(d.now()).toISOString();
  if (!rung) return end(d, r, t, 'failed', `${why}; no rung left on the ladder`);
  const climbed = `${why}; climbing to ${describeRung(d.policy, next)}`;
  switch (rung.rung) {
    case 'restart': {
      const run = { rung: next, phase: 'pending' as const, since };
      const u = await d.incidents.record(r.key, { step: STEP, outcome: 'RESCHEDULED', reason: climbed }, () => ({
        restart: run,
      }));
      return restartRung(d, u, t, run);
    }
    case 'evacuate':
      return evacuateRung(d, r, t, next, since, climbed);
    case 'human': {
      const reason = `${climbed}: holding for a human`;
      await d.incidents.record(r.key, { step: STEP, outcome: 'HELD_FOR_APPROVAL', reason }, () => ({
        status: 'held',
        restart: { rung: next, phase: 'handed-on', since },
      }));
      const told = await d.dispatcher.send('notify', r.key);
      return [{ outcome: 'HELD_FOR_APPROVAL', incident: r.key, status: 'held', reason, next: [told] }];
    }
    default: {
      const unreachable: never = rung.rung;
      return unreachable;
    }
  }
}

/** Evacuate the one server, only off a host Nova reports down; the evacuate step checks the host again. */
async function evacuateRung(
  d: Deps,
  r: IncidentRecord,
  t: ServerTarget,
  index: number,
  since: string,
  climbed: string,
): Promise<StepResult[]> {
  const nova = d.cloud().nova;
  const host = hostOf(await nova.getServer(t.serverId)) ?? t.host;
  const svc = host ? (await nova.listComputeServices(host)).find((s) => s.host === host) : undefined;
  const live = svc && hostLiveness(svc, { now: d.now() }, d.policy);
  if (!host || !live || live.verdict !== 'down') {
    const why = `${climbed}: skipped, Nova evacuates only off a down host (${live?.reason ?? `no compute service of ${host ?? 'its host'}`})`;
    const u = await d.incidents.record(r.key, { step: STEP, outcome: 'DONE', reason: why }, () => ({
      restart: { rung: index, phase: 'handed-on', since },
    }));
    return climb(d, u, t, index, `${describeRung(d.policy, index)} skipped`);
  }
  const plan = {
    action: 'evacuate' as const,
    host,
    servers: [{ serverId: t.serverId, name: t.name }],
    replace: [],
    untouched: [],
  };
  await d.incidents.record(
    r.key,
    { step: STEP, outcome: 'DISPATCHED', reason: `${climbed}: ${live.reason}` },
    (cur) => ({
      plan,
      restart: { rung: index, phase: 'handed-on', since },
      progress: Object.fromEntries(Object.entries(cur.progress).filter(([id]) => id !== t.serverId)),
    }),
  );
  const timeoutMs = rungTimeoutSec(d.policy.serverRecovery.ladder[index]) * 1000;
  const next = [
    await d.dispatcher.send('evacuate', r.key),
    await d.dispatcher.send(STEP, r.key, { notBefore: d.now() + timeoutMs }),
  ];
  return [{ outcome: 'DISPATCHED', incident: r.key, reason: `evacuating server ${t.serverId} off ${host}`, next }];
}

/** The evacuate rung's timeout: an evacuation still not finished climbs on (the next rung is a human). */
async function watchEvacuation(d: Deps, r: IncidentRecord, run: RestartRun): Promise<StepResult[]> {
  const s = r.plan?.action === 'evacuate' ? r.plan.servers[0] : undefined;
  if (!s || r.status === 'held')
    return [{ outcome: 'DONE', incident: r.key, reason: 'the evacuate rung is handed on' }];
  if (!timedOut(d.policy, run, d.now())) {
    const due = Date.parse(run.since) + rungTimeoutSec(d.policy.serverRecovery.ladder[run.rung]) * 1000 + 1000;
    const next = await d.dispatcher.send(STEP, r.key, { notBefore: due });
    return [
      { outcome: 'RESCHEDULED', incident: r.key, reason: 'the evacuate step carries the evacuate rung', next: [next] },
    ];
  }
  const t = { kind: 'server' as const, serverId: s.serverId, name: s.name };
  return climb(d, r, t, run.rung, `${describeRung(d.policy, run.rung)} timed out`);
}

/** The restart rung's end, or the ladder's: the server's progress, then resolved (or failed) and told. */
async function end(
  d: Deps,
  r: IncidentRecord,
  t: RestartTarget,
  progress: 'confirmed' | 'failed',
  reason: string,
): Promise<StepResult[]> {
  if (d.dryRun) return [{ outcome: 'DRY_RUN', incident: r.key, reason }];
  const key = restartKey(t);
  await d.incidents.record(
    r.key,
    { step: STEP, outcome: progress === 'confirmed' ? 'DONE' : 'FAILED', reason },
    (cur) => ({
      progress: { ...cur.progress, [key]: progress },
    }),
  );
  const resolved = await resolveIfFinished(d, STEP, r.key);
  return resolved ? [resolved] : [{ outcome: 'DONE', incident: r.key, reason }];
}

async function callHook(
  d: Deps,
  r: IncidentRecord,
  t: Extract<RestartTarget, { kind: 'process' }>,
): Promise<StepResult[]> {
  const hook = d.policy.processRestartHook;
  if (!hook)
    return end(d, r, t, 'failed', `no processRestartHook in the policy: ${t.process} on ${t.host} not restarted`);
  if (d.dryRun)
    return [
      { outcome: 'DRY_RUN', incident: r.key, reason: `would call the restart hook for ${t.process} on ${t.host}` },
    ];
  const answer = await callRestartHook(hook.url, { host: t.host, process: t.process, incident: r.key });
  const said = `restart hook for ${t.process} on ${t.host}: ${answer.detail}`;
  return end(
    d,
    r,
    t,
    answer.ok ? 'confirmed' : 'failed',
    answer.ok ? `called the ${said}` : `the ${said}: the operator is told`,
  );
}

export const main = step.main;
export const handler = step.handler;
