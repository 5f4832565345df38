/**
 * The blast radius as the fleet view shows it beside the circuit breaker (core/policy/blast.ts): each
 * limited scope's failed hosts against its limit now, the hosts fenced in this fence cycle, and the
 * storms the last decision stored (functions/_shared/blast.ts `blast:storms`) with when each cooldown
 * ends. Pure: from the BlastFacts functions/_shared/blast.ts readBlast reads.
 */
import { isoOf } from '../core/domain/clock';
import { assessBlast, type BlastFacts, type ScopeCount } from '../core/policy/blast';
import type { Policy } from '../core/policy/policy';

export type StormView = {
  scope: string;
  since: string;
  /** `storm`: over its limit when last looked at; `cooldown`: back under it since `calmSince`, held until `until`. */
  state: 'storm' | 'cooldown';
  calmSince?: string;
  until?: string;
  failed: string[];
  total: number;
  limit: string;
};

export type BlastView = {
  /** Every scope with a limit (cloud, zones, aggregates): its failed hosts now and whether that is over. */
  scopes: ScopeCount[];
  fencedThisCycle: string[];
  maxFencedPerCycle: number;
  cooldownSec: number;
  /** Storms still holding new host incidents; a cooldown already over is left out (the next look drops it). */
  storms: StormView[];
};

export function blastView(f: BlastFacts, p: Policy): BlastView {
  const cooldownMs = p.blastRadius.stormCooldownSec * 1000;
  // counted for no host of its own: '' is in no scope, so each scope's count is the fleet's as it is
  const { counts } = assessBlast('', f, p, false);
  const storms = Object.entries(f.storms).flatMap(([scope, s]): StormView[] => {
    const numbers = { scope, since: s.since, failed: s.failed, total: s.total, limit: s.limit };
    if (s.calmSince === undefined) return [{ ...numbers, state: 'storm' }];
    const until = Date.parse(s.calmSince) + cooldownMs;
    return until > f.at ? [{ ...numbers, state: 'cooldown', calmSince: s.calmSince, until: isoOf(until) }] : [];
  });
  return {
    scopes: counts.filter((c) => c.scope !== 'fencing'),
    fencedThisCycle: f.fencedThisCycle,
    maxFencedPerCycle: p.blastRadius.maxFencedPerCycle,
    cooldownSec: p.blastRadius.stormCooldownSec,
    storms: storms.sort((a, b) => a.scope.localeCompare(b.scope)),
  };
}
