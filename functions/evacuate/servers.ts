/**
 * The evacuations themselves: started in the plan's order (core/policy/evacuable.ts), no more in flight
 * than the policy allows for this host and for the whole cloud, each server locked with a reason while it
 * moves (Masakari's `_evacuate_and_confirm`: a server already locked is neither locked nor unlocked);
 * confirmed on a later invocation when Nova shows it on another host in the state it had: ACTIVE, or
 * SHUTOFF for a server that was stopped (Nova rebuilds a stopped server stopped). Nova leaves a server whose
 * evacuation failed on its source host (it moves the host only when the rebuild succeeded:
 * nova/compute/resource_tracker.py finish_evacuation): ERROR, or in its old state with its newest evacuation
 * migration `error` / `failed` — that server goes to ./retry.ts for its next target.
 */
import type { Attempted, EvacuateTarget, IncidentRecord } from '../../core/domain/plan';
import { NotFoundError } from '../../core/openstack/errors';
import { FAILED_MIGRATION, hostOf, type Server } from '../../core/openstack/nova';
import { hasTime } from '../_shared/deadline';
import type { Deps } from '../_shared/deps';
import { evacuateTargets } from '../_shared/progress';
import type { StepContext } from '../_shared/step';
import { afterFailures, type Failure } from './retry';
import { evacuationOf } from './targets';

const LOCK_REASON = 'stackmend: evacuating';
/** Evacuation requests sent to Nova at once (each is accepted in well under a second). */
const REQUESTS_AT_ONCE = 3;
const chunks = <T>(xs: T[], n: number): T[][] =>
  Array.from({ length: Math.ceil(xs.length / n) }, (_, i) => xs.slice(i * n, i * n + n));
const lockedByUs = (s: Server) => !!s.locked && !!s.locked_reason?.startsWith(LOCK_REASON);
const inFlight = (r: IncidentRecord) => evacuateTargets(r).filter((t) => r.progress[t.serverId] === 'requested').length;

/** Evacuations in flight in the other open incidents (the cloud-wide bound). */
async function inFlightElsewhere(d: Deps, key: string): Promise<number> {
  const others = await Promise.all(
    (await d.incidents.openKeys()).filter((k) => k !== key).map((k) => d.incidents.get(k)),
  );
  return others.reduce((n, o) => n + (o ? inFlight(o) : 0), 0);
}

async function lockAndEvacuate(d: Deps, r: IncidentRecord, s: EvacuateTarget, to: Attempted) {
  const targetHost = to.kind === 'reserved' ? to.host : undefined;
  const nova = d.cloud().nova;
  const lock = evacuationOf(d, r).lockServers && !(await nova.getServer(s.serverId)).locked;
  if (lock) await nova.lock(s.serverId, `${LOCK_REASON} (incident ${r.key})`);
  try {
    return await nova.evacuate(s.serverId, targetHost);
  } catch (e) {
    if (lock) await nova.unlock(s.serverId); // refused: it does not move, the owner gets it back
    throw e;
  }
}

export type Started = {
  started: string[];
  failed: string[];
  requestIds: string[];
  left: number;
  record: IncidentRecord;
};

/**
 * Starts the evacuations not yet asked for, each to `targetOf` it, as many as the bounds leave room for;
 * `left` counts those a later invocation starts (no room now, or near the deadline). Each server's target
 * is added to its attempts (./retry.ts) in the commit that records it asked.
 */
