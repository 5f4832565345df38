/**
 * The incident repository over the state store: one record per incident, an index of
 * open incidents (circuit breaker), and the audit log — every timeline entry is also
 * appended to `audit`, with the incident key.
 */
import { StackmendError } from '../../core/domain/errors';
import type { Incident } from '../../core/domain/incident';
import { isTerminal, type IncidentRecord, type IncidentStatus, type TimelineEntry } from '../../core/domain/plan';
import type { StateStore } from '../../core/state/store';

export const AUDIT_LOG = 'audit';
const K = {
  incident: (key: string) => `incident:${key}`,
  open: (key: string) => `open:${key}`,
  seen: (key: string) => `seen:${key}`,
  openHost: (host: string) => `open-host:${host}`,
  lock: (subject: string) => `lock:${subject}`,
  repeats: (subject: string) => `repeats:${subject}`,
} as const;

export type AuditRecord = TimelineEntry & { incident: string; subject: string; status: IncidentStatus };

export class IncidentNotFoundError extends StackmendError {
  override readonly status = 404;
  constructor(readonly key: string) {
    super(
      `incident "${key}" is not in the state store: it was never classified here, or the step points at another state_url`,
    );
  }
}

export const subjectId = (i: Incident) =>
  i.subject.type === 'host' ? `host:${i.subject.host}` : `server:${i.subject.serverId}`;

export class Incidents {
  constructor(
    private readonly store: StateStore,
    private readonly now: () => number,
  ) {}

  private iso = () => new Date(this.now()).toISOString();

  /** First sight of an alarm delivery key? false = a duplicate delivery. */
  firstSighting(alarmKey: string): Promise<boolean> {
    return this.store.putIfAbsent(K.seen(alarmKey), { at: this.iso() }, { ttlSeconds: 7 * 86400 });
  }

  /** Undoes firstSighting when classification failed before anything was decided. */
  forget(alarmKey: string): Promise<void> {
    return this.store.delete(K.seen(alarmKey));
  }

  /** Counts this incident on its subject within the window; returns the count including it. */
  async countRepeat(i: Incident, windowSec: number): Promise<number> {
    return this.store.update<number>(K.repeats(subjectId(i)), (n) => (n ?? 0) + 1, { ttlSeconds: windowSec });
  }

  /** The count within the window so far, without counting (dry runs, rechecks). */
  async repeatCount(i: Incident): Promise<number> {
    return (await this.store.get<number>(K.repeats(subjectId(i)))) ?? 0;
  }

  get(key: string): Promise<IncidentRecord | undefined> {
    return this.store.get<IncidentRecord>(K.incident(key));
  }

  async require(key: string): Promise<IncidentRecord> {
    const r = await this.get(key);
    if (!r) throw new IncidentNotFoundError(key);
    return r;
  }

  async openCount(): Promise<number> {
    return (await this.store.list(K.open(''))).length;
  }

  /** The open incident already handling this host's failure, if any. */
  async openHostIncident(host: string): Promise<string | undefined> {
    const key = await this.store.get<string>(K.openHost(host));
    if (!key) return undefined;
    const r = await this.get(key);
    return r && !isTerminal(r.status) ? key : undefined;
  }

  /** Claims a subject (server or host) for one incident at a time; returns the holder when taken. */
  async claimSubject(r: IncidentRecord): Promise<string | undefined> {
    const subject = r.incident.subject;
    const lockKey = subject.type === 'host' ? K.openHost(subject.host) : K.lock(subjectId(r.incident));
    if (await this.store.putIfAbsent(lockKey, r.key, { ttlSeconds: 86400 })) return undefined;
    const holder = await this.store.get<string>(lockKey);
    const held = holder ? await this.get(holder) : undefined;
    if (held && !isTerminal(held.status)) return holder;
    await this.store.put(lockKey, r.key, { ttlSeconds: 86400 }); // the previous holder finished
    return undefined;
  }

  /** Stores a new record. false when one already exists under that key. */
  async create(r: IncidentRecord): Promise<boolean> {
    const created = await this.store.putIfAbsent(K.incident(r.key), r);
    if (created && !isTerminal(r.status)) await this.store.put(K.open(r.key), { since: r.createdAt });
    if (created) for (const e of r.timeline) await this.audit(r, e);
    return created;
  }

  /** Appends a timeline entry (and the audit record) and applies a patch, atomically. */
  async record(
    key: string,
    entry: Omit<TimelineEntry, 'at'>,
    patch: (r: IncidentRecord) => Partial<IncidentRecord> = () => ({}),
  ): Promise<IncidentRecord> {
    const at = this.iso();
    const updated = await this.store.update<IncidentRecord>(K.incident(key), (cur) => {
      if (!cur) throw new IncidentNotFoundError(key);
      return { ...cur, ...patch(cur), timeline: [...cur.timeline, { at, ...entry }], updatedAt: at };
    });
    if (isTerminal(updated.status)) await this.store.delete(K.open(key));
    await this.audit(updated, { at, ...entry });
    return updated;
  }

  /** Applies a patch without a timeline entry (progress bookkeeping). */
  patch(key: string, patch: (r: IncidentRecord) => Partial<IncidentRecord>): Promise<IncidentRecord> {
    return this.store.update<IncidentRecord>(K.incident(key), (cur) => {
      if (!cur) throw new IncidentNotFoundError(key);
      return { ...cur, ...patch(cur), updatedAt: this.iso() };
    });
  }

  async list(): Promise<IncidentRecord[]> {
    return (await this.store.list<IncidentRecord>(K.incident(''))).map((e) => e.value);
  }

  auditLog(limit = 1000): Promise<AuditRecord[]> {
    return this.store.readList<AuditRecord>(AUDIT_LOG, { limit });
  }

  private audit(r: IncidentRecord, e: TimelineEntry): Promise<void> {
    return this.store.append<AuditRecord>(AUDIT_LOG, {
      ...e,
      incident: r.key,
      subject: subjectId(r.incident),
      status: r.status,
    });
  }
}
