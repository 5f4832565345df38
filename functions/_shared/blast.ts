/**
 * The blast radius's state (core/policy/blast.ts) in the state store: the storms (`blast:storms`, one
 * value: scope → since when, since when back under the limit) and the hosts fenced in each fence cycle
 * (`blast:fences:<cycle>`). classify-alarm stores the storms its decision saw in the decision's own
 * commit (functions/classify-alarm/decision.ts); evacuate checks the blast radius again immediately before
 * it fences or writes (blastGate), because more hosts may have failed since the decision. Every commit that
 * moves the storms appends each storm's transition (core/policy/storms.ts: started, calming, flared,
 * resumed) to the audit log in that same commit; it requires the storms as read, so of invocations racing
 * from one read only one commits, and a transition is logged once.
 */
import { fenceTargetOf } from '../../core/domain/fencing';
import type { IncidentRecord } from '../../core/domain/plan';
import type { ComputeService } from '../../core/openstack/nova';
import {
  assessBlast,
  blastOf,
  StormStateSchema,
  stormChanged,
  type BlastFacts,
  type BlastVerdict,
} from '../../core/policy/blast';
import { stormAudit, type StormAudit } from '../../core/policy/storms';
import type { Facts } from '../../core/policy/facts';
import type { Policy } from '../../core/policy/policy';
import type { Requirement, Write } from '../../core/state/commit';
import type { StateStore } from '../../core/state/store';
import type { Deps } from './deps';
import { AUDIT_LOG, K, type Incidents } from './incidents';
import type { StepResult } from './step';

export const STORMS = 'blast:storms';
const cycleOf = (p: Policy, now: number) => Math.floor(now / (p.blastRadius.fenceCycleSec * 1000));
export const fenceCycleKey = (p: Policy, now: number) => `blast:fences:${cycleOf(p, now)}`;

type BlastDeps = { store: StateStore; incidents: Incidents; policy: Policy; now: () => number };
/** BlastFacts and the storms' value exactly as stored (what a commit that changes them requires). */
export type BlastRead = BlastFacts & { storedStorms?: unknown };

/** The fleet from Nova's compute services and aggregates (read by the caller), and the store's records. */
export async function readBlast(
  d: BlastDeps,
  services: ComputeService[],
  aggregates: { name: string; hosts: string[] }[],
): Promise<BlastRead> {
  const at = d.now();
  const stored = await d.store.get(STORMS);
  const openHosts = (await d.store.list(K.openHost(''))).map((e) => e.key.slice(K.openHost('').length));
  const incidentHosts: string[] = [];
  for (const host of openHosts) if (await d.incidents.openHostIncident(host)) incidentHosts.push(host);
  return {
    at,
    services,
    aggregates: aggregates.map((a) => ({ name: a.name, hosts: a.hosts })),
    incidentHosts,
    fencedThisCycle: (await d.store.get<string[]>(fenceCycleKey(d.policy, at))) ?? [],
    storms: StormStateSchema.safeParse(stored).data ?? {},
    storedStorms: stored,
  };
}

type StormMove = Pick<BlastVerdict, 'next' | 'transitions'>;

/**
 * The requirement and writes that move the storms from what `read` found to `v.next`, with an audit entry
 * per transition (nothing if unchanged).
 */
function stormChange(read: BlastRead, v: StormMove, cooldownSec: number): { requires: Requirement[]; writes: Write[] } {
  const { next } = v;
  if (!stormChanged(read.storms, next)) return { requires: [], writes: [] };
  const requires: Requirement[] = [
    read.storedStorms === undefined
      ? { kind: 'absent', key: STORMS }
      : { kind: 'equals', key: STORMS, value: read.storedStorms },
  ];
  const writes: Write[] = [
    Object.keys(next).length ? { kind: 'put', key: STORMS, value: next } : { kind: 'delete', key: STORMS },
  ];
  for (const t of v.transitions) {
    const entry = stormAudit(t, read.at, cooldownSec);
    if (entry) writes.push({ kind: 'append', list: AUDIT_LOG, value: entry satisfies StormAudit });
  }
  return { requires, writes };
}

