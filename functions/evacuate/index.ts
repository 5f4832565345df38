/**
 * evacuate — moves the pet servers off a failed host, Masakari-style but as small checked
 * steps: fence evidence (or stackmend's own fence through the policy's driver, ./fence.ts)
 * → a healthy host with room → force down + disable the compute
 * service → evacuate each server (bounded parallelism) → confirm ACTIVE elsewhere on a later
 * invocation. Per-server progress lives in the incident record, so a retry resumes.
 * Immediately before any of these writes it reads the host's compute service from Nova and checks
 * it again (./verify.ts): nothing is written unless the host is down and fenced by evidence
 * stackmend believes. An operator's approval is no input here: `stackmend approve` stores it on
 * the incident record.
 */
import * as z from 'zod';
import { isolationReason } from '../../core/domain/fencing';
import type { Attempted, EvacuateTarget, IncidentRecord } from '../../core/domain/plan';
import type { ComputeService } from '../../core/openstack/nova';
import { describeEvidence } from '../../core/policy/host-check';
import { blastGate } from '../_shared/blast';
import type { Deps } from '../_shared/deps';
import { alreadyOver, evacuateTargets, replaceTargets, reschedule, resolveIfFinished } from '../_shared/progress';
import { defineStep, type StepResult } from '../_shared/step';
import { NoComputeServiceError } from './errors';
import { withHostFencing } from '../../core/domain/fencing';
import { fenceChoiceFor, fenceIfWanted } from './fence';
import { confirm, startEvacuations } from './servers';
import { approvedSinceGivenUp, gaveUpOf, holdGivenUp, stillHeld } from './retry';
import { prepareReserved, targetChoice, useTarget } from './targets';
import { hold, verifyHost } from './verify';

/** Force the compute service down (Nova's fence flag) and disable it, each only if not already so. */
async function isolateHost(d: Deps, r: IncidentRecord, svc: ComputeService): Promise<string[]> {
  const nova = d.cloud().nova;
  const done: string[] = [];
  if (!svc.forced_down) {
    await nova.forceDown(svc.id);
    done.push(`forced down ${svc.host}`);
  }
  if (svc.status === 'enabled') {
    await nova.disableService(svc.id, isolationReason(r.key));
    done.push(`disabled ${svc.host}`);
  }
  return done;
}

/** Nova's compute service of the host, read now. */
async function computeService(d: Deps, host: string): Promise<{ svc: ComputeService; services: ComputeService[] }> {
  const services = await d.cloud().nova.listComputeServices();
  const svc = services.find((s) => s.host === host);
  if (!svc) throw new NoComputeServiceError(host);
  return { svc, services };
}

type Ready = { targetOf: (s: EvacuateTarget) => Attempted; record: IncidentRecord };

/**
 * The targets of the servers not yet started, made ready: a retried server's own next target (./retry.ts),
 * the recovery method's choice for the others; a hold when none can take those now.
 */
async function readyTargets(d: Deps, r: IncidentRecord, host: string): Promise<Ready | StepResult[]> {
  const todo = evacuateTargets(r).filter((s) => !r.progress[s.serverId]);
  const nextOf = (s: EvacuateTarget) => r.evacuations?.[s.serverId]?.next;
  const fresh = todo.filter((s) => !nextOf(s));
  let shared: Attempted = { kind: 'auto' };
  if (todo.length === 0) return { targetOf: () => shared, record: r };
  const { services } = await computeService(d, host);
  if (fresh.length) {
    const where = await targetChoice(d, r, host, services, fresh);
    if (!where.target)
      return hold(d, r, `no healthy compute host can receive ${fresh.length} server(s) of ${host}: ${where.reason}`);
    const used = await useTarget(d, r, where.target, services);
    r = used.record;
    shared = used.targetHost ? { kind: 'reserved', host: used.targetHost } : { kind: 'auto' };
  }
  const retryHosts = new Set(
    todo.flatMap((s) => {
      const n = nextOf(s);
      return n?.kind === 'reserved' ? [n.host] : [];
    }),
  );
  for (const name of retryHosts) r = await readyForRetry(d, r, host, name, services);
  const next = new Map(todo.flatMap((s) => (nextOf(s) ? [[s.serverId, nextOf(s)!] as const] : [])));
  return { targetOf: (s) => next.get(s.serverId) ?? shared, record: r };
}

/** A reserved host a retry goes to, prepared (./targets.ts prepareReserved) and recorded when anything was written. */
async function readyForRetry(
  d: Deps,
  r: IncidentRecord,
  host: string,
  reserved: string,
  services: ComputeService[],
): Promise<IncidentRecord> {
  const svc = services.find((s) => s.host === reserved);
  if (!svc) return r; // Nova lists it no more: the evacuation names it and Nova refuses, the server is failed
  const done = (await prepareReserved(d, r, host, svc)).filter((x) => x !== 'already enabled');
  if (!done.length) return r;
  return d.incidents.record(r.key, {
    step: 'evacuate',
    outcome: 'DONE',
    reason: `reserved host ${reserved} ${done.join(', ')} to receive the retried evacuations of ${host}`,
  });
}

