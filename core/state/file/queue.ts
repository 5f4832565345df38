/**
 * Delayed work on disk: one file per (queue, id) holding { id, dueAt, attempts?, token?, until? }.
 * Every change is made under the queue's lock (FileStore takes it) and written by rename, so a
 * reader sees an item whole, before or after. The lease rules are core/state/leases.ts.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod';
import { holds, leasable, leaseOf, retried, toLeased, toScheduled, type QueueItem } from '../leases';
import type { Leased, Scheduled } from '../store';
import { dueFirst } from '../values';
import { namesIn, readJson, removeFile, replaceFile } from './io';
import { queueDir, queueFile, type Layout } from './names';

const ItemFile = z.object({
  id: z.string(),
  dueAt: z.number(),
  attempts: z.number().optional(),
  token: z.string().optional(),
  until: z.number().optional(),
});

/** The text of a freshly scheduled item (also what a commit's schedule writes). */
export const scheduledText = (id: string, dueAt: number): string => JSON.stringify({ id, dueAt });

export function itemsIn(l: Layout, queue: string): QueueItem[] {
  const dir = queueDir(l, queue);
  const found: QueueItem[] = [];
  for (const name of namesIn(dir)) {
    const s = name.endsWith('.json') ? readJson(join(dir, name), ItemFile) : undefined;
    if (s) found.push(s);
  }
  return found;
}

const itemIn = (l: Layout, queue: string, id: string): QueueItem | undefined =>
  readJson(queueFile(l, queue, id), ItemFile);

function write(l: Layout, queue: string, item: QueueItem): void {
  mkdirSync(queueDir(l, queue), { recursive: true });
  replaceFile(queueFile(l, queue, item.id), JSON.stringify(item), l.tmp);
}

export const scheduleIn = (l: Layout, queue: string, id: string, dueAt: number): void => write(l, queue, { id, dueAt });

export const pendingIn = (l: Layout, queue: string): Scheduled[] => itemsIn(l, queue).map(toScheduled).sort(dueFirst);

export function leaseIn(l: Layout, queue: string, now: number, limit: number, leaseMs: number): Leased[] {
  return leasable(itemsIn(l, queue), now, limit).map((i) => {
    const leased = leaseOf(i, now, leaseMs);
    write(l, queue, leased);
    return toLeased(leased);
  });
}

export function ackIn(l: Layout, queue: string, id: string, token: string): boolean {
  if (!holds(itemIn(l, queue, id), token)) return false;
  return removeFile(queueFile(l, queue, id));
}

export function retryIn(l: Layout, queue: string, id: string, token: string, dueAt: number): boolean {
  const item = itemIn(l, queue, id);
  if (!holds(item, token)) return false;
  write(l, queue, retried(item!, dueAt));
  return true;
}

export function takeDueIn(l: Layout, queue: string, now: number, limit: number): string[] {
  const due = leasable(itemsIn(l, queue), now, limit);
  for (const { id } of due) removeFile(queueFile(l, queue, id));
  return due.map((i) => i.id);
}
