/**
 * Which reads of a server incident's facts the policy needs (functions/_shared/facts.ts asks before it
 * reads). Each costs a cloud call per alarm: the server's Glance image (GET /v2/images/{id}) and the host
 * aggregates (GET /os-aggregates). The server's flavor and availability zone come with the server itself
 * (Nova embeds the flavor, 2.47+, and `OS-EXT-AZ:availability_zone`), so they are never asked for here.
 * Host incidents read all of it, always (fencing, blast radius, evacuation order). Pure.
 */
import type { IncidentKind } from '../domain/incident';
import type { Selection } from './evacuation';
import type { Policy } from './policy';
import type { RuleMatch } from './rules';

export type ServerReads = {
  /** The server's image: a rule matches on `image`, or a selection in force is `evacuable-tag`. */
  image: boolean;
  /** The host's aggregates: a rule matches on `aggregate` or `aggregateMetadata`, or `evacuable-tag`. */
  aggregates: boolean;
};

/** The selection that looks at image tags and properties, flavor extra specs, aggregate metadata (./evacuable.ts). */
const TAGGED: Selection = 'evacuable-tag';

/** A rule that names kinds can match only an incident of one of them (core/policy/rules.ts `matches`). */
const mayMatch = (m: RuleMatch, kind: IncidentKind) =>
  m.kind === undefined || (Array.isArray(m.kind) ? m.kind.includes(kind) : m.kind === kind);

/**
 * The reads an incident of `kind` about a server needs under `p`: those of every rule that may match it
 * (its criteria, and the evacuation selection its settings give) and of the flat evacuation selection.
 * A rule that may match is counted even when an earlier one would win: more is read, never less.
 */
export function serverReads(p: Policy, kind: IncidentKind): ServerReads {
  const rules = p.rules.filter((r) => mayMatch(r.match, kind));
  const tagged = p.evacuation.select === TAGGED || rules.some((r) => r.settings?.evacuation?.select === TAGGED);
  return {
    image: tagged || rules.some((r) => r.match.image !== undefined),
    aggregates: tagged || rules.some((r) => r.match.aggregate !== undefined || r.match.aggregateMetadata !== undefined),
  };
}
