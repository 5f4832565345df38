/**
 * evacuate — moves the pet servers off a failed host, Masakari-style but as small checked
 * steps: fence evidence → a healthy host with room → force down + disable the compute
 * service → evacuate each server (bounded parallelism) → confirm ACTIVE elsewhere on a later
 * invocation. Per-server progress lives in the incident record, so a retry resumes.
 * Nothing is evacuated without evidence that the host is fenced.
 */
import * as z from 'zod';
import type { FenceEvidence } from '../../core/domain/incident';
import type { IncidentRecord } from '../../core/domain/plan';
import { NotFoundError } from '../../core/openstack/errors';
import { hostOf, type ComputeService } from '../../core/openstack/nova';
import type { Deps } from '../_shared/deps';
import { fenceEvidence } from '../_shared/facts';
import { alreadyOver, evacuateTargets, replaceTargets, reschedule, resolveIfFinished } from '../_shared/progress';
import { defineStep, type StepResult } from '../_shared/step';

const FenceSchema = z.object({
  by: z.string().min(1),
  method: z.enum(['power-off', 'isolated', 'stonith', 'forced-down', 'operator']),
  at: z.string(),
});
const PARALLEL = 3;

async function hold(d: Deps, r: IncidentRecord, reason: string): Promise<StepResult[]> {
  const first = r.status !== 'held' || r.timeline[r.timeline.length - 1]?.reason !== reason;
  if (first) {
    await d.incidents.record(r.key, { step: 'evacuate', outcome: 'HELD_FOR_APPROVAL', reason }, () => ({
      status: 'held',
    }));
    await d.dispatcher.send('notify', r.key);
  }
  return [{ outcome: 'HELD_FOR_APPROVAL', incident: r.key, status: 'held', reason }];
}

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

async function startEvacuations(
  d: Deps,
  r: IncidentRecord,
  host: string,
): Promise<{ started: string[]; failed: string[]; requestIds: string[] }> {
  const todo = evacuateTargets(r).filter((s) => !r.progress[s.serverId]);
  const out = { started: [] as string[], failed: [] as string[], requestIds: [] as string[] };
  for (let i = 0; i < todo.length; i += PARALLEL) {
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
  await d.incidents.patch(r.key, (cur) => ({
    progress: {
      ...cur.progress,
      ...Object.fromEntries([...out.started.map((id) => [id, 'requested']), ...out.failed.map((id) => [id, 'failed'])]),
    },
  }));
  return out;
}

/** Requested evacuations that are now ACTIVE on another host (or in ERROR). */
async function confirm(d: Deps, r: IncidentRecord, host: string): Promise<number> {
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
    await d.incidents.record(
      r.key,
      { step: 'evacuate', outcome: 'DONE', reason: `evacuated: ${list.join(', ')}` },
      (cur) => ({ progress: { ...cur.progress, ...ended } }),
    );
  }
  return waiting.length;
}

export const step = defineStep({
  name: 'evacuate',
  input: z.object({ incident: z.string().min(1), fence: FenceSchema.optional() }),
  async run({ incident, fence: approved }, { deps: d }): Promise<StepResult[]> {
    let r = await d.incidents.require(incident);
    const over = alreadyOver(r, 'evacuate');
    if (over) return over;
    if (r.plan?.action !== 'evacuate')
      return [
        { outcome: 'IGNORED', incident, reason: `incident plan is ${r.plan?.action ?? 'none'}, not an evacuation` },
      ];
    const host = r.plan.host;
    if (r.progress[`host:${host}`] !== 'confirmed') {
      const services = await d.cloud().nova.listComputeServices();
      const svc = services.find((s) => s.host === host);
      if (!svc)
        throw new NotFoundError(
          { service: 'nova', status: 404, method: 'GET', url: 'os-services' },
          `no nova-compute service on host ${host}`,
        );
      const fence: FenceEvidence | undefined =
        approved ?? r.fence ?? fenceEvidence(r.incident, svc.forced_down, undefined, new Date(d.now()));
      if (!fence)
        return hold(
          d,
          r,
          `no evidence that ${host} is powered off or isolated: nothing evacuated. Fence it, then approve with \`stackmend approve ${incident} --fenced-by <who> --method power-off\``,
        );
      const spare = services.filter(
        (s) => s.host !== host && s.status === 'enabled' && s.state === 'up' && !s.forced_down,
      );
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
          reason: `fence evidence: ${fence.method} by ${fence.by}; ${did.join(', ') || `${host} already forced down and disabled`}`,
        },
        (cur) => ({
          status: 'acting',
          fence,
          progress: { ...cur.progress, [`host:${host}`]: 'confirmed' },
        }),
      );
      if (replaceTargets(r).length) await d.dispatcher.send('mark-unhealthy', incident);
    }
    if (d.dryRun) return [{ outcome: 'DRY_RUN', incident, reason: 'evacuation already under way' }];
    const started = await startEvacuations(d, r, host);
    if (started.started.length || started.failed.length) {
      await d.incidents.record(incident, {
        step: 'evacuate',
        outcome: 'DISPATCHED',
        reason: `evacuation requested for ${started.started.join(', ') || 'none'}${started.failed.length ? `; refused for ${started.failed.join(', ')}` : ''}`,
        requestIds: started.requestIds,
      });
    }
    r = await d.incidents.require(incident);
    const waiting = await confirm(d, r, host);
    if (waiting > 0)
      return reschedule(
        d,
        'evacuate',
        await d.incidents.require(incident),
        `waiting for ${waiting} server(s) to become ACTIVE on another host`,
      );
    const resolved = await resolveIfFinished(d, 'evacuate', incident);
    return [resolved ?? { outcome: 'DONE', incident, reason: 'evacuations finished; Heat replacements still running' }];
  },
});

export const main = step.main;
export const handler = step.handler;
