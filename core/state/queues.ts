/**
 * The due-queue half of StateStore, delegated: each store keeps its queues in one object
 * (memory/queues.ts, file/queues.ts, redis/queues.ts) and inherits these methods.
 */
import type { LeaseOptions, Leased, Scheduled, StateStore } from './store';

type QueueMethod = 'schedule' | 'lease' | 'ack' | 'retry' | 'takeDue' | 'pending';
/** The same methods as StateStore's, allowed to answer synchronously. */
export type DueQueues = {
  [K in QueueMethod]: (
    ...args: Parameters<StateStore[K]>
  ) => Awaited<ReturnType<StateStore[K]>> | ReturnType<StateStore[K]>;
};

export abstract class WithQueues {
  protected abstract readonly queues: DueQueues;

  async schedule(queue: string, id: string, dueAt: number): Promise<void> {
    return this.queues.schedule(queue, id, dueAt);
  }
  async lease(queue: string, now: number, opts: LeaseOptions): Promise<Leased[]> {
    return this.queues.lease(queue, now, opts);
  }
  async ack(queue: string, id: string, token: string): Promise<boolean> {
    return this.queues.ack(queue, id, token);
  }
  async retry(queue: string, id: string, token: string, dueAt: number): Promise<boolean> {
    return this.queues.retry(queue, id, token, dueAt);
  }
  async takeDue(queue: string, now: number, limit?: number): Promise<string[]> {
    return this.queues.takeDue(queue, now, limit);
  }
  async pending(queue: string): Promise<Scheduled[]> {
    return this.queues.pending(queue);
  }
}
