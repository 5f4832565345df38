/**
 * The incident repository over the state store: one record per incident, an index of open
 * incidents (`open:`), the circuit breaker (the set BREAKER: one slot per open incident the
 * breaker let through, core/state/commit.ts reserve), the subject locks (`open-host:<host>`,
 * `lock:server:<id>`) and the audit log — every timeline entry is also appended to `audit`, with
 * the incident key. Every change of a record is one commit with its audit entries; a record that
 * becomes terminal gives back its breaker slot and its subject lock in that same commit.
 */
import { StackmendError } from '../../core/domain/errors';
import type { Incident } from '../../core/domain/incident';
import { targetsOf } from '../../core/domain/pipeline';
import {
  isTerminal,
  type IncidentRecord,
  type IncidentStatus,
  type Outcome,
  type TimelineEntry,
} from '../../core/domain/plan';
import type { StormAudit } from '../../core/policy/storms';
import type { Commit, Conflict, Requirement, Write } from '../../core/state/commit';
import type { StateStore } from '../../core/state/store';
import type { ControlAudit } from './controls';

export const AUDIT_LOG = 'audit';
/** The circuit breaker's set: its members are the incidents holding a slot. */
export const BREAKER = 'breaker';
/** Tries of one optimistic change (the record changed between read and commit) before giving up. */
export const MAX_TRIES = 10;
export const K = {
  incident: (key: string) => `incident:${key}`,
  open: (key: string) => `open:${key}`,
  seen: (key: string) => `seen:${key}`,
  openHost: (host: string) => `open-host:${host}`,
  lock: (subject: string) => `lock:${subject}`,
  repeats: (subject: string) => `repeats:${subject}`,
  /** The one incident allowed to update a root stack now (functions/stack-update/root-lease.ts). */
  stackLease: (rootId: string) => `stack-lease:${rootId}`,
} as const;

export type AuditRecord = TimelineEntry & { incident: string; subject: string; status: IncidentStatus };
/** An operator's command on a host outside any incident: `stackmend host restore` (cli/host-restore.ts). */
export type HostAudit = {
  at: string;
  action: 'host-restore';
  /** `host:compute1` */
  subject: string;
  outcome: Outcome;
  by: { via: string; name: string };
  reason: string;
  requestIds: string[];
};
/**
 * The audit log holds incidents' timeline entries, the operator's switches (./controls.ts), host commands
 * and the blast radius's storms (core/policy/storms.ts, written by ./blast.ts).
 */
export type AuditEntry = AuditRecord | ControlAudit | HostAudit | StormAudit | SummaryAudit;
/** What notify told operators about an incident's state (functions/notify/index.ts), once per state. */
export type SummaryAudit = {
  at: string;
  kind: 'summary';
  incident: string;
  status: IncidentRecord['status'];
  told: { channel: string; ok: boolean }[];
};
export const isSummaryAudit = (e: AuditEntry): e is SummaryAudit => 'kind' in e && e.kind === 'summary';
export const isControlAudit = (e: AuditEntry): e is ControlAudit => 'control' in e;
export const isHostAudit = (e: AuditEntry): e is HostAudit => 'action' in e;
export const isStormAudit = (e: AuditEntry): e is StormAudit => 'storm' in e;
/** One line of `stackmend audit`. */
export const auditLine = (e: AuditEntry) =>
  isControlAudit(e)
    ? `${e.at} ${e.subject} ${e.control} ${e.on ? 'on' : 'off'}: ${e.reason}`
    : isHostAudit(e)
      ? `${e.at} ${e.subject} ${e.action} ${e.outcome}: ${e.reason}`
      : isStormAudit(e)
        ? `${e.at} ${e.scope} storm ${e.storm}: ${e.reason}`
        : isSummaryAudit(e)
          ? `${e.at} ${e.incident} notify ${e.status}: ${toldText(e)}`
          : `${e.at} ${e.incident} ${e.step} ${e.outcome}: ${e.reason}`;
/** The channels a summary went to, a failed one marked. */
export const toldText = (e: SummaryAudit) =>
  `told ${e.told.map((c) => `${c.channel}${c.ok ? '' : ' (failed)'}`).join(', ')}`;

