/**
 * Where the servers of a failed host go: Masakari's recovery methods
 * (masakari/engine/drivers/taskflow/host_failure.py and engine/manager.py):
 * - `auto`: Nova's scheduler picks a host for each server;
 * - `reserved_host`: every server to one reserved host (disabled until used; stackmend enables it first and
 *   names it in the evacuation), the first of the policy's reserved hosts that can take them;
 * - `auto_priority`: `auto`, and the reserved host when no enabled host can take them;
 * - `rh_priority`: the reserved host, and `auto` when no reserved host can take them.
 * Pure: the step that acts (functions/evacuate/targets.ts) passes Nova's services and hypervisors read now.
 */
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
