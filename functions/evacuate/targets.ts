/**
 * Where this host's servers go, decided with Nova's services and hypervisors read now
 * (core/policy/targets.ts, the policy's recovery method). A reserved host is enabled once, before the
 * first server is evacuated to it, and kept on the record (`reserved:<host>` in its progress): the later
 * batches go to the same host, as Masakari sends every server of a failure to one reserved host.
 * A server whose evacuation failed is retried on its own next target (./retry.ts), prepared the same way.
 */
import type { EvacuateTarget, IncidentRecord } from '../../core/domain/plan';
import { ConflictError } from '../../core/openstack/errors';
import type { ComputeService } from '../../core/openstack/nova';
import type { ReservedHost } from '../../core/policy/facts';
import { chooseTarget, needOf, type Room, type Target, type TargetChoice } from '../../core/policy/targets';
import type { EvacuationPolicy } from '../../core/policy/evacuation';
import { policyOfRule } from '../../core/policy/policy';
import type { Deps } from '../_shared/deps';

const RESERVED = 'reserved:';

/** The reserved host an earlier invocation enabled for this incident, if any. */
export const reservedInUse = (r: IncidentRecord): string | undefined =>
  Object.keys(r.progress)
    .find((k) => k.startsWith(RESERVED))
    ?.slice(RESERVED.length);

/** The evacuation section as the rule the incident's decision matched sets it (core/policy/policy.ts policyOfRule). */
export const evacuationOf = (d: Deps, r: IncidentRecord): EvacuationPolicy =>
  policyOfRule(d.policy, r.decision?.matched?.rule).evacuation;

/** The failed host's spare hosts and the policy's reserved hosts, with their room (Nova's services, hypervisors). */
export async function roomsFor(
  d: Deps,
  r: IncidentRecord,
  host: string,
  services: ComputeService[],
): Promise<{ spare: Room[]; reserved: ReservedHost[] }> {
  const hypervisors = await d.cloud().nova.listHypervisors();
  const room = (s: ComputeService): Room => {
    const h = hypervisors.find((x) => x.service.host === s.host);
    return {
      host: s.host,
      freeVcpus: h ? h.vcpus - h.vcpus_used : 0,
      freeRamMb: h ? h.memory_mb - h.memory_mb_used : 0,
    };
  };
  const spare = services.filter((s) => s.host !== host && s.status === 'enabled' && s.state === 'up' && !s.forced_down);
  const reserved: ReservedHost[] = evacuationOf(d, r).reservedHosts.flatMap((name) => {
    const s = services.find((x) => x.host === name && x.host !== host);
    return s ? [{ ...room(s), status: s.status, state: s.state, forcedDown: s.forced_down }] : [];
  });
  return { spare: spare.map(room), reserved };
}

/** The recovery method's choice for `servers` now, from Nova's services (given) and hypervisors (read). */
export async function targetChoice(
  d: Deps,
  r: IncidentRecord,
  host: string,
  services: ComputeService[],
  servers: readonly EvacuateTarget[],
): Promise<TargetChoice> {
  const inUse = reservedInUse(r);
  if (inUse) return { target: { kind: 'reserved', host: inUse }, reason: `reserved host ${inUse}, enabled for it` };
  const rooms = await roomsFor(d, r, host, services);
  return chooseTarget(evacuationOf(d, r).recoveryMethod, { ...rooms, need: needOf(servers) });
}

/**
 * The failed host's aggregates joined by the reserved host (Masakari's add_reserved_host_to_aggregate; it joins
 * only the first, stackmend every one the failed host is in), then its compute service enabled, each only if
 * Nova does not show it so already. A 409 (Nova refuses the join: another availability zone, or servers that
 * would change zone) is recorded and the evacuation goes on: it fails, and is retried, if the host cannot
 * take the servers. What was done, for the timeline.
 */
export async function prepareReserved(
  d: Deps,
  r: IncidentRecord,
  failedHost: string,
  svc: ComputeService,
): Promise<string[]> {
  const nova = d.cloud().nova;
  const done: string[] = [];
  if (evacuationOf(d, r).addReservedHostToAggregate) {
    const joins = (await nova.listAggregates()).filter(
      (a) => a.hosts.includes(failedHost) && !a.hosts.includes(svc.host),
    );
    for (const a of joins) {
      try {
        await nova.addHostToAggregate(a.id, svc.host);
        done.push(`added to aggregate ${a.name}`);
      } catch (e) {
        if (!(e instanceof ConflictError)) throw e;
        done.push(`not added to aggregate ${a.name} (Nova refused: ${e.serviceMessage ?? e.message})`);
      }
    }
  }
  if (svc.status !== 'enabled') await nova.enableService(svc.id);
  done.push(svc.status === 'enabled' ? 'already enabled' : 'enabled');
  return done;
}

/**
 * The chosen target made ready: a reserved host prepared (prepareReserved) and recorded on the incident.
 * Returns the host to name in the evacuations (undefined: the scheduler picks).
 */
export async function useTarget(
  d: Deps,
  r: IncidentRecord,
  target: Target,
  services: ComputeService[],
): Promise<{ targetHost?: string; record: IncidentRecord }> {
  if (target.kind === 'auto') return { record: r };
  if (reservedInUse(r) === target.host) return { targetHost: target.host, record: r };
  const svc = services.find((s) => s.host === target.host)!;
  const failed = r.plan?.action === 'evacuate' ? r.plan.host : '?';
  const done = await prepareReserved(d, r, failed, svc);
  const record = await d.incidents.record(
    r.key,
    {
      step: 'evacuate',
      outcome: 'DONE',
      reason: `reserved host ${target.host} ${done.join(', ')} to receive the servers of ${failed}`,
    },
    (cur) => ({ progress: { ...cur.progress, [`${RESERVED}${target.host}`]: 'confirmed' } }),
  );
  return { targetHost: target.host, record };
}
