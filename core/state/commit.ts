/**
 * One atomic step of several writes (StateStore.commit). The stores check every requirement and
 * every reserve against the state as it is at that instant, then either apply all writes in
 * order or none:
 *   memory  one synchronous step (core/state/memory/commit.ts)
 *   file    the locks of every key, queue and set it touches, a journal, then renames (core/state/file/commit.ts)
 *   redis   one Lua script (core/state/redis/commit.ts)
 * A decision of classify-alarm is one commit, e.g.
 *   requires: [{ kind: 'absent', key: 'seen:<alarm>' }, { kind: 'absent', key: 'open-host:<host>' }]
 *   writes:   [{ kind: 'put', key: 'seen:<alarm>', … }, { kind: 'put', key: 'open-host:<host>', … },
 *              { kind: 'reserve', set: 'breaker', member: '<incident>', limit: 5 },
 *              { kind: 'put', key: 'incident:<incident>', … }, { kind: 'schedule', queue: 'evacuate', … }]
 * and the breaker is checked again the same way before acting: a commit that reserves the same
 * member again (a no-op while it holds its slot).
 */
import { checkEpochMs, checkName, encodeValue, ttlMs } from './values';
import { StateArgumentError } from './errors';

export type Requirement =
  /** The key holds no live value, or holds one this commit's token created (a retry of it). */
  | { kind: 'absent'; key: string }
  /** The key holds exactly this JSON value: what the caller read before deciding. */
  | { kind: 'equals'; key: string; value: unknown };

export type Write =
  | { kind: 'put'; key: string; value: unknown; ttlSeconds?: number }
  | { kind: 'delete'; key: string }
  /** Upsert into a due queue, as StateStore.schedule. */
  | { kind: 'schedule'; queue: string; id: string; dueAt: number }
  | { kind: 'append'; list: string; value: unknown }
  /**
   * Add member to set if it is already there or the set has fewer than limit members; otherwise
   * the whole commit is refused with a 'full' conflict. Checked with the requirements, before any
   * write. At most one reserve per set in one commit.
   */
  | { kind: 'reserve'; set: string; member: string; limit: number }
  | { kind: 'release'; set: string; member: string };

/**
 * token: names this commit for retries (default: a fresh one per call). Keys a commit puts
 * carry it as their owner (see StateStore.putIfAbsent). Stores remember applied tokens for
 * RECEIPT_TTL_SECONDS.
 */
export type Commit = { token?: string; requires?: Requirement[]; writes: Write[] };

/** found: the live value that broke the requirement (undefined = none). */
export type Conflict =
  | { kind: 'exists'; key: string; found: unknown }
  | { kind: 'changed'; key: string; found: unknown }
  | { kind: 'full'; set: string; limit: number; members: string[] };

export type CommitResult = { committed: true; replayed: boolean } | { committed: false; conflicts: Conflict[] };

export const RECEIPT_TTL_SECONDS = 86_400;

/** What a store can read synchronously while it holds the commit's exclusion. */
export type CommitView = {
  /** Live value of key as JSON text, with the owner that created it. */
  read(key: string): { json: string; owner?: string } | undefined;
  members(set: string): string[];
};

/** Every requirement and reserve that does not hold; none = the commit may be applied. */
export function conflictsOf(c: Commit, token: string, view: CommitView): Conflict[] {
  const out: Conflict[] = [];
  for (const r of c.requires ?? []) {
    const cur = view.read(r.key);
    if (r.kind === 'absent' && cur && cur.owner !== token)
      out.push({ kind: 'exists', key: r.key, found: JSON.parse(cur.json) });
    if (r.kind === 'equals' && cur?.json !== encodeValue(r.key, r.value))
      out.push({ kind: 'changed', key: r.key, found: cur ? JSON.parse(cur.json) : undefined });
  }
  for (const w of c.writes) {
    if (w.kind !== 'reserve') continue;
    const members = view.members(w.set);
    if (!members.includes(w.member) && members.length >= w.limit)
      out.push({ kind: 'full', set: w.set, limit: w.limit, members });
  }
  return out;
}

/** Argument checks shared by every store, before anything is read or written. */
export function checkCommit(c: Commit): void {
  if (!c || !Array.isArray(c.writes)) throw new StateArgumentError('commit needs { writes: [...] }.');
  if (c.token !== undefined) checkName('commit token', c.token);
  for (const r of c.requires ?? []) {
    checkName('key', r.key);
    if (r.kind === 'equals') encodeValue(r.key, r.value);
  }
  const reserved = new Set<string>();
  for (const w of c.writes) checkWrite(w, reserved);
}

function checkWrite(w: Write, reserved: Set<string>): void {
  switch (w.kind) {
    case 'put':
      encodeValue(checkName('key', w.key), w.value);
      ttlMs(w);
      return;
    case 'delete':
      checkName('key', w.key);
      return;
    case 'schedule':
      checkName('queue', w.queue);
      checkName('id', w.id);
      checkEpochMs('dueAt', w.dueAt);
      return;
    case 'append':
      encodeValue(checkName('list key', w.list), w.value);
      return;
    case 'reserve':
      checkName('member', w.member);
      if (!Number.isInteger(w.limit) || w.limit < 0)
        throw new StateArgumentError(`reserve limit must be a non-negative integer, got ${w.limit}.`);
      if (reserved.has(checkName('set', w.set)))
        throw new StateArgumentError(`one commit may reserve in set "${w.set}" only once; split the commit.`);
      reserved.add(w.set);
      return;
    case 'release':
      checkName('set', w.set);
      checkName('member', w.member);
      return;
    default: {
      const unreachable: never = w;
      throw new StateArgumentError(`unknown commit write ${JSON.stringify(unreachable)}.`);
    }
  }
}
