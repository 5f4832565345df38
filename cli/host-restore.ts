/**
 * `stackmend host restore <host>`, the use case: after the operator repaired a fenced host, power it on
 * through the policy's fencing driver (core/fencing/drivers.ts powerOn, read back on), wait until its
 * nova-compute reports to Nova again (a heartbeat after the restore began: core/policy/restore.ts), then
 * un-force and enable its compute service, each write preceded by a fresh read of the service from Nova.
 * Waiting is a CLI's bounded poll (`waitSec`), interruptible (`aborted`): it stops between two calls and
 * says what is left. The outcome goes into the audit log. Exit codes: 0 restored (or nothing to do, or a
 * dry run), 2 no such compute host, 3 refused, timed out or interrupted (a human is needed), 1 an error.
 */
import type { Outcome } from '../core/domain/plan';
import { powerFenceFor } from '../core/fencing/drivers';
import { BadRequestError } from '../core/openstack/errors';
import type { ComputeService } from '../core/openstack/nova';
import { hostLiveness } from '../core/policy/host-liveness';
import { reportedSince, restorePlan, type RestoreStep } from '../core/policy/restore';
import type { Deps } from '../functions/_shared/deps';
import { AUDIT_LOG, type HostAudit } from '../functions/_shared/incidents';
import { fenceChoiceFor, fencePorts } from '../functions/evacuate/fence';

export type RestoreIo = {
  say: (line: string) => void;
  sleep: (ms: number) => Promise<void>;
  /** Ctrl-C was pressed: stop before the next call. */
  aborted: () => boolean;
  /** The longest the whole restore may wait, in seconds. */
  waitSec: number;
  by: { via: string; name: string };
};
export type RestoreResult = { code: 0 | 2 | 3; outcome: Outcome; reason: string; done: string[] };

const POLL_MS = 1000;

class Stopped extends Error {
  constructor(readonly why: 'timed out' | 'interrupted') {
    super(why);
  }
}

/** The open incident about the host, or evacuating off it (the subject lock, or a scan of the open ones). */
async function openOn(d: Deps, host: string) {
  const key = await d.incidents.openHostIncident(host);
  if (key) return d.incidents.get(key);
  for (const k of await d.incidents.openKeys()) {
    const r = await d.incidents.get(k);
    const subject = r?.incident.subject;
    if (
      r &&
      ((subject?.type === 'host' && subject.host === host) || (r.plan?.action === 'evacuate' && r.plan.host === host))
    )
      return r;
  }
  return undefined;
}

export async function restoreHost(d: Deps, host: string, io: RestoreIo): Promise<RestoreResult> {
  const nova = d.cloud().nova;
  const read = async (): Promise<ComputeService | undefined> =>
    (await nova.listComputeServices(host)).find((s) => s.host === host);
  const first = await read();
  if (!first) return { code: 2, outcome: 'IGNORED', reason: `Nova lists no nova-compute service on ${host}`, done: [] };
  const open = await openOn(d, host);
  const choice = await fenceChoiceFor(d, host); // its own entry or its aggregates'
  if (choice.kind === 'conflict')
    return { code: 3, outcome: 'HELD_FOR_APPROVAL', reason: `nothing done: ${choice.reason}`, done: [] };
  const target = choice.kind === 'target' ? choice.target : undefined;
  const powered = target && target.driver !== 'nova-forced-down' ? target : undefined;
  const plan = restorePlan(first, {
    openIncident: open && { key: open.key, status: open.status },
    powerDriver: powered?.driver,
  });
  if (!plan.go)
    return {
      code: plan.inService ? 0 : 3,
      outcome: plan.inService ? 'DONE' : 'HELD_FOR_APPROVAL',
      reason: plan.reason,
      done: [],
    };
  io.say(plan.reason);
  if (d.dryRun) return { code: 0, outcome: 'DRY_RUN', reason: `dry run: would ${plan.steps.join(' → ')}`, done: [] };

  const start = d.now();
  const deadline = start + io.waitSec * 1000;
  const done: string[] = [];
  const requestIds: string[] = [];
  const wait = async () => {
    if (io.aborted()) throw new Stopped('interrupted');
    if (d.now() >= deadline) throw new Stopped('timed out');
    await io.sleep(POLL_MS);
  };
  const steps: Record<RestoreStep, () => Promise<void>> = {
    'power-on': async () => {
      const fence = powerFenceFor(host, powered!, fencePorts(d));
      if (!(await fence.readPower()).on) {
        const { requestId } = await fence.powerOn();
        if (requestId) requestIds.push(requestId);
      }
      for (let last = ''; ; await wait()) {
        const r = await fence.readPower();
        if (r.state !== last) io.say(`${fence.name} reads ${(last = r.state)}`);
        if (r.on) break;
      }
      done.push(`powered on ${fence.name}`);
    },
    'wait-report': async () => {
      for (let last = ''; ; await wait()) {
        const s = await read();
        if (s && reportedSince(s, start)) break;
        const beat = `last heartbeat ${s?.updated_at ?? 'none'}`;
        if (beat !== last) io.say(`waiting for nova-compute on ${host} to report to Nova (${(last = beat)})`);
      }
      done.push(`nova-compute on ${host} reported`);
    },
    'un-force': async () => {
      for (let said = false; ; await wait()) {
        const s = await read();
        if (!s?.forced_down) break;
        try {
          await nova.unforceDown(s.id);
          done.push(`un-forced ${host}`);
          break;
        } catch (e) {
          if (!(e instanceof BadRequestError)) throw e;
          if (!said) io.say(`Nova refuses to un-force ${host} yet (${e.serviceMessage ?? e.message}): trying again`);
          said = true;
        }
      }
    },
    enable: async () => {
      const s = await read();
      if (s?.status !== 'disabled') return;
      await nova.enableService(s.id);
      done.push(`enabled ${host}`);
    },
  };
  let result: RestoreResult;
  try {
    for (const step of plan.steps) await steps[step]();
    const s = await read();
    const live = s && hostLiveness(s, { now: d.now() }, d.policy);
    result =
      live?.verdict === 'alive' && s?.status === 'enabled'
        ? { code: 0, outcome: 'RESOLVED', reason: `${host} is back in service: ${live.reason}`, done }
        : { code: 3, outcome: 'FAILED', reason: `${host} is not back: ${live?.reason ?? 'no compute service'}`, done };
  } catch (e) {
    if (!(e instanceof Stopped)) throw e;
    const left = done.length ? `done: ${done.join(', ')}` : 'nothing changed';
    result = {
      code: 3,
      outcome: 'FAILED',
      reason: `restore of ${host} ${e.why} after ${Math.round((d.now() - start) / 1000)} s (${left})`,
      done,
    };
  }
  const audit: HostAudit = {
    at: new Date(d.now()).toISOString(),
    action: 'host-restore',
    subject: `host:${host}`,
    outcome: result.outcome,
    by: io.by,
    reason: `${result.reason}${done.length ? `; ${done.join(', ')}` : ''} (by ${io.by.name})`,
    requestIds,
  };
  await d.store.append<HostAudit>(AUDIT_LOG, audit);
  return result;
}