const approveHint = (r: IncidentRecord) =>
  `. Fence it, then approve: \`stackmend approve ${r.key} --fenced-by <who> --method power-off\``;

export const step = defineStep({
  name: 'evacuate',
  input: z.object({ incident: z.string().min(1) }),
  async run({ incident }, ctx): Promise<StepResult[]> {
    const d = ctx.deps;
    let r = await d.incidents.require(incident);
    const over = alreadyOver(r, 'evacuate');
    if (over) return over;
    if (r.plan?.action !== 'evacuate')
      return [
        { outcome: 'IGNORED', incident, reason: `incident plan is ${r.plan?.action ?? 'none'}, not an evacuation` },
      ];
    const host = r.plan.host;
    const held = stillHeld(d, r, host); // retries spent: a human has it (./retry.ts)
    if (held) return held;
    const isolated = r.progress[`host:${host}`] === 'confirmed';
    // landed ones free their place under the in-flight bounds; failed ones get their next target, started
    // below only after the host is checked again
    if (isolated && !d.dryRun) r = (await confirm(d, r, host)).record;
    if (!isolated || evacuateTargets(r).some((s) => !r.progress[s.serverId])) {
      let { svc, services } = await computeService(d, host);
      if (!isolated) {
        // the host's driver, its own or its aggregates': blastGate looks it up by the host's name alone
        const choice = await fenceChoiceFor(d, host);
        const narrowed = { ...d, policy: withHostFencing(d.policy, host, choice) };
        const blast = await blastGate(narrowed, r, hold); // too many failed since the decision? (_shared/blast.ts)
        if (blast) return blast;
        const fenced = await fenceIfWanted(d, r, svc, choice); // ./fence.ts: the policy's driver, if any
        if (Array.isArray(fenced)) return fenced;
        if (fenced.record !== r) ({ svc, services } = await computeService(d, host)); // fenced now: Nova read again
        r = fenced.record;
      }
      const ok = await verifyHost(d, r, svc, approveHint(r));
      if (Array.isArray(ok)) return ok;
      // the circuit breaker again, as at the decision: an incident without a slot acts only if one is free
      const full = d.dryRun ? undefined : await d.incidents.takeSlot(incident, d.policy.maxOpenIncidents);
      if (full) return hold(d, r, `${full.message}${approveHint(r)}`);
      if (!isolated) {
        const where = await targetChoice(d, r, host, services, evacuateTargets(r)); // ./targets.ts
        if (!where.target)
          return hold(
            d,
            r,
            `no healthy compute host can receive the servers of ${host} (${where.reason}): evacuating would only turn them into ERROR`,
          );
        if (d.dryRun)
          return [
            {
              outcome: 'DRY_RUN',
              incident,
              reason: `would force down and disable ${host}, evacuate ${evacuateTargets(r).length} server(s): ${where.reason}`,
            },
          ];
        const did = await isolateHost(d, r, svc);
        r = await d.incidents.record(
          incident,
          {
            step: 'evacuate',
            outcome: 'DONE',
            reason:
              `host check: ${ok.liveness.reason}; fence evidence: ${describeEvidence(ok.evidence)}; ` +
              `${did.join(', ') || `${host} already forced down and disabled`}`,
            details: { liveness: ok.liveness, evidence: ok.evidence },
          },
          (cur) => ({
            status: 'acting',
            fence: ok.evidence,
            progress: { ...cur.progress, [`host:${host}`]: 'confirmed' },
          }),
        );
        if (replaceTargets(r).length) await d.dispatcher.send('mark-unhealthy', incident);
      }
    }
    if (d.dryRun) return [{ outcome: 'DRY_RUN', incident, reason: 'evacuation already under way' }];
    const ready = await readyTargets(d, r, host); // ./targets.ts: a reserved host enabled first
    if (Array.isArray(ready)) return ready;
    r = ready.record;
    const started = await startEvacuations(ctx, r, host, ready.targetOf); // ./servers.ts
    r = started.record;
    if (started.started.length || started.failed.length) {
      r = await d.incidents.record(incident, {
        step: 'evacuate',
        outcome: 'DISPATCHED',
        reason: `evacuation requested for ${started.started.join(', ') || 'none'}${started.failed.length ? `; refused for ${started.failed.join(', ')}` : ''}`,
        requestIds: started.requestIds,
      });
    }
    const { waiting, retrying, record } = await confirm(d, r, host);
    if (started.left > 0)
      return reschedule(
        d,
        'evacuate',
        record,
        `${started.left} server(s) left for the next invocation (in-flight bound or deadline)`,
      );
    if (waiting > 0)
      return reschedule(d, 'evacuate', record, `waiting for ${waiting} server(s) to become ACTIVE on another host`);
    if (retrying > 0)
      return reschedule(d, 'evacuate', record, `${retrying} failed evacuation(s) to ask again on their next target`);
    if (gaveUpOf(record).length && !approvedSinceGivenUp(d, record, host)) return holdGivenUp(d, record, host);
    const resolved = await resolveIfFinished(d, 'evacuate', incident);
    return [resolved ?? { outcome: 'DONE', incident, reason: 'evacuations finished; Heat replacements still running' }];
  },
});

export const main = step.main;
export const handler = step.handler;
