/** What stackmend manages: pets it evacuates, Heat-managed servers it replaces. Pure. */
import type { ReplaceTarget } from '../domain/plan';
import type { Facts, ServerFacts } from './facts';
import type { Policy } from './policy';

/** A pet: evacuated on host failure (the policy's HA metadata, or a name matching its pattern). */
export function isPet(s: ServerFacts, p: Policy): boolean {
  if (s.metadata[p.haMetadata.key] === p.haMetadata.value) return true;
  return !!(p.evacuateNamePattern && s.name && new RegExp(p.evacuateNamePattern).test(s.name));
}

/** Where Heat would replace the server: its resource in its stack, updated through the root. */
export const replaceTarget = (s: ServerFacts): ReplaceTarget | undefined =>
  s.owner && { serverId: s.id, root: s.owner.root, stack: s.owner.stack, resourceName: s.owner.resourceName };

/** A Heat-managed server stackmend replaces (cattle). */
export const isCattle = (s: ServerFacts, p: Policy): boolean => !!s.owner && p.replaceCattle;

export function describe(f: Facts): string {
  const s = f.incident.subject;
  return s.type === 'host' ? `host ${s.host}` : `server ${s.serverId}`;
}
