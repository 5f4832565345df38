/** What stackmend manages: pets it evacuates, Heat-managed servers it replaces. Pure. */
import type { ReplaceTarget } from '../domain/plan';
import { isEvacuable } from './evacuable';
import type { Facts, HostFacts, ServerFacts } from './facts';
import type { Policy } from './policy';

/**
 * A pet: evacuated on host failure, as the policy's `evacuation.select` says (./evacuable.ts; by default
 * the HA metadata, or a name matching evacuateNamePattern). `h` gives the aggregates of the server's host.
 */
export const isPet = (s: ServerFacts, p: Policy, h?: Pick<HostFacts, 'aggregates'>): boolean => isEvacuable(s, p, h);

/** Where Heat would replace the server: its resource in its stack, updated through the root. */
export const replaceTarget = (s: ServerFacts): ReplaceTarget | undefined =>
  s.owner && { serverId: s.id, root: s.owner.root, stack: s.owner.stack, resourceName: s.owner.resourceName };

/** A Heat-managed server stackmend replaces (cattle). */
export const isCattle = (s: ServerFacts, p: Policy): boolean => !!s.owner && p.replaceCattle;

export function describe(f: Facts): string {
  const s = f.incident.subject;
  return s.type === 'host' ? `host ${s.host}` : `server ${s.serverId}`;
}
