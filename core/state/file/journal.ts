/**
 * The journal of a FileStore commit (journal/<token>.json, written before anything changes; see
 * file/commit.ts): what it appends, renames and unlinks, and the locks it holds while doing so.
 */
import { appendFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod';
import { isErrno, namesIn, readJson, readText, removeFile } from './io';
import { withLocks, type LockTiming } from './lock';
import type { Layout } from './names';

const Step = z.union([
  z.object({ op: z.literal('rename'), from: z.string(), to: z.string() }),
  z.object({ op: z.literal('unlink'), path: z.string() }),
]);
export type Step = z.infer<typeof Step>;
const Journal = z.object({
  locks: z.array(z.object({ path: z.string(), name: z.string() })),
  appends: z.array(z.object({ path: z.string(), text: z.string() })),
  steps: z.array(Step),
});

/** Run a journal's renames and unlinks, then remove it. Safe to run again after a crash part-way. */
export function finish(path: string): void {
  const journal = readJson(path, Journal);
  if (!journal) return;
  for (const s of journal.steps) {
    if (s.op === 'rename') renameIfThere(s.from, s.to);
    else removeFile(s.path);
  }
  removeFile(path);
}

/** A journal left behind by a holder that died: its appends (unless already there), then the rest. */
function replay(path: string): void {
  const journal = readJson(path, Journal);
  if (!journal) return;
  for (const a of journal.appends) if (!readText(a.path)?.includes(a.text)) appendFileSync(a.path, a.text);
  finish(path);
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
    if (journal) await withLocks(journal.locks, () => replay(path), timing);
  }
}
