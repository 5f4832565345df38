/** The RedisStore's due queues: argument checks, then the scripts of redis/queue-scripts.ts. */
import { leaseLimits, newToken } from '../leases';
import type { LeaseOptions, Leased, Scheduled } from '../store';
import { checkEpochMs, checkName, dueFirst, takeLimit } from '../values';
import type { RedisConnection } from './connection';
import type { RedisNames } from './commit';

export class RedisQueues {
  constructor(
    private readonly conn: RedisConnection,
    private readonly n: RedisNames,
  ) {}

  async schedule(queue: string, id: string, dueAt: number): Promise<void> {
    const [z, h] = this.keys(queue);
    const [i, at] = [checkName('id', id), checkEpochMs('dueAt', dueAt)];
    await this.conn.run((r) => r.stackmendSchedule(z, h, i, at));
  }

  async lease(queue: string, now: number, opts: LeaseOptions): Promise<Leased[]> {
    const [z, h] = this.keys(queue);
    const [at, { limit, leaseMs }] = [checkEpochMs('now', now), leaseLimits(opts)];
    const flat = await this.conn.run((r) => r.stackmendLease(z, h, at, limit, leaseMs, newToken()));
    const out: Leased[] = [];
    for (let i = 0; i < flat.length; i += 5) {
      const [id, dueAt, attempts, token, until] = flat.slice(i, i + 5);
      out.push({ id, dueAt: Number(dueAt), attempts: Number(attempts), token, leasedUntil: Number(until) });
    }
    return out;
  }

  async ack(queue: string, id: string, token: string): Promise<boolean> {
    const [z, h] = this.keys(queue);
    const i = checkName('id', id);
    return (await this.conn.run((r) => r.stackmendAck(z, h, i, String(token)))) === 1;
  }

  async retry(queue: string, id: string, token: string, dueAt: number): Promise<boolean> {
    const [z, h] = this.keys(queue);
    const [i, at] = [checkName('id', id), checkEpochMs('dueAt', dueAt)];
    return (await this.conn.run((r) => r.stackmendRetry(z, h, i, String(token), at))) === 1;
  }

  async takeDue(queue: string, now: number, limit?: number): Promise<string[]> {
    const [z, h] = this.keys(queue);
    const [at, n] = [checkEpochMs('now', now), takeLimit(limit)];
    return this.conn.run((r) => r.stackmendTakeDue(z, h, at, n));
  }

  async pending(queue: string): Promise<Scheduled[]> {
    const [z, h] = this.keys(queue);
    const [flat, metas] = await this.conn.run((r) => Promise.all([r.zrange(z, 0, -1, 'WITHSCORES'), r.hgetall(h)]));
    const out: Scheduled[] = [];
    for (let i = 0; i < flat.length; i += 2) {
      const [id, score] = [flat[i], Number(flat[i + 1])];
      const m = metas[id]?.match(/^(\d+)\|([^|]*)\|(.*)$/);
      const s: Scheduled = { id, dueAt: m ? Number(m[2]) : score };
      if (m && Number(m[1]) > 0) s.attempts = Number(m[1]);
      if (m && m[3] !== '') s.leasedUntil = score;
      out.push(s);
    }
    return out.sort(dueFirst);
  }

  private keys(queue: string): [string, string] {
    const q = checkName('queue', queue);
    return [this.n.queue(q), this.n.leases(q)];
  }
}
