/**
 * detect → **decide**: the blast radius. So many hosts failing at once points at the monitor, the
 * network or the power, not at the hosts (cluster-api maxUnhealthy; InstanceHA refuses above 50 % and
 * fences at most 10 hosts per cycle): per cloud, per availability zone and per host aggregate, the most
 * hosts failed at once — hosts still down from earlier incidents counted — and the most hosts fenced per
 * cycle. A limit that trips starts a storm (medik8s NHC `stormCooldownDuration`,
 * internal/controller/nodehealthcheck_controller.go evaluateStormRecovery): while a limit is exceeded,
 * and for `stormCooldownSec` after the count first fell back under it, new host incidents in that scope
 * are held — no fence, no evacuation, the operator paged with the numbers; exceeding it again during the
 * cooldown ends the cooldown (the storm goes on). Work already under way (a host being fenced or
 * isolated) carries on. Pure: (facts, policy) → a verdict and the storm state to store with the decision.
 */
import * as z from 'zod';
import { epochMsOf, isoOf } from '../domain/clock';
import type { FencingPolicy } from '../domain/fencing';
import type { ComputeServiceState } from '../domain/host-liveness';
import { hostFenceChoice, type Facts } from './facts';
import { hostLiveness, type LivenessPolicy } from './host-liveness';
import { describeCount, stormSteps, stormsOf, type StormStep } from './storms';

/** A count of hosts (`2`) or a percentage of the scope's hosts (`"50%"`), as NHC's maxUnhealthy. */
export const LimitSchema = z
  .union([z.number().int().nonnegative(), z.string().regex(/^(100|[0-9]{1,2})%$/)])
  .describe('a number of hosts (2) or a percentage of the hosts in the scope ("50%")');
export type Limit = z.infer<typeof LimitSchema>;

export const BlastPolicySchema = z
  .object({
    cloud: LimitSchema.default('50%').describe(
      'The most compute hosts of the cloud failed at once; above it nothing is fenced or evacuated (InstanceHA: 50 %).',
    ),
    zone: LimitSchema.optional().describe('The same limit for every availability zone (none by default).'),
    zones: z.record(z.string(), LimitSchema).default({}).describe('Limits per availability zone, by zone name.'),
    aggregate: LimitSchema.optional().describe('The same limit for every host aggregate (none by default).'),
    aggregates: z.record(z.string(), LimitSchema).default({}).describe('Limits per host aggregate, by aggregate name.'),
    maxFencedPerCycle: z
      .number()
      .int()
      .positive()
      .default(10)
      .describe('The most hosts stackmend powers off within one fence cycle (InstanceHA: 10).'),
    fenceCycleSec: z.number().int().positive().default(45).describe('The fence cycle (InstanceHA polls every 45 s).'),
    stormCooldownSec: z
      .number()
      .nonnegative()
      .default(300)
      .describe(
        'After a limit tripped: how long new host incidents stay held once the failed count is back under the ' +
          'limit (medik8s NHC stormCooldownDuration); 0 resumes at once.',
      ),
  })
  .describe('Blast-radius limits (core/policy/blast.ts): when one trips, a storm holds new host incidents.');
export type BlastPolicy = z.infer<typeof BlastPolicySchema>;

/** A storm of one scope, as the state store keeps it: since when, and since when the count is back under. */
export const StormSchema = z.object({
  since: z.string(),
  calmSince: z.string().optional(),
  failed: z.array(z.string()),
  total: z.number(),
  limit: z.string(),
});
export const StormStateSchema = z.record(z.string(), StormSchema);
/** Scope (`cloud`, `zone:<name>`, `aggregate:<name>`, `fencing`) → its storm. */
export type StormState = z.infer<typeof StormStateSchema>;

/** What the blast radius is judged from: Nova's compute services and aggregates, the store's records. */
export type BlastFacts = {
  at: number;
  services: (ComputeServiceState & { zone?: string | null })[];
  aggregates: { name: string; hosts: string[] }[];
  /** Hosts with an open host incident (still down from earlier, as far as stackmend knows). */
  incidentHosts: string[];
  /** Hosts stackmend asked to power off in the current fence cycle. */
  fencedThisCycle: string[];
  storms: StormState;
};

export type ScopeCount = { scope: string; failed: string[]; total: number; limit: string; tripped: boolean };
/** next: the storms to store; transitions: what this look did to them (./storms.ts), `none` left out. */
export type BlastVerdict = { next: StormState; transitions: StormStep[]; counts: ScopeCount[] } & (
  { verdict: 'clear' } | { verdict: 'storm' | 'cooldown'; reason: string; until?: string }
);

const over = (failed: number, total: number, l: Limit) =>
  typeof l === 'number' ? failed > l : failed * 100 > parseInt(l, 10) * total;

