/**
 * Rules every store implementation shares, so the three behave alike:
 * argument checks, JSON encoding, expiry arithmetic, ordering and paging.
 */
import { StateArgumentError, StateCorruptError } from './errors';
import { DEFAULT_TAKE_LIMIT, type ListPage, type Scheduled, type TtlOptions } from './store';

export function checkName(what: string, name: string): string {
  if (typeof name !== 'string' || name.length === 0) {
    throw new StateArgumentError(
      `${what} must be a non-empty string, got ${JSON.stringify(name)}. Pass the ${what} to use.`,
    );
  }
  return name;
}

/** JSON text of a value; undefined (or a function) cannot be stored, delete the key instead. */
export function encodeValue(key: string, value: unknown): string {
  const json = value === undefined ? undefined : JSON.stringify(value);
  if (json === undefined) {
    throw new StateArgumentError(
      `The value for "${key}" cannot be stored as JSON (got ${typeof value}). Use delete() to remove a key.`,
    );
  }
  return json;
}

/** Parse stored JSON; `where` names the place for the error when something else wrote there. */
export function decodeValue<T>(where: string, json: string): T {
  try {
    return JSON.parse(json) as T;
  } catch (e) {
    throw new StateCorruptError(where, 'not JSON', { cause: e });
  }
}

/** Milliseconds a TTL lasts, or undefined for "never expires". */
export function ttlMs(opts: TtlOptions | undefined): number | undefined {
  const s = opts?.ttlSeconds;
  if (s === undefined) return undefined;
  if (!Number.isFinite(s) || s <= 0) {
    throw new StateArgumentError(
      `ttlSeconds must be a positive number of seconds, got ${s}. Leave it out for no expiry.`,
    );
  }
  return Math.max(1, Math.round(s * 1000));
}

/** Epoch ms at which a value written now expires, or undefined for never. */
export function expiryFrom(now: number, opts: TtlOptions | undefined): number | undefined {
  const ms = ttlMs(opts);
  return ms === undefined ? undefined : now + ms;
}

export const isLive = (expiresAt: number | undefined, now: number): boolean =>
  expiresAt === undefined || expiresAt > now;

export const byKey = <E extends { key: string }>(a: E, b: E): number => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/** Soonest first; ties broken by id so every store hands out the same order. */
export const dueFirst = (a: Scheduled, b: Scheduled): number =>
  a.dueAt - b.dueAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export function checkEpochMs(what: string, ms: number): number {
  if (typeof ms !== 'number' || !Number.isFinite(ms))
    throw new StateArgumentError(`${what} must be epoch milliseconds, got ${ms}.`);
  return ms;
}

export function takeLimit(limit: number | undefined): number {
  const n = limit ?? DEFAULT_TAKE_LIMIT;
  if (!Number.isInteger(n) || n < 1) throw new StateArgumentError(`limit must be a positive integer, got ${limit}.`);
  return n;
}

/** The due entries, soonest first, at most limit of them. */
export function dueNow(entries: Scheduled[], now: number, limit: number): Scheduled[] {
  return entries
    .filter((e) => e.dueAt <= now)
    .sort(dueFirst)
    .slice(0, limit);
}

/** Normalised offset/limit; limit undefined means "to the end". */
export function pageBounds(opts: ListPage | undefined): { offset: number; limit?: number } {
  const offset = opts?.offset ?? 0;
  const limit = opts?.limit;
  if (!Number.isInteger(offset) || offset < 0)
    throw new StateArgumentError(`offset must be a non-negative integer, got ${offset}.`);
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 0)) {
    throw new StateArgumentError(`limit must be a non-negative integer, got ${limit}.`);
  }
  return { offset, limit };
}

export function page<T>(items: T[], opts: ListPage | undefined): T[] {
  const { offset, limit } = pageBounds(opts);
  return items.slice(offset, limit === undefined ? undefined : offset + limit);
}
