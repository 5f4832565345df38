/**
 * What the fleet view says of one host beyond Nova's own words (./fleet.ts): whether stackmend fenced it,
 * and how many of its servers would be evacuated were it to fail — or that the fleet cannot tell. Pure.
 */
import { describeTarget, isolatingIncident } from '../core/domain/fencing';
import type { IncidentRecord } from '../core/domain/plan';
import { imageIdOf, type ComputeService, type Server } from '../core/openstack/nova';
import type { HostFacts } from '../core/policy/facts';
import { isPet } from '../core/policy/managed';
import type { Policy } from '../core/policy/policy';

/**
 * stackmend fenced the host and Nova does not report it back: its own power-off read back off
 * (functions/evacuate/fence.ts, the incident's `fencing`), and/or evacuate's force-down and disable
 * (functions/evacuate/index.ts, with its disabled_reason naming the incident).
 */
export type Fenced = { incident: string; poweredOff?: { through: string; at: string }; isolated: boolean };

export function fencedBy(svc: ComputeService, records: IncidentRecord[]): Fenced | undefined {
  const isolatedBy = svc.forced_down && svc.status === 'disabled' ? isolatingIncident(svc.disabled_reason) : undefined;
  // a host powered on again and reporting to Nova without the force-down is back (cli/host-restore.ts)
  const stillDown = svc.state === 'down' || svc.forced_down;
  const power = records
    .filter((r) => stillDown && r.fencing?.host === svc.host && r.fencing.offAt)
    .sort((a, b) => b.fencing!.offAt!.localeCompare(a.fencing!.offAt!))[0];
  const incident = isolatedBy ?? power?.key;
  if (!incident) return undefined;
  return {
    incident,
    ...(power ? { poweredOff: { through: describeTarget(power.fencing!.target), at: power.fencing!.offAt! } } : {}),
    isolated: !!isolatedBy,
  };
}

/** The settings that say which servers are evacuated: a policy rule setting one may choose other servers. */
const SELECTION = ['evacuation', 'haMetadata', 'evacuateNamePattern', 'replaceCattle'] as const;

/**
 * How many of `servers` the policy evacuates, from what the fleet reads (each server's metadata, name and
 * embedded flavor, the host's aggregates); `unknown` says why when that is not enough: the fleet reads no
 * Glance image, no Heat ownership, and matches no policy rule.
 */
export function evacuableOn(
  servers: Server[],
  host: Pick<HostFacts, 'aggregates'>,
  p: Policy,
): { count: number } | { unknown: string } {
  const overriding = p.rules.filter((r) => SELECTION.some((k) => r.settings?.[k] !== undefined)).map((r) => r.name);
  if (overriding.length)
    return { unknown: `policy rule(s) ${overriding.join(', ')} choose which servers are evacuated where they match` };
  const facts = servers.map((s) => ({
    server: s,
    pet: isPet(
      {
        id: s.id,
        name: s.name,
        metadata: s.metadata,
        gone: false,
        flavor: s.flavor && { name: s.flavor.original_name, extraSpecs: s.flavor.extra_specs ?? {} },
      },
      p,
      host,
    ),
  }));
  const count = facts.filter((f) => f.pet).length;
  const select = p.evacuation.select;
  switch (select) {
    case 'ha-metadata':
      return { count };
    case 'all':
      return p.replaceCattle
        ? { unknown: 'the policy evacuates every server Heat does not manage; the fleet does not ask Heat' }
        : { count };
    case 'evacuable-tag': {
      const undecided = facts.filter((f) => !f.pet && imageIdOf(f.server)).length;
      return undecided
        ? {
            unknown: `${count} by flavor or aggregate; ${undecided} booted from an image, whose tags the fleet does not read`,
          }
        : { count };
    }
    default: {
      const unreachable: never = select;
      return unreachable;
    }
  }
}
