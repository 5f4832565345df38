/**
 * Lease rules shared by the memory and file stores (Redis keeps the same rules in Lua,
 * core/state/redis/queue.ts): an item is available when it is due and not leased, or when its
 * lease has ended; leasing it sets a fresh token, attempts + 1 and the lease's end.
 */
import { randomBytes } from 'node:crypto';
import { StateArgumentError } from './errors';
import type { LeaseOptions, Leased, Scheduled } from './store';
import { dueFirst, takeLimit } from './values';

export type QueueItem = { id: string; dueAt: number; attempts?: number; token?: string; until?: number };

export const newToken = (): string => randomBytes(12).toString('hex');

export const isAvailable = (i: QueueItem, now: number): boolean =>
  i.until === undefined ? i.dueAt <= now : i.until <= now;

/** When an item became available: its due time, or the end of its last lease. */
const availableAt = (i: QueueItem): number => i.until ?? i.dueAt;

/** The items lease() and takeDue() hand out now: soonest available first, ties by id. */
export const leasable = (items: QueueItem[], now: number, limit: number): QueueItem[] =>
  items
    .filter((i) => isAvailable(i, now))
    .sort((a, b) => dueFirst({ id: a.id, dueAt: availableAt(a) }, { id: b.id, dueAt: availableAt(b) }))
    .slice(0, limit);

export const leaseOf = (i: QueueItem, now: number, leaseMs: number): Required<QueueItem> => ({
  id: i.id,
  dueAt: i.dueAt,
  attempts: (i.attempts ?? 0) + 1,
  token: newToken(),
  until: now + leaseMs,
});

export const toLeased = (i: Required<QueueItem>): Leased => ({
  id: i.id,
  dueAt: i.dueAt,
  attempts: i.attempts,
  token: i.token,
  leasedUntil: i.until,
});

/** Back in the queue due at dueAt, attempts kept, lease gone. */
export const retried = (i: QueueItem, dueAt: number): QueueItem => ({ id: i.id, dueAt, attempts: i.attempts });

export function toScheduled(i: QueueItem): Scheduled {
  const s: Scheduled = { id: i.id, dueAt: i.dueAt };
  if (i.attempts) s.attempts = i.attempts;
  if (i.until !== undefined) s.leasedUntil = i.until;
  return s;
}

export const holds = (i: QueueItem | undefined, token: string): boolean =>
  i !== undefined && i.token !== undefined && i.token === token;

export function leaseLimits(opts: LeaseOptions): { limit: number; leaseMs: number } {
  const leaseMs = opts?.leaseMs;
  if (typeof leaseMs !== 'number' || !Number.isInteger(leaseMs) || leaseMs < 1)
    throw new StateArgumentError(`leaseMs must be a positive whole number of milliseconds, got ${leaseMs}.`);
  return { limit: takeLimit(opts.limit), leaseMs };
}
