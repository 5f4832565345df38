/**
 * A FileStore commit on disk. Under the locks of everything it touches (locksOf), the store checks
 * the requirements, then: every new file is written to a temp file first (a full disk fails here,
 * with nothing changed); the list of renames, unlinks and appends is written as a journal
 * (journal/<token>.json, by rename: the commit point); the steps run; the journal is removed.
 * A journal still there was left by a holder that died or failed mid-way: the next mutating call
 * takes its locks and runs it again (recoverJournals). Renames and unlinks are idempotent; an
 * append may be repeated when the holder died right after it.
 */
import { appendFileSync, mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod';
import { RECEIPT_TTL_SECONDS, conflictsOf, type Commit, type CommitResult, type Write } from '../commit';
import { encodeValue, expiryFrom } from '../values';
import { discard, isErrno, namesIn, readJson, removeFile, replaceFile, writeTemp } from './io';
import { envelope, hasReceipt, liveIn, membersIn, membersText, receiptText } from './kv';
import { withLocks, type LockSpec, type LockTiming } from './lock';
import { journalFile, keyFile, listFile, lockFile, queueDir, queueFile, receiptFile, setFile } from './names';
import type { Layout } from './names';
import { scheduledText } from './queue';

const Step = z.union([
  z.object({ op: z.literal('rename'), from: z.string(), to: z.string() }),
  z.object({ op: z.literal('unlink'), path: z.string() }),
  z.object({ op: z.literal('append'), path: z.string(), line: z.string() }),
]);
type Step = z.infer<typeof Step>;
const Journal = z.object({ locks: z.array(z.object({ path: z.string(), name: z.string() })), steps: z.array(Step) });

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
  try {
    const steps = c.writes.flatMap((w) => stepsOf(l, w, token, now, temp));
    for (const [set, members] of setsAfter(l, c.writes))
      steps.push({ op: 'rename', from: temp(membersText(members)), to: setFile(l, set) });
    const expires = now + RECEIPT_TTL_SECONDS * 1000;
    steps.push({ op: 'rename', from: temp(receiptText(expires)), to: receiptFile(l, token) });
    replaceFile(journalFile(l, token), JSON.stringify({ locks, steps }), l.tmp);
  } catch (e) {
    for (const t of temps) discard(t);
    throw e;
  }
  run(l, journalFile(l, token));
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
    case 'append':
      return [{ op: 'append', path: listFile(l, w.list), line: `\n${encodeValue(w.list, w.value)}` }];
    case 'reserve':
    case 'release':
      return []; // one write per set, after the others (setsAfter)
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

/** Run a journal's steps, then remove it. Safe to run again after a crash part-way. */
function run(l: Layout, path: string): void {
  const journal = readJson(path, Journal);
  if (!journal) return;
  for (const s of journal.steps) {
    if (s.op === 'rename') renameIfThere(s.from, s.to);
    else if (s.op === 'unlink') removeFile(s.path);
    else appendFileSync(s.path, s.line);
  }
  removeFile(path);
}

function renameIfThere(from: string, to: string): void {
  try {
    renameSync(from, to);
  } catch (e) {
    if (!isErrno(e, 'ENOENT')) throw e; // already renamed by an earlier run
  }
}

/** Finish every commit a dead or failed holder left behind, under that commit's own locks. */
export async function recoverJournals(l: Layout, timing: LockTiming): Promise<void> {
  for (const name of namesIn(l.journal)) {
    const path = join(l.journal, name);
    const journal = name.endsWith('.json') ? readJson(path, Journal) : undefined;
    if (journal) await withLocks(journal.locks, () => run(l, path), timing);
  }
}
