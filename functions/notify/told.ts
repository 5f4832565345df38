/**
 * Which channels have told operators about one incident state (its status and timeline length),
 * so that a retry tells only the channels that failed. A channel is marked told after its send
 * succeeded; while one invocation sends, it holds a short lease so a concurrent one does not send
 * the same notice again (a crashed sender gives the lease back by expiring).
 */
import type { IncidentRecord } from '../../core/domain/plan';
import type { StateStore } from '../../core/state/store';

const KEEP = { ttlSeconds: 7 * 86400 };
const LEASE = { ttlSeconds: 60 };

export class ToldChannels {
  private readonly state: string;

  constructor(
    private readonly store: StateStore,
    private readonly now: () => number,
    r: IncidentRecord,
  ) {
    this.state = `notified:${r.key}:${r.status}:${r.timeline.length}`;
  }

  told(channel: string): Promise<boolean> {
    return this.store.get(`${this.state}:${channel}`).then((v) => v !== undefined);
  }

  /** false: another invocation is telling this channel right now. */
  lease(channel: string): Promise<boolean> {
    return this.store.putIfAbsent(`${this.state}:${channel}:lease`, this.now(), LEASE);
  }

  async done(channel: string, ok: boolean): Promise<void> {
    if (ok) await this.store.put(`${this.state}:${channel}`, { at: new Date(this.now()).toISOString() }, KEEP);
    await this.store.delete(`${this.state}:${channel}:lease`);
  }

  /** Counts a failed attempt at this state; returns the count including it. */
  failedAttempt(): Promise<number> {
    return this.store.update<number>(`${this.state}:failed-attempts`, (n) => (n ?? 0) + 1, KEEP);
  }
}