/** What a decision on these facts must store of the storms, in its own commit. */
export function stormCommit(f: Facts, p: Policy): { requires: Requirement[]; writes: Write[] } {
  const v = blastOf(f, p);
  return v && f.blast
    ? stormChange(f.blast as BlastRead, v, p.blastRadius.stormCooldownSec)
    : { requires: [], writes: [] };
}

/**
 * The storms a look at the facts moved (a held incident looked at again, evacuate's check), stored on
 * their own with their audit entries: a conflict means another invocation stored a newer look (and logged
 * its transitions), and the next look moves them again.
 */
export async function saveStorms(store: StateStore, read: BlastRead, v: StormMove, p: Policy): Promise<void> {
  const c = stormChange(read, v, p.blastRadius.stormCooldownSec);
  if (c.writes.length) await store.commit(c);
}

/** A fence slot of the current cycle for `host` (core/policy/blast.ts maxFencedPerCycle); false when full. */
async function takeFenceSlot(d: Deps, host: string): Promise<boolean> {
  for (let tries = 0; tries < 5; tries++) {
    const key = fenceCycleKey(d.policy, d.now());
    const fenced = await d.store.get<string[]>(key);
    if (fenced?.includes(host)) return true;
    if ((fenced?.length ?? 0) >= d.policy.blastRadius.maxFencedPerCycle) return false;
    const res = await d.store.commit({
      requires: [fenced === undefined ? { kind: 'absent', key } : { kind: 'equals', key, value: fenced }],
      writes: [
        { kind: 'put', key, value: [...(fenced ?? []), host], ttlSeconds: 2 * d.policy.blastRadius.fenceCycleSec },
      ],
    });
    if (res.committed) return true;
  }
  return false;
}

/**
 * The blast radius checked again immediately before evacuate fences a host or writes to Nova: undefined
 * to go on, or the hold. Work already under way — a fence asked, the host isolated — carries on, and an
 * operator's approval is a human's decision (evacuate checks it). `hold`: functions/evacuate/verify.ts.
 */
export async function blastGate(
  d: Deps,
  r: IncidentRecord,
  hold: (d: Deps, r: IncidentRecord, reason: string) => Promise<StepResult[]>,
): Promise<StepResult[] | undefined> {
  if (r.plan?.action !== 'evacuate' || r.approval || r.fencing) return undefined;
  const host = r.plan.host;
  if (r.progress[`host:${host}`] === 'confirmed') return undefined;
  const nova = d.cloud().nova;
  const limits = d.policy.blastRadius;
  const [services, aggregates] = await Promise.all([
    nova.listComputeServices(),
    limits.aggregate !== undefined || Object.keys(limits.aggregates).length ? nova.listAggregates() : [],
  ]);
  const svc = services.find((s) => s.host === host);
  if (!svc) return undefined; // evacuate answers a host Nova does not know
  const read = await readBlast(d, services, aggregates);
  const wantsFence = !!fenceTargetOf(d.policy, host) && !svc.forced_down;
  const v = assessBlast(host, read, d.policy, wantsFence);
  if (!d.dryRun) await saveStorms(d.store, read, v, d.policy);
  if (v.verdict !== 'clear') return hold(d, r, `blast radius, checked again before fencing or writing: ${v.reason}`);
  if (wantsFence && !d.dryRun && !(await takeFenceSlot(d, host))) {
    const again = await readBlast(d, services, aggregates);
    const full = assessBlast(host, again, d.policy, true);
    if (!d.dryRun) await saveStorms(d.store, again, full, d.policy);
    if (full.verdict !== 'clear') return hold(d, r, `blast radius, checked again before fencing: ${full.reason}`);
  }
  return undefined;
}
