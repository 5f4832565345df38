/**
 * detect → **decide**: what one look at the blast radius does to each scope's storm (core/policy/blast.ts),
 * as data: the storm to store and the transition it made — `started` (a limit tripped, no storm before),
 * `calming` (back under the limit: the cooldown starts), `flared` (over the limit again during the
 * cooldown: the cooldown is cancelled, medik8s NHC evaluateStormRecovery), `resumed` (the cooldown is
 * over, or the scope has no limit any more: new host incidents there are decided again) or `none`. Each
 * transition but `none` is one audit entry, written in the commit that stores the storms
 * (functions/_shared/blast.ts), so racing invocations log it once. Pure.
 */
import { epochMsOf, isoOf } from '../domain/clock';
import type { ScopeCount, StormState } from './blast';

type Storm = StormState[string];
export const STORM_TRANSITIONS = ['started', 'calming', 'flared', 'resumed'] as const;
export type StormTransition = (typeof STORM_TRANSITIONS)[number] | 'none';

/** One scope's storm after a look: what to store (undefined: no storm) and the transition. */
export type StormStep = {
  scope: string;
  transition: StormTransition;
  next?: Storm;
  /** The scope's count at this look (undefined: the policy no longer limits it). */
  count?: ScopeCount;
  /** The storm as stored before the look. */
  prev?: Storm;
};

/** A storm's transition as the audit log keeps it (`stackmend audit`), next to incidents' entries. */
export type StormAudit = {
  at: string;
  storm: Exclude<StormTransition, 'none'>;
  /** `cloud`, `zone:<name>`, `aggregate:<name>` or `fencing` (the fence cycle's limit). */
  scope: string;
  /** The count at this look: failed hosts (fencing: hosts fenced this cycle), of total, against limit. */
  failed: string[];
  total: number;
  limit: string;
  /** When the storm started. */
  since: string;
  calmSince?: string;
  /** calming: when new host incidents stop being held (unless it trips again); resumed: when the cooldown ended. */
  until?: string;
  reason: string;
};

const pct = (n: number, total: number) => (total ? Math.round((n * 100) / total) : 0);

/** A scope's count in words, as the page and the audit log say it. */
export function describeCount(c: ScopeCount): string {
  if (c.scope === 'fencing')
    return `${c.total} host(s) already fenced in this fence cycle (${c.failed.join(', ')}; limit ${c.limit} per cycle)`;
  const share = c.limit.endsWith('%') ? ` = ${pct(c.failed.length, c.total)} %` : '';
  return `${c.failed.length} of ${c.total} hosts failed in ${c.scope}${share} (${c.failed.join(', ') || 'none'}; limit ${c.limit})`;
}

/** One scope: tripped → on (a cooldown cancelled); back under → cooldown from now; cooled → over. */
export function stormStep(
  scope: string,
  prev: Storm | undefined,
  c: ScopeCount | undefined,
  at: number,
  cooldownSec: number,
): StormStep {
  const now = isoOf(at);
  if (c?.tripped) {
    const next = { since: prev?.since ?? now, failed: c.failed, total: c.total, limit: c.limit };
    return { scope, next, count: c, prev, transition: !prev ? 'started' : prev.calmSince ? 'flared' : 'none' };
  }
  if (!prev) return { scope, count: c, transition: 'none' };
  const calmSince = prev.calmSince ?? now;
  // a scope no longer counted (no limit for it now, or gone from Nova's listing) has nothing to cool down from
  if (c && at - epochMsOf(calmSince)! < cooldownSec * 1000)
    return { scope, next: { ...prev, calmSince }, count: c, prev, transition: prev.calmSince ? 'none' : 'calming' };
  return { scope, count: c, prev, transition: 'resumed' };
}

/** Every scope counted now or stormy before, in scope order. */
export function stormSteps(before: StormState, counts: ScopeCount[], at: number, cooldownSec: number): StormStep[] {
  const byScope = new Map(counts.map((c) => [c.scope, c]));
  const scopes = [...new Set([...counts.map((c) => c.scope), ...Object.keys(before)])].sort();
  return scopes.map((s) => stormStep(s, before[s], byScope.get(s), at, cooldownSec));
}

/** The storms to store after these steps. */
export const stormsOf = (steps: StormStep[]): StormState =>
  Object.fromEntries(steps.flatMap((s) => (s.next ? [[s.scope, s.next]] : [])));

/** The audit entry of a step; undefined for `none`. */
export function stormAudit(s: StormStep, at: number, cooldownSec: number): StormAudit | undefined {
  const storm = s.next ?? s.prev;
  if (!storm) return undefined;
  const numbers = s.count ?? { scope: s.scope, failed: storm.failed, total: storm.total, limit: storm.limit };
  const base = { at: isoOf(at), scope: s.scope, failed: numbers.failed, total: numbers.total, limit: numbers.limit };
  const since = storm.since;
  const counted = s.count
    ? describeCount(s.count)
    : `${s.scope} is no longer counted (the policy does not limit it now, or Nova lists no such zone or aggregate)`;
  switch (s.transition) {
    case 'none':
      return undefined;
    case 'started':
      return {
        ...base,
        storm: 'started',
        since,
        reason:
          `storm started in ${s.scope}: ${counted}. New host incidents there are held (no fence, no evacuation) ` +
          `while it is over the limit and for ${cooldownSec} s after it is back under (stormCooldownSec)`,
      };
    case 'calming': {
      const until = isoOf(epochMsOf(storm.calmSince)! + cooldownSec * 1000);
      return {
        ...base,
        storm: 'calming',
        since,
        calmSince: storm.calmSince,
        until,
        reason:
          `storm calming in ${s.scope}: back under its limit (${counted}); the cooldown started: new host ` +
          `incidents there stay held until ${until} (stormCooldownSec ${cooldownSec}) unless it goes over again`,
      };
    }
    case 'flared':
      return {
        ...base,
        storm: 'flared',
        since,
        calmSince: s.prev?.calmSince,
        reason: `storm in ${s.scope} over its limit again during its cooldown (${counted}): the cooldown is cancelled, new host incidents there stay held`,
      };
    case 'resumed': {
      const calmSince = storm.calmSince ?? isoOf(at);
      const until = isoOf(epochMsOf(calmSince)! + cooldownSec * 1000);
      return {
        ...base,
        storm: 'resumed',
        since,
        calmSince,
        until,
        reason: s.count
          ? `automation resumed in ${s.scope}: the storm since ${since} is over (${counted}; back under it since ` +
            `${calmSince}, cooldown of ${cooldownSec} s ended ${until}); new host incidents there are decided again`
          : `automation resumed in ${s.scope}: ${counted}, so the storm since ${since} no longer holds anything`,
      };
    }
    default: {
      const unreachable: never = s.transition;
      return unreachable;
    }
  }
}
