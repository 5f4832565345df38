/**
 * Which servers of a failed host are evacuated, and in what order (policy `evacuation`,
 * ./evacuation.ts). Pure: reads only the facts functions/_shared/facts.ts gathered.
 */
import type { HostFacts, ServerFacts } from './facts';
import type { Policy } from './policy';

/** InstanceHA's truth test of a tag's value (openstack-k8s-operators/infra-operator instanceha.py). */
const isTrue = (v: string | undefined) => v?.trim().toLowerCase() === 'true';

/**
 * The key that carries `tag` in `dict`: the tag itself, or a composite key that contains it
 * (`trait:CUSTOM_EVACUABLE`-style), as InstanceHA matches it; undefined when none says true.
 */
function taggedKey(dict: Record<string, string> | undefined, tag: string): string | undefined {
  if (!dict) return undefined;
  if (tag in dict) return isTrue(dict[tag]) ? tag : undefined;
  return Object.keys(dict).find((k) => k.includes(tag) && isTrue(dict[k]));
}

/** Why this server is evacuated under the policy's selection, or undefined when it is not. */
export function evacuableBecause(s: ServerFacts, p: Policy, h?: Pick<HostFacts, 'aggregates'>): string | undefined {
  const e = p.evacuation;
  switch (e.select) {
    case 'ha-metadata': {
      if (s.metadata[p.haMetadata.key] === p.haMetadata.value)
        return `metadata ${p.haMetadata.key}=${p.haMetadata.value}`;
      const pattern = p.evacuateNamePattern;
      return pattern && s.name && new RegExp(pattern).test(s.name) ? `name matches /${pattern}/` : undefined;
    }
    case 'evacuable-tag': {
      if (s.image?.tags.some((t) => t.includes(e.tag))) return `image ${s.image.id} tagged ${e.tag}`;
      const onImage = taggedKey(s.image?.properties, e.tag);
      if (onImage) return `image ${s.image!.id} property ${onImage}=true`;
      const onFlavor = taggedKey(s.flavor?.extraSpecs, e.tag);
      if (onFlavor) return `flavor ${s.flavor!.name ?? '?'} extra spec ${onFlavor}=true`;
      for (const a of h?.aggregates ?? []) {
        const key = taggedKey(a.metadata, e.tag);
        if (key) return `host aggregate ${a.name} metadata ${key}=true`;
      }
      return undefined;
    }
    case 'all':
      return s.owner && p.replaceCattle ? undefined : 'policy evacuates every server of the host';
    default: {
      const unreachable: never = e.select;
      return unreachable;
    }
  }
}

export const isEvacuable = (s: ServerFacts, p: Policy, h?: Pick<HostFacts, 'aggregates'>): boolean =>
  evacuableBecause(s, p, h) !== undefined;

/** The server's priority: a number under `priorityKey` in its metadata, else its image's, else its flavor's. */
export function priorityOf(s: ServerFacts, p: Policy): number | undefined {
  const key = p.evacuation.priorityKey;
  for (const v of [s.metadata[key], s.image?.properties[key], s.flavor?.extraSpecs[key]]) {
    const n = v === undefined ? NaN : Number(v);
    if (Number.isFinite(n)) return n;
  }
  return undefined;
}

/** Evacuation order: higher priority first, servers without one last; ties by name, then id. */
export function evacuationOrder<T extends ServerFacts>(servers: readonly T[], p: Policy): T[] {
  const key = (s: T) => priorityOf(s, p) ?? -Infinity;
  return [...servers].sort(
    (a, b) => key(b) - key(a) || (a.name ?? '').localeCompare(b.name ?? '') || a.id.localeCompare(b.id),
  );
}
