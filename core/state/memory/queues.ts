/** The due queues of the MemoryStore: synchronous, so every operation is atomic by itself. */
import { holds, leasable, leaseOf, leaseLimits, retried, toLeased, toScheduled, type QueueItem } from '../leases';
import type { LeaseOptions, Leased, Scheduled } from '../store';
import { checkEpochMs, checkName, dueFirst, takeLimit } from '../values';

export class MemoryQueues {
  private readonly queues = new Map<string, Map<string, QueueItem>>();

  schedule(queue: string, id: string, dueAt: number): void {
    const q = this.queues.get(checkName('queue', queue)) ?? new Map<string, QueueItem>();
    q.set(checkName('id', id), { id, dueAt: checkEpochMs('dueAt', dueAt) });
    this.queues.set(queue, q);
  }

  lease(queue: string, now: number, opts: LeaseOptions): Leased[] {
    const { limit, leaseMs } = leaseLimits(opts);
    const q = this.queue(queue);
    return leasable([...q.values()], checkEpochMs('now', now), limit).map((i) => {
      const l = leaseOf(i, now, leaseMs);
      q.set(i.id, l);
      return toLeased(l);
    });
  }

  ack(queue: string, id: string, token: string): boolean {
    const q = this.queue(queue);
    if (!holds(q.get(checkName('id', id)), token)) return false;
    q.delete(id);
    return true;
  }

  retry(queue: string, id: string, token: string, dueAt: number): boolean {
    const q = this.queue(queue);
    const item = q.get(checkName('id', id));
    if (!holds(item, token)) return false;
    q.set(id, retried(item!, checkEpochMs('dueAt', dueAt)));
    return true;
  }

  takeDue(queue: string, now: number, limit?: number): string[] {
    const q = this.queue(queue);
    const taken = leasable([...q.values()], checkEpochMs('now', now), takeLimit(limit));
    for (const { id } of taken) q.delete(id);
    return taken.map((i) => i.id);
  }

  pending(queue: string): Scheduled[] {
    return [...this.queue(queue).values()].map(toScheduled).sort(dueFirst);
  }

  private queue(name: string): Map<string, QueueItem> {
    return this.queues.get(checkName('queue', name)) ?? new Map<string, QueueItem>();
  }
}
