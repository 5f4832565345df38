/**
 * Delayed work on disk: one file per (queue, id) holding { id, dueAt }. schedule() replaces
 * the file (upsert). takeDue() claims a file by renaming it away: of concurrent takers only
 * one rename succeeds, so each id is handed out once.
 */
import { mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod';
import type { Scheduled } from '../store';
import { dueFirst, dueNow } from '../values';
import { createFile, isErrno, namesIn, readJson, removeFile, replaceFile, tempName } from './io';
import { queueDir, queueFile, type Layout } from './names';

const ScheduledFile = z.object({ id: z.string(), dueAt: z.number() });

export function scheduleIn(l: Layout, queue: string, id: string, dueAt: number): void {
  mkdirSync(queueDir(l, queue), { recursive: true });
  replaceFile(queueFile(l, queue, id), JSON.stringify({ id, dueAt }), l.tmp);
}

export function pendingIn(l: Layout, queue: string): Scheduled[] {
  const dir = queueDir(l, queue);
  const found: Scheduled[] = [];
  for (const name of namesIn(dir)) {
    const s = name.endsWith('.json') ? readJson(join(dir, name), ScheduledFile) : undefined;
    if (s) found.push(s);
  }
  return found.sort(dueFirst);
}

export function takeDueIn(l: Layout, queue: string, now: number, limit: number): string[] {
  const taken: string[] = [];
  for (const { id } of dueNow(pendingIn(l, queue), now, Infinity)) {
    if (taken.length >= limit) break;
    if (claim(l, queueFile(l, queue, id), now)) taken.push(id);
  }
  return taken;
}

/**
 * Rename the file aside; false when another taker got it first. If it was rescheduled to a
 * later time between our read and the rename, put it back (unless an even newer schedule exists).
 */
function claim(l: Layout, path: string, now: number): boolean {
  const aside = tempName(l.tmp, 'claim');
  try {
    renameSync(path, aside);
  } catch (e) {
    if (isErrno(e, 'ENOENT')) return false;
    throw e;
  }
  try {
    const claimed = readJson(aside, ScheduledFile);
    if (claimed && claimed.dueAt > now) {
      createFile(path, JSON.stringify(claimed), l.tmp);
      return false;
    }
    return true;
  } finally {
    removeFile(aside);
  }
}
