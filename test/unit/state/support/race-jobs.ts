/** What a racing process (support/race-worker.ts) is asked to do, and against which store. */
import { FileStore, RedisStore, type StateStore } from '../../../../core/state';

export type Target = { kind: 'file'; dir: string } | { kind: 'redis'; url: string; keyPrefix: string };
export type Job = { target: Target; name: string; startAt: number } & (
  | { scenario: 'create'; times: number }
  | { scenario: 'claim'; subjects: number; limit: number }
  | { scenario: 'lease-and-hang'; leaseMs: number; limit: number }
  | { scenario: 'drain'; leaseMs: number; deadline: number }
);

export const openTarget = (t: Target): StateStore =>
  t.kind === 'file'
    ? new FileStore(t.dir, { lock: { waitMs: 60_000 } }) // correctness under contention, not the wait bound
    : new RedisStore(t.url, { keyPrefix: t.keyPrefix });
