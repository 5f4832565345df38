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
import type { IncidentRecord } from '../../core/domain/plan';
import { NotFoundError } from '../../core/openstack/errors';
import { hostOf, type ComputeService } from '../../core/openstack/nova';
import { describeEvidence } from '../../core/policy/host-check';
import { blastGate } from '../_shared/blast';
import type { Deps } from '../_shared/deps';
import { alreadyOver, evacuateTargets, replaceTargets, reschedule, resolveIfFinished } from '../_shared/progress';
import { hasTime } from '../_shared/deadline';
import { defineStep, type StepContext, type StepResult } from '../_shared/step';
import { NoComputeServiceError } from './errors';
import { fenceIfWanted } from './fence';
import { hold, verifyHost } from './verify';

const PARALLEL = 3;

/** Force the compute service down (Nova's fence flag) and disable it, each only if not already so. */
async function isolateHost(d: Deps, r: IncidentRecord, svc: ComputeService): Promise<string[]> {
  const nova = d.cloud().nova;
  const done: string[] = [];
  if (!svc.forced_down) {
    await nova.forceDown(svc.id);
    done.push(`forced down ${svc.host}`);
  }
  if (svc.status === 'enabled') {
    await nova.disableService(svc.id, `stackmend: host failure (incident ${r.key})`);
    done.push(`disabled ${svc.host}`);
  }
  return done;
}

/** Evacuates the servers not yet asked for, PARALLEL at a time; no batch starts near the deadline (`left`). */
async function startEvacuations(
  ctx: StepContext,
  r: IncidentRecord,
  host: string,
): Promise<{ started: string[]; failed: string[]; requestIds: string[]; left: number; record: IncidentRecord }> {
  const d = ctx.deps;
  const todo = evacuateTargets(r).filter((s) => !r.progress[s.serverId]);
  const out = { started: [] as string[], failed: [] as string[], requestIds: [] as string[], left: 0 };
  for (let i = 0; i < todo.length; i += PARALLEL) {
    if (!hasTime(ctx)) {
      out.left = todo.length - i; // the next invocation starts them (their progress is still unset)
      break;
    }
    await Promise.all(
      todo.slice(i, i + PARALLEL).map(async (s) => {
        try {
          const { requestId } = await d.cloud().nova.evacuate(s.serverId);
          out.started.push(s.serverId);
          if (requestId) out.requestIds.push(requestId);
        } catch (e) {
          d.log.warn('evacuate refused', { incident: r.key, server: s.serverId, host, error: (e as Error).message });
          out.failed.push(s.serverId);
        }
      }),
    );
  }
  if (todo.length === 0) return { ...out, record: r };
  const record = await d.incidents.patch(r.key, (cur) => ({
    progress: {
      ...cur.progress,
      ...Object.fromEntries([...out.started.map((id) => [id, 'requested']), ...out.failed.map((id) => [id, 'failed'])]),
    },
  }));
  return { ...out, record };
}

/** Requested evacuations that are now ACTIVE on another host (or in ERROR); how many are still moving. */
async function confirm(d: Deps, r: IncidentRecord, host: string): Promise<{ waiting: number; record: IncidentRecord }> {
  const waiting: string[] = [];
  const ended: Record<string, 'confirmed' | 'failed'> = {};
  for (const s of evacuateTargets(r).filter((t) => r.progress[t.serverId] === 'requested')) {
    const srv = await d
      .cloud()
      .nova.getServer(s.serverId)
      .catch((e) => {
        if (e instanceof NotFoundError) return undefined; // deleted meanwhile: nothing left to evacuate
        throw e;
      });
    if (!srv) ended[s.serverId] = 'failed';
    else if (srv.status === 'ACTIVE' && hostOf(srv) !== host && !srv['OS-EXT-STS:task_state'])
      ended[s.serverId] = 'confirmed';
    else if (srv.status === 'ERROR') ended[s.serverId] = 'failed';
    else waiting.push(s.serverId);
  }
  if (Object.keys(ended).length) {
    const list = Object.entries(ended).map(
      ([id, p]) => `${id} ${p === 'confirmed' ? 'ACTIVE on another host' : 'ERROR or deleted'}`,
    );
    r = await d.incidents.record(
      r.key,
      { step: 'evacuate', outcome: 'DONE', reason: `evacuated: ${list.join(', ')}` },
      (cur) => ({ progress: { ...cur.progress, ...ended } }),
    );
  }
  return { waiting: waiting.length, record: r };
}

/** Nova's compute service of the host, read now. */
async function computeService(d: Deps, host: string): Promise<{ svc: ComputeService; spare: ComputeService[] }> {
  const services = await d.cloud().nova.listComputeServices();
  const svc = services.find((s) => s.host === host);
  if (!svc) throw new NoComputeServiceError(host);
  const spare = services.filter((s) => s.host !== host && s.status === 'enabled' && s.state === 'up' && !s.forced_down);
  return { svc, spare };
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
    const isolated = r.progress[`host:${host}`] === 'confirmed';
    if (!isolated || evacuateTargets(r).some((s) => !r.progress[s.serverId])) {
      let { svc, spare } = await computeService(d, host);
      if (!isolated) {
        const blast = await blastGate(d, r, hold); // too many hosts failed since the decision? (_shared/blast.ts)
        if (blast) return blast;
        const fenced = await fenceIfWanted(d, r, svc); // ./fence.ts: the policy's driver, if any
        if (Array.isArray(fenced)) return fenced;
        if (fenced.record !== r) ({ svc, spare } = await computeService(d, host)); // fenced now: Nova read again
        r = fenced.record;
      }
      const ok = await verifyHost(d, r, svc, approveHint(r));
      if (Array.isArray(ok)) return ok;
      // the circuit breaker again, as at the decision: an incident without a slot acts only if one is free
      const full = d.dryRun ? undefined : await d.incidents.takeSlot(incident, d.policy.maxOpenIncidents);
      if (full) return hold(d, r, `${full.message}${approveHint(r)}`);
      if (!isolated) {
        if (spare.length === 0)
          return hold(
            d,
            r,
            `no healthy enabled compute host can receive the servers of ${host}: evacuating would only turn them into ERROR`,
          );
        if (d.dryRun)
          return [
            {
              outcome: 'DRY_RUN',
              incident,
              reason: `would force down and disable ${host}, evacuate ${evacuateTargets(r).length} server(s) to ${spare.map((s) => s.host).join('/')}`,
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
    const started = await startEvacuations(ctx, r, host);
    r = started.record;
    if (started.started.length || started.failed.length) {
      r = await d.incidents.record(incident, {
        step: 'evacuate',
        outcome: 'DISPATCHED',
        reason: `evacuation requested for ${started.started.join(', ') || 'none'}${started.failed.length ? `; refused for ${started.failed.join(', ')}` : ''}`,
        requestIds: started.requestIds,
      });
    }
    const { waiting, record } = await confirm(d, r, host);
    if (started.left > 0)
      return reschedule(
        d,
        'evacuate',
        record,
        `near the deadline: ${started.left} server(s) left for the next invocation`,
      );
    if (waiting > 0)
      return reschedule(d, 'evacuate', record, `waiting for ${waiting} server(s) to become ACTIVE on another host`);
    const resolved = await resolveIfFinished(d, 'evacuate', incident);
    return [resolved ?? { outcome: 'DONE', incident, reason: 'evacuations finished; Heat replacements still running' }];
  },
});

export const main = step.main;
export const handler = step.handler;
