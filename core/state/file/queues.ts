/** The FileStore's due queues: argument checks, then core/state/file/queue.ts under the queue's lock. */
import { leaseLimits } from '../leases';
import type { LeaseOptions, Leased, Scheduled } from '../store';
import { checkEpochMs, checkName, takeLimit } from '../values';
import type { LockSpec } from './lock';
import { lockFile, type Layout } from './names';
import { ackIn, leaseIn, pendingIn, retryIn, scheduleIn, takeDueIn } from './queue';

type Locked = <R>(locks: LockSpec[], fn: () => R) => Promise<R>;

export class FileQueues {
  constructor(
    private readonly l: Layout,
    private readonly locked: Locked,
    private readonly guard: <R>(fn: () => R) => Promise<R>,
  ) {}

  async schedule(queue: string, id: string, dueAt: number): Promise<void> {
    const [q, i, at] = [checkName('queue', queue), checkName('id', id), checkEpochMs('dueAt', dueAt)];
    await this.locked(this.lock(q), () => scheduleIn(this.l, q, i, at));
  }

  async lease(queue: string, now: number, opts: LeaseOptions): Promise<Leased[]> {
    const [q, at, { limit, leaseMs }] = [checkName('queue', queue), checkEpochMs('now', now), leaseLimits(opts)];
    return this.locked(this.lock(q), () => leaseIn(this.l, q, at, limit, leaseMs));
  }

  async ack(queue: string, id: string, token: string): Promise<boolean> {
    const [q, i] = [checkName('queue', queue), checkName('id', id)];
    return this.locked(this.lock(q), () => ackIn(this.l, q, i, token));
  }

  async retry(queue: string, id: string, token: string, dueAt: number): Promise<boolean> {
    const [q, i, at] = [checkName('queue', queue), checkName('id', id), checkEpochMs('dueAt', dueAt)];
    return this.locked(this.lock(q), () => retryIn(this.l, q, i, token, at));
  }

  async takeDue(queue: string, now: number, limit?: number): Promise<string[]> {
    const [q, at, n] = [checkName('queue', queue), checkEpochMs('now', now), takeLimit(limit)];
    return this.locked(this.lock(q), () => takeDueIn(this.l, q, at, n));
  }

  private lock = (q: string): LockSpec[] => [{ path: lockFile(this.l, q, 'queue'), name: `queue ${q}` }];

  pending(queue: string): Promise<Scheduled[]> {
    return this.guard(() => pendingIn(this.l, checkName('queue', queue)));
  }
}
