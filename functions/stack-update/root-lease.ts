/**
 * One stackmend update per root stack at a time: a lease on the root stack (`stack-lease:<root id>`,
 * functions/_shared/incidents.ts), taken in one commit before the PATCH and given back when the
 * update ends or the incident does. An incident whose root stack is already being repaired by
 * another open incident does not PATCH on top: it waits while the holder has not started its update
 * (the holder's PATCH replaces every member marked unhealthy by then, its own as well), and joins an
 * update already started (records it as its own, `joined`), so one PATCH replaces both.
 */
import { isTerminal, type IncidentRecord, type StackRef } from '../../core/domain/plan';
import type { Requirement, Write } from '../../core/state/commit';
import type { Deps } from '../_shared/deps';
import { K } from '../_shared/incidents';

/** An update is bounded by Heat's stack timeout (60 min by default); a lease outlives no update. */
export const STACK_LEASE_TTL_SECONDS = 3_600;

export type RootClaim =
  | { kind: 'ours' }
  | { kind: 'wait'; holder: string }
  | { kind: 'joined'; holder: string; update: IncidentRecord['updates'][string] };

/** The lease on `root` for incident `r`, or who holds it and what to do meanwhile. */
export async function claimRoot(d: Deps, r: IncidentRecord, root: StackRef): Promise<RootClaim> {
  const key = K.stackLease(root.id);
  const holder = await d.store.get<string>(key);
  if (holder === r.key) return { kind: 'ours' };
  const held = holder ? await d.incidents.get(holder) : undefined;
  if (holder && held && !isTerminal(held.status)) {
    const update = held.updates[root.id];
    return update ? { kind: 'joined', holder, update: { ...update, joined: holder } } : { kind: 'wait', holder };
  }
  const res = await d.store.commit({
    requires: [holder === undefined ? { kind: 'absent', key } : { kind: 'equals', key, value: holder }],
    writes: [{ kind: 'put', key, value: r.key, ttlSeconds: STACK_LEASE_TTL_SECONDS }],
  });
  if (res.committed) return { kind: 'ours' };
  return { kind: 'wait', holder: String((res.conflicts[0] as { found?: unknown }).found ?? 'another incident') };
}

/** What gives the lease back with the record change that ends the update (nothing when `r` does not hold it). */
export async function leaseRelease(
  d: Deps,
  r: IncidentRecord,
  root: StackRef,
): Promise<{ requires: Requirement[]; writes: Write[] }> {
  const key = K.stackLease(root.id);
  if ((await d.store.get<string>(key)) !== r.key) return { requires: [], writes: [] };
  return { requires: [{ kind: 'equals', key, value: r.key }], writes: [{ kind: 'delete', key }] };
}