/** Hosts that count as failed: down or forced down by Nova, silent past the policy, or with an open incident. */
export function failedHosts(subject: string, f: BlastFacts, p: LivenessPolicy): Set<string> {
  const down = f.services.filter((s) => hostLiveness(s, { now: f.at }, p).verdict === 'down').map((s) => s.host);
  return new Set([subject, ...down, ...f.incidentHosts]);
}

/** Every scope with a limit: the cloud, each zone and aggregate the policy limits. */
function scopes(f: BlastFacts, p: BlastPolicy): { scope: string; hosts: string[]; limit: Limit }[] {
  const out = [{ scope: 'cloud', hosts: f.services.map((s) => s.host), limit: p.cloud }];
  for (const zone of new Set(f.services.map((s) => s.zone).filter((z): z is string => !!z))) {
    const limit = p.zones[zone] ?? p.zone;
    const hosts = f.services.filter((s) => s.zone === zone).map((s) => s.host);
    if (limit !== undefined) out.push({ scope: `zone:${zone}`, hosts, limit });
  }
  for (const a of f.aggregates) {
    const limit = p.aggregates[a.name] ?? p.aggregate;
    if (limit !== undefined) out.push({ scope: `aggregate:${a.name}`, hosts: a.hosts, limit });
  }
  return out;
}

/**
 * The blast radius for a failed `host` now. `wantsFence`: stackmend would power it off (a driver for it
 * and no other fence evidence), so the fence cycle's limit applies too.
 */
export function assessBlast(
  host: string,
  f: BlastFacts,
  policy: LivenessPolicy & { blastRadius: BlastPolicy },
  wantsFence: boolean,
): BlastVerdict {
  const p = policy.blastRadius;
  const failed = failedHosts(host, f, policy);
  const counts: (ScopeCount & { hosts: string[] })[] = scopes(f, p).map((s) => {
    const inScope = s.hosts.filter((h) => failed.has(h)).sort();
    const total = s.hosts.length;
    return { ...s, failed: inScope, total, limit: String(s.limit), tripped: over(inScope.length, total, s.limit) };
  });
  const fenced = f.fencedThisCycle;
  const cycleFull = fenced.length >= p.maxFencedPerCycle && !fenced.includes(host);
  counts.push({
    scope: 'fencing',
    hosts: [host],
    failed: fenced,
    total: fenced.length,
    limit: String(p.maxFencedPerCycle),
    tripped: cycleFull && (wantsFence || !!f.storms.fencing),
  });
  const out = counts.map(({ hosts: _, ...c }) => c);
  const steps = stormSteps(f.storms, out, f.at, p.stormCooldownSec);
  const next = stormsOf(steps);
  const transitions = steps.filter((s) => s.transition !== 'none');
  const mine = counts.filter((c) => c.hosts.includes(host) && next[c.scope]);
  if (!mine.length) return { verdict: 'clear', next, transitions, counts: out };
  const tripped = mine.filter((c) => c.tripped);
  if (tripped.length)
    return {
      verdict: 'storm',
      reason: `${tripped.map(describeCount).join('; ')}: so many hosts failing at once points at the monitor, the network or the power, not the hosts. Nothing fenced or evacuated; held for a human`,
      next,
      transitions,
      counts: out,
    };
  const until = Math.max(...mine.map((c) => epochMsOf(next[c.scope].calmSince)! + p.stormCooldownSec * 1000));
  return {
    verdict: 'cooldown',
    until: isoOf(until),
    reason:
      `storm cooldown: ${mine.map((c) => `${c.scope} has been back under its limit (${describeCount(c)}) since ${next[c.scope].calmSince}`).join('; ')}; ` +
      `new host incidents are held until ${isoOf(until)} (stormCooldownSec ${p.stormCooldownSec})`,
    next,
    transitions,
    counts: out,
  };
}

/** The storm state changed by this look (what the decision's commit must write). */
export const stormChanged = (before: StormState, after: StormState) =>
  JSON.stringify(sortKeys(before)) !== JSON.stringify(sortKeys(after));
const sortKeys = (s: StormState) => Object.fromEntries(Object.entries(s).sort(([a], [b]) => a.localeCompare(b)));

type BlastInput = LivenessPolicy & { blastRadius: BlastPolicy; fencing: FencingPolicy };

/**
 * The blast radius of a host-down incident whose host is down, from its facts (undefined for anything
 * else): core/policy/decide-host.ts holds on it, and the decision's commit stores its `next` storms.
 */
export function blastOf(f: Facts, p: BlastInput): BlastVerdict | undefined {
  if (!f.blast || !f.host || f.liveness?.verdict !== 'down') return undefined;
  // a conflict fences nothing: decide-host.ts holds it after the blast radius
  const wantsFence = !f.fenceCheck?.accepted && hostFenceChoice(p, f.host).kind === 'target';
  return assessBlast(f.host.host, f.blast, p, wantsFence);
}