export class IncidentNotFoundError extends StackmendError {
  override readonly status = 404;
  constructor(readonly key: string) {
    super(
      `incident "${key}" is not in the state store: it was never classified here, or the step points at another state_url`,
    );
  }
}

/** The circuit breaker has no free slot: `members` hold all `limit` of them. */
export class BreakerFullError extends StackmendError {
  override readonly status = 409;
  constructor(
    readonly incident: string,
    readonly limit: number,
    readonly members: string[],
  ) {
    super(
      `the circuit breaker is full: ${members.length} incidents hold its ${limit} slots (${members.join(', ')}), so ` +
        `incident ${incident} may not act now. Let them finish or dismiss them (stackmend dismiss), then try again`,
    );
  }
}

/** The record kept changing under MAX_TRIES read-and-commit attempts. */
export class IncidentContendedError extends StackmendError {
  override readonly status = 503;
  constructor(readonly key: string) {
    super(`incident "${key}" changed under ${MAX_TRIES} attempts to update it: nothing written, send it again`);
  }
}

export const subjectId = (i: Incident) =>
  i.subject.type === 'host' ? `host:${i.subject.host}` : `server:${i.subject.serverId}`;

/** The key that locks an incident's subject for one incident at a time. */
export const lockKey = (i: Incident) => (i.subject.type === 'host' ? K.openHost(i.subject.host) : K.lock(subjectId(i)));
export const LOCK_TTL_SECONDS = 86_400;

/**
 * Optional parts of a record change: more writes in the same commit (a due step, a breaker reserve),
 * and what else must hold for it (a lease still ours).
 */
export type RecordOptions = { writes?: Write[]; requires?: Requirement[] };

export const auditWrite = (r: IncidentRecord, e: TimelineEntry): Write => ({
  kind: 'append',
  list: AUDIT_LOG,
  value: { ...e, incident: r.key, subject: subjectId(r.incident), status: r.status } satisfies AuditRecord,
});

/** The writes that store a record and, when it is terminal, give back what it held (`held`: lock keys it holds). */
export function recordWrites(r: IncidentRecord, entries: TimelineEntry[], held: string[] = []): Write[] {
  const writes: Write[] = [{ kind: 'put', key: K.incident(r.key), value: r }, ...entries.map((e) => auditWrite(r, e))];
  if (!isTerminal(r.status)) return writes;
  writes.push({ kind: 'delete', key: K.open(r.key) }, { kind: 'release', set: BREAKER, member: r.key });
  for (const key of held) writes.push({ kind: 'delete', key });
  return writes;
}

/** The locks an incident may hold: its subject's, and a lease on each root stack its plan updates. */
const lockKeysOf = (r: IncidentRecord): string[] => [
  lockKey(r.incident),
  ...new Set(targetsOf(r.plan).replace.map((t) => K.stackLease(t.root.id))),
];

/** A slot in the breaker for the incident (core/state/commit.ts reserve). */
export const breakerSlot = (key: string, limit: number): Write => ({
  kind: 'reserve',
  set: BREAKER,
  member: key,
  limit,
});

const fullOf = (conflicts: Conflict[]) =>
  conflicts.find((c): c is Extract<Conflict, { kind: 'full' }> => c.kind === 'full');

export class Incidents {
  constructor(
    private readonly store: StateStore,
    private readonly now: () => number,
  ) {}

  private iso = () => new Date(this.now()).toISOString();

  /** Has a delivery with this key been decided already? (The decision's commit requires it has not.) */
  async seen(alarmKey: string): Promise<boolean> {
    return (await this.store.get(K.seen(alarmKey))) !== undefined;
  }

  /** The count of incidents on this subject within the repeat window so far (classify-alarm's commit moves it). */
  async repeatCount(i: Incident): Promise<number> {
    return (await this.store.get<number>(K.repeats(subjectId(i)))) ?? 0;
  }

  /** How many breaker slots are taken once `key` has one (its own slot counted once). */
  async breakerCount(key: string): Promise<number> {
    const members = await this.store.members(BREAKER);
    return members.length + (members.includes(key) ? 0 : 1);
  }

