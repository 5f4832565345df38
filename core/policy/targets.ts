/**
 * Where the servers of a failed host go: Masakari's recovery methods
 * (masakari/engine/drivers/taskflow/host_failure.py and engine/manager.py):
 * - `auto`: Nova's scheduler picks a host for each server;
 * - `reserved_host`: every server to one reserved host (disabled until used; stackmend enables it first and
 *   names it in the evacuation), the first of the policy's reserved hosts that can take them;
 * - `auto_priority`: `auto`, and the reserved host when no enabled host can take them;
 * - `rh_priority`: the reserved host, and `auto` when no reserved host can take them.
 * After an evacuation failed (retryTarget): Masakari's priority methods run the other flow when the first
 * fails (masakari/engine/manager.py), and its reserved-host flow tries the next reserved host
 * (host_failure.py get_rh_flow, ParameterizedForEach over reserved_host_list).
 * Pure: the step that acts (functions/evacuate/targets.ts) passes Nova's services and hypervisors read now.
 */
import type { Attempted } from '../domain/plan';
import type { RecoveryMethod } from './evacuation';
import type { ReservedHost } from './facts';

export type Room = { host: string; freeVcpus: number; freeRamMb: number };
export type Need = { vcpus: number; ramMb: number };
export type Target = { kind: 'auto'; onto: string[] } | { kind: 'reserved'; host: string };
export type TargetChoice = { target: Target; reason: string } | { target?: undefined; reason: string };

const fits = (r: Room, n: Need) => r.freeVcpus >= n.vcpus && r.freeRamMb >= n.ramMb;

/** What the servers need together (a server without a flavor counts as 1 vCPU, 0 MB). */
export const needOf = (servers: readonly { vcpus?: number; ramMb?: number }[]): Need =>
  servers.reduce<Need>((a, s) => ({ vcpus: a.vcpus + (s.vcpus ?? 1), ramMb: a.ramMb + (s.ramMb ?? 0) }), {
    vcpus: 0,
    ramMb: 0,
  });

function auto(spare: readonly Room[], need: Need): TargetChoice {
  const onto = spare.filter((r) => fits(r, need)).map((r) => r.host);
  return onto.length
    ? { target: { kind: 'auto', onto }, reason: `Nova's scheduler picks among ${onto.join(', ')}` }
    : {
        reason: `no enabled, up host has room for ${need.vcpus} vCPU / ${need.ramMb} MB${spare.length ? ` (${spare.map((r) => r.host).join(', ')} too full)` : ''}`,
      };
}

function reserved(hosts: readonly ReservedHost[], need: Need): TargetChoice {
  const usable = hosts.find((r) => r.state === 'up' && !r.forcedDown && fits(r, need));
  if (usable) return { target: { kind: 'reserved', host: usable.host }, reason: `reserved host ${usable.host}` };
  if (!hosts.length) return { reason: 'the policy lists no reserved host Nova knows' };
  const why = hosts.map((r) =>
    r.state !== 'up' || r.forcedDown
      ? `${r.host} is down`
      : `${r.host} has no room for ${need.vcpus} vCPU / ${need.ramMb} MB`,
  );
  return { reason: `no reserved host can take them (${why.join('; ')})` };
}

/** The target the recovery method picks now, or why none can take the servers. */
export function chooseTarget(
  method: RecoveryMethod,
  o: { spare: readonly Room[]; reserved: readonly ReservedHost[]; need: Need },
): TargetChoice {
  const either = (first: TargetChoice, then: () => TargetChoice): TargetChoice => {
    if (first.target) return first;
    const second = then();
    return second.target
      ? { ...second, reason: `${second.reason} (${first.reason})` }
      : { reason: `${first.reason}; ${second.reason}` };
  };
  switch (method) {
    case 'auto':
      return auto(o.spare, o.need);
    case 'reserved_host':
      return reserved(o.reserved, o.need);
    case 'auto_priority':
      return either(auto(o.spare, o.need), () => reserved(o.reserved, o.need));
    case 'rh_priority':
      return either(reserved(o.reserved, o.need), () => auto(o.spare, o.need));
    default: {
      const unreachable: never = method;
      return unreachable;
    }
  }
}

/** A target as the incident records it (the scheduler's candidates are not kept). */
export const attemptOf = (t: Target): Attempted => (t.kind === 'auto' ? { kind: 'auto' } : t);
export const describeAttempt = (a: Attempted): string => (a.kind === 'auto' ? "Nova's scheduler" : a.host);

const spent = (n: number) =>
  n === 0
    ? 'the policy allows no retry'
    : n === 1
      ? 'the 1 retry the policy allows is spent'
      : `the ${n} retries the policy allows are spent`;

/**
 * After the evacuation to the last of `tried` failed: the next target, or why a human has the server now
 * (`retries` spent, or no target left that can take it). auto: the scheduler once more (Nova's evacuate has
 * no way to keep it off the host that failed); reserved_host: the next reserved host not tried; auto_priority
 * and rh_priority: the kind not yet tried (the reserved host after auto failed, auto after the reserved host
 * failed), then the next reserved host not tried.
 */
export function retryTarget(
  method: RecoveryMethod,
  o: {
    tried: readonly Attempted[];
    retries: number;
    spare: readonly Room[];
    reserved: readonly ReservedHost[];
    need: Need;
  },
): TargetChoice {
  const failed = o.tried.map(describeAttempt).join(', ');
  if (o.tried.length > o.retries) return { reason: `evacuation failed on ${failed}: ${spent(o.retries)}` };
  const untried = o.reserved.filter((r) => !o.tried.some((t) => t.kind === 'reserved' && t.host === r.host));
  const nextReserved = (): TargetChoice =>
    o.reserved.length && !untried.length
      ? { reason: `every reserved host was tried (${o.reserved.map((r) => r.host).join(', ')})` }
      : reserved(untried, o.need);
  const then = (choice: TargetChoice): TargetChoice =>
    choice.target
      ? {
          ...choice,
          reason: `retry ${o.tried.length} of ${o.retries} after evacuation failed on ${failed}: ${choice.reason}`,
        }
      : { reason: `evacuation failed on ${failed} and ${choice.reason}` };
  switch (method) {
    case 'auto':
      return then(auto(o.spare, o.need));
    case 'reserved_host':
      return then(nextReserved());
    case 'auto_priority':
    case 'rh_priority': {
      if (o.tried.some((t) => t.kind === 'auto')) return then(nextReserved());
      const first = auto(o.spare, o.need);
      if (first.target) return then(first);
      const second = nextReserved();
      return then(second.target ? second : { reason: `${first.reason}; ${second.reason}` });
    }
    default: {
      const unreachable: never = method;
      return unreachable;
    }
  }
}
