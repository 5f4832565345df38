/** The MemoryStore's sets (commit reserve/release) and commit receipts. */
import { RECEIPT_TTL_SECONDS } from '../commit';
import { isLive } from '../values';

export class MemorySets {
  private readonly sets = new Map<string, Set<string>>();

  members = (set: string): string[] => [...(this.sets.get(set) ?? [])].sort();
  add = (set: string, member: string): void => void this.sets.set(set, new Set([...this.members(set), member]));
  remove = (set: string, member: string): void => void this.sets.get(set)?.delete(member);
}

/** Applied commit tokens, kept in expiry order (one TTL for all), so expired ones drop off the front. */
export class MemoryReceipts {
  private readonly expiries = new Map<string, number>();

  has(token: string, now: number): boolean {
    const at = this.expiries.get(token);
    return at !== undefined && isLive(at, now);
  }

  remember(token: string, now: number): void {
    this.expiries.set(token, now + RECEIPT_TTL_SECONDS * 1000);
    for (const [t, at] of this.expiries) {
      if (isLive(at, now)) break;
      this.expiries.delete(t);
    }
  }
}
