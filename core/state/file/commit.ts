/**
 * A FileStore commit on disk. Under the locks of everything it touches (locksOf), the store checks
 * the requirements, then:
 *   1. every new file is written to a temp file (a full disk fails here, with nothing changed);
 *   2. the appends and the renames and unlinks are written as a journal (journal/<token>.json);
 *   3. the appends run, one write per list; if one fails (a full disk) the commit is abandoned:
 *      journal and temp files removed, nothing else changed (a torn line is skipped by readers);
 *   4. the renames and unlinks run (they need no new space), then the journal is removed.
 * A journal still there was left by a holder that died after step 2: the next mutating call takes
 * its locks and runs it again (recoverJournals). Renames and unlinks are idempotent; an append
 * already in its list is not written again.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { RECEIPT_TTL_SECONDS, conflictsOf, type Commit, type CommitResult, type Write } from '../commit';
import { encodeValue, expiryFrom } from '../values';
import { discard, replaceFile, writeTemp } from './io';
import { finish, type Step } from './journal';
import { envelope, hasReceipt, liveIn, membersIn, membersText, receiptText } from './kv';
import type { LockSpec } from './lock';
import { journalFile, keyFile, listFile, lockFile, queueDir, queueFile, receiptFile, setFile } from './names';
import type { Layout } from './names';
import { scheduledText } from './queue';

export function locksOf(l: Layout, c: Commit, token: string): LockSpec[] {
  const spec = (name: string, kind: Parameters<typeof lockFile>[2]) => ({ path: lockFile(l, name, kind), name });
  const locks = [spec(token, 'receipt'), ...(c.requires ?? []).map((r) => spec(r.key, 'key'))];
  for (const w of c.writes) {
    if (w.kind === 'put' || w.kind === 'delete') locks.push(spec(w.key, 'key'));
    if (w.kind === 'schedule') locks.push(spec(w.queue, 'queue'));
    if (w.kind === 'reserve' || w.kind === 'release') locks.push(spec(w.set, 'set'));
  }
  return locks;
}

/** The whole commit, with locksOf(c) held: replayed, refused with its conflicts, or applied. */
export function commitIn(l: Layout, c: Commit, token: string, locks: LockSpec[], now: number): CommitResult {
  if (hasReceipt(l, token, now)) return { committed: true, replayed: true };
  const read = (k: string) => {
    const s = liveIn(l, k, now);
    return s && { json: JSON.stringify(s.value), owner: s.owner };
  };
  const conflicts = conflictsOf(c, token, { read, members: (s) => membersIn(l, s) });
  if (conflicts.length) return { committed: false, conflicts };
  applyCommit(l, c, token, locks, now);
  return { committed: true, replayed: false };
}

/** Prepare (temp files) and run a commit whose requirements hold. */
function applyCommit(l: Layout, c: Commit, token: string, locks: LockSpec[], now: number): void {
  const temps: string[] = [];
  const temp = (text: string) => {
    const t = writeTemp(l.tmp, text);
    temps.push(t);
    return t;
  };
  const journal = journalFile(l, token);
  try {
    const steps = c.writes.flatMap((w) => stepsOf(l, w, token, now, temp));
    for (const [set, members] of setsAfter(l, c.writes))
      steps.push({ op: 'rename', from: temp(membersText(members)), to: setFile(l, set) });
    const expires = now + RECEIPT_TTL_SECONDS * 1000;
    steps.push({ op: 'rename', from: temp(receiptText(expires)), to: receiptFile(l, token) });
    const appends = appendsOf(l, c.writes);
    replaceFile(journal, JSON.stringify({ locks, appends, steps }), l.tmp);
    for (const a of appends) appendFileSync(a.path, a.text);
  } catch (e) {
    for (const t of [...temps, journal]) discard(t);
    throw e;
  }
  finish(journal);
}

/** The lines a commit appends, one write per list, in order. */
function appendsOf(l: Layout, writes: Write[]): { path: string; text: string }[] {
  const texts = new Map<string, string>();
  for (const w of writes) {
    if (w.kind !== 'append') continue;
    const path = listFile(l, w.list);
    texts.set(path, `${texts.get(path) ?? ''}\n${encodeValue(w.list, w.value)}`);
  }
  return [...texts].map(([path, text]) => ({ path, text }));
}

function stepsOf(l: Layout, w: Write, token: string, now: number, temp: (text: string) => string): Step[] {
  switch (w.kind) {
    case 'put':
      return [{ op: 'rename', from: temp(envelope(w.key, w.value, expiryFrom(now, w), token)), to: keyFile(l, w.key) }];
    case 'delete':
      return [{ op: 'unlink', path: keyFile(l, w.key) }];
    case 'schedule':
      mkdirSync(queueDir(l, w.queue), { recursive: true });
      return [{ op: 'rename', from: temp(scheduledText(w.id, w.dueAt)), to: queueFile(l, w.queue, w.id) }];
    case 'append': // appendsOf
    case 'reserve':
    case 'release':
      return []; // one write per list and per set (appendsOf, setsAfter)
    default: {
      const unreachable: never = w;
      return unreachable;
    }
  }
}

function setsAfter(l: Layout, writes: Write[]): Map<string, Set<string>> {
  const sets = new Map<string, Set<string>>();
  for (const w of writes) {
    if (w.kind !== 'reserve' && w.kind !== 'release') continue;
    const members = sets.get(w.set) ?? new Set(membersIn(l, w.set));
    if (w.kind === 'reserve') members.add(w.member);
    else members.delete(w.member);
    sets.set(w.set, members);
  }
  return sets;
}