export async function startEvacuations(
  ctx: StepContext,
  r: IncidentRecord,
  host: string,
  targetOf: (s: EvacuateTarget) => Attempted,
): Promise<Started> {
  const d = ctx.deps;
  const e = evacuationOf(d, r);
  const todo = evacuateTargets(r).filter((s) => !r.progress[s.serverId]);
  const out = { started: [] as string[], failed: [] as string[], requestIds: [] as string[], left: todo.length };
  if (todo.length === 0) return { ...out, record: r };
  const room = Math.max(
    0,
    Math.min(e.parallelPerHost, e.parallelPerCloud - (await inFlightElsewhere(d, r.key))) - inFlight(r),
  );
  const asked: EvacuateTarget[] = [];
  // Nova's API asked REQUESTS_AT_ONCE at a time; no further requests near the deadline
  for (const batch of chunks(todo.slice(0, room), REQUESTS_AT_ONCE)) {
    if (!hasTime(ctx)) break;
    asked.push(...batch);
    await Promise.all(
      batch.map(async (s) => {
        try {
          const { requestId } = await lockAndEvacuate(d, r, s, targetOf(s));
          out.started.push(s.serverId);
          if (requestId) out.requestIds.push(requestId);
        } catch (err) {
          d.log.warn('evacuate refused', { incident: r.key, server: s.serverId, host, error: (err as Error).message });
          out.failed.push(s.serverId);
        }
      }),
    );
  }
  out.left = todo.length - asked.length;
  if (asked.length === 0) return { ...out, record: r };
  const record = await d.incidents.patch(r.key, (cur) => ({
    progress: {
      ...cur.progress,
      ...Object.fromEntries([...out.started.map((id) => [id, 'requested']), ...out.failed.map((id) => [id, 'failed'])]),
    },
    evacuations: {
      ...cur.evacuations,
      ...Object.fromEntries(
        asked
          .filter((s) => out.started.includes(s.serverId) || out.failed.includes(s.serverId))
          .map((s) => [s.serverId, { tried: [...(cur.evacuations?.[s.serverId]?.tried ?? []), targetOf(s)] }]),
      ),
    },
  }));
  return { ...out, record };
}

type Where = 'confirmed' | 'failed' | 'moving' | { failedOn: string };

/**
 * Where an evacuation stands: landed in the state it had; failed where it cannot be retried (deleted, or ERROR
 * on another host); failed on the failed host (`failedOn`: what Nova shows), or still moving. The server's
 * evacuation migrations are read only when it is back on the failed host with no task.
 */
async function landed(d: Deps, t: EvacuateTarget, srv: Server | undefined, host: string): Promise<Where> {
  if (!srv) return 'failed';
  if (srv['OS-EXT-STS:task_state']) return 'moving';
  if (hostOf(srv) !== host) {
    if (srv.status === 'ERROR') return 'failed';
    return srv.status === (t.status === 'SHUTOFF' ? 'SHUTOFF' : 'ACTIVE') ? 'confirmed' : 'moving';
  }
  const [newest] = await d.cloud().nova.listEvacuations(t.serverId);
  const migration = newest ? `migration ${newest.id} ${newest.status}` : 'no evacuation migration';
  if (srv.status === 'ERROR') return { failedOn: `ERROR on ${host}, ${migration}` };
  if (newest && (FAILED_MIGRATION as readonly string[]).includes(newest.status))
    return { failedOn: `${srv.status} on ${host}, ${migration}` };
  return 'moving';
}

/**
 * Requested evacuations that have ended (stackmend's lock taken off them); how many are still moving, and how
 * many failed ones are to be asked again on their next target (./retry.ts).
 */
export async function confirm(
  d: Deps,
  r: IncidentRecord,
  host: string,
): Promise<{ waiting: number; retrying: number; record: IncidentRecord }> {
  const nova = d.cloud().nova;
  const waiting: string[] = [];
  const ended: Record<string, 'confirmed' | 'failed'> = {};
  const failures: Failure[] = [];
  for (const t of evacuateTargets(r).filter((x) => r.progress[x.serverId] === 'requested')) {
    const srv = await nova.getServer(t.serverId).catch((e) => {
      if (e instanceof NotFoundError) return undefined; // deleted meanwhile: nothing left to evacuate
      throw e;
    });
    const where = await landed(d, t, srv, host);
    if (where === 'moving') {
      waiting.push(t.serverId);
      continue;
    }
    if (srv && lockedByUs(srv)) await nova.unlock(t.serverId); // a retry locks it again
    if (typeof where === 'object') failures.push({ target: t, why: where.failedOn });
    else ended[t.serverId] = where;
  }
  if (Object.keys(ended).length) {
    const list = Object.entries(ended).map(([id, p]) => {
      const t = evacuateTargets(r).find((x) => x.serverId === id);
      return `${id} ${p === 'confirmed' ? `${t?.status === 'SHUTOFF' ? 'SHUTOFF' : 'ACTIVE'} on another host` : 'ERROR or deleted'}`;
    });
    r = await d.incidents.record(
      r.key,
      { step: 'evacuate', outcome: 'DONE', reason: `evacuated: ${list.join(', ')}` },
      (cur) => ({ progress: { ...cur.progress, ...ended } }),
    );
  }
  if (!failures.length) return { waiting: waiting.length, retrying: 0, record: r };
  const after = await afterFailures(d, r, host, failures);
  return { waiting: waiting.length, retrying: after.retrying, record: after.record };
}