  get(key: string): Promise<IncidentRecord | undefined> {
    return this.store.get<IncidentRecord>(K.incident(key));
  }

  async require(key: string): Promise<IncidentRecord> {
    const r = await this.get(key);
    if (!r) throw new IncidentNotFoundError(key);
    return r;
  }

  /** Keys of the incidents not yet ended (the `open:` index), sorted. */
  async openKeys(): Promise<string[]> {
    return (await this.store.list(K.open(''))).map((e) => e.key.slice(K.open('').length));
  }

  /** Incidents not yet ended (the `open:` index). */
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

  /** Who holds the incident's subject lock now, and that holder's record as read. */
  async subjectHolder(i: Incident): Promise<{ holder?: string; record?: IncidentRecord }> {
    const holder = await this.store.get<string>(lockKey(i));
    return { holder, record: holder ? await this.get(holder) : undefined };
  }

  /** Stores a new record with its audit entries. false when one already exists under that key. */
  async create(r: IncidentRecord): Promise<boolean> {
    const writes = recordWrites(r, r.timeline);
    if (!isTerminal(r.status)) writes.push({ kind: 'put', key: K.open(r.key), value: { since: r.createdAt } });
    const res = await this.store.commit({ requires: [{ kind: 'absent', key: K.incident(r.key) }], writes });
    return res.committed;
  }

  /**
   * Appends a timeline entry (and the audit record) and applies a patch, in one commit with
   * `o.writes`; a terminal status releases the breaker slot and the subject lock in it. A reserve
   * in `o.writes` that finds the breaker full raises BreakerFullError and writes nothing.
   */
  async record(
    key: string,
    entry: Omit<TimelineEntry, 'at'>,
    patch: (r: IncidentRecord) => Partial<IncidentRecord> = () => ({}),
    o: RecordOptions = {},
  ): Promise<IncidentRecord> {
    for (let tries = 1; tries <= MAX_TRIES; tries++) {
      const cur = await this.require(key);
      const at = this.iso();
      const e = { at, ...entry };
      const updated = { ...cur, ...patch(cur), timeline: [...cur.timeline, e], updatedAt: at };
      const res = await this.store.commit(await this.changeOf(cur, updated, [e], o));
      if (res.committed) return updated;
      const full = fullOf(res.conflicts);
      if (full) throw new BreakerFullError(key, full.limit, full.members);
    }
    throw new IncidentContendedError(key);
  }

  /** The commit that turns `cur` into `updated`: nothing else may have changed the record meanwhile. */
  private async changeOf(cur: IncidentRecord, updated: IncidentRecord, entries: TimelineEntry[], o: RecordOptions) {
    const requires: Requirement[] = [{ kind: 'equals', key: K.incident(cur.key), value: cur }, ...(o.requires ?? [])];
    const held: string[] = [];
    if (isTerminal(updated.status))
      for (const lock of lockKeysOf(cur)) if ((await this.store.get<string>(lock)) === cur.key) held.push(lock);
    requires.push(...held.map((key): Requirement => ({ kind: 'equals', key, value: cur.key })));
    return { requires, writes: [...recordWrites(updated, entries, held), ...(o.writes ?? [])] } satisfies Commit;
  }

  /**
   * The breaker checked again before acting, the same way as at the decision: a reserve of the
   * incident's slot (a no-op while it holds one). The refusal when the breaker is full.
   */
  async takeSlot(key: string, limit: number): Promise<BreakerFullError | undefined> {
    const res = await this.store.commit({ writes: [breakerSlot(key, limit)] });
    const full = res.committed ? undefined : fullOf(res.conflicts);
    return full && new BreakerFullError(key, full.limit, full.members);
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

  /** The incidents' entries of the audit log. */
  async auditLog(limit = 1000): Promise<AuditRecord[]> {
    return (await this.auditEntries(limit)).filter(
      (e): e is AuditRecord => !isControlAudit(e) && !isStormAudit(e) && !isSummaryAudit(e),
    );
  }

  /** The whole audit log: the incidents' entries, the operator's switches and the storms, oldest first. */
  auditEntries(limit = 1000): Promise<AuditEntry[]> {
    return this.store.readList<AuditEntry>(AUDIT_LOG, { limit });
  }
}
