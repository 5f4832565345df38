/** `stackmend incidents | audit | maintenance`: what stackmend knows, from the state store. */
import { openStore } from '../core/state';
import { Controls, EVERYTHING } from '../functions/_shared/controls';
import {
  auditLine,
  Incidents,
  isStormAudit,
  isSummaryAudit,
  toldText,
  type AuditEntry,
} from '../functions/_shared/incidents';
import { parametersFrom, parse, UsageError } from './args';
import { controlSubject, localUser } from './controls';
import { formatOf, renderRows } from './output';
import { formatTimeline } from './timeline';

async function withIncidents<T>(
  values: Record<string, unknown>,
  f: (i: Incidents, store: ReturnType<typeof openStore>) => Promise<T>,
): Promise<T> {
  const store = openStore(String(parametersFrom(values).state_url));
  try {
    return await f(new Incidents(store, Date.now), store);
  } finally {
    await store.close();
  }
}

export async function incidents(argv: string[]): Promise<number> {
  const { values } = parse(argv, {});
  await withIncidents(values, async (i) => {
    const all = await i.list();
    if (values.json || values.format) {
      const f = formatOf(values, 'json');
      if (f === 'json') return void process.stdout.write(`${JSON.stringify(all, null, 2)}\n`);
      const rows = all.map((r) => ({
        key: r.key,
        status: r.status,
        rule: r.decision?.rule,
        summary: r.incident.summary,
      }));
      return void process.stdout.write(renderRows(rows, ['key', 'status', 'rule', 'summary'], f));
    }
    if (all.length === 0) return void process.stdout.write('no incidents\n');
    for (const r of all)
      process.stdout.write(`${r.key}  [${r.status}]  ${r.incident.summary}\n${formatTimeline(r.timeline, '    ')}\n`);
  });
  return 0;
}

/** A row of the audit log: a storm (core/policy/storms.ts) shows its scope as subject, a summary whom notify told. */
const auditRow = (e: AuditEntry): Record<string, unknown> =>
  isStormAudit(e)
    ? { ...e, subject: e.scope, outcome: `storm ${e.storm}` }
    : isSummaryAudit(e)
      ? { ...e, step: 'notify', outcome: e.status, reason: toldText(e) }
      : e;

export async function audit(argv: string[]): Promise<number> {
  const { values } = parse(argv, { limit: { type: 'string' } });
  await withIncidents(values, async (i) => {
    const log = await i.auditEntries(Number(values.limit ?? 1000));
    const f = values.json || values.format ? formatOf(values, 'json') : undefined;
    const columns = ['at', 'incident', 'subject', 'step', 'outcome', 'reason'];
    const rows = f === 'json' ? (log as unknown as Record<string, unknown>[]) : log.map(auditRow);
    process.stdout.write(f ? renderRows(rows, columns, f) : log.map(auditLine).join('\n') + '\n');
  });
  return 0;
}

export async function maintenance(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { host: { type: 'string' }, aggregate: { type: 'string' } });
  const [mode, subject] = positionals;
  const flagged =
    values.host !== undefined || values.aggregate !== undefined ? controlSubject(values, 'maintenance') : undefined;
  if (!['on', 'off'].includes(mode ?? '') || (!subject && !flagged) || (subject && flagged))
    throw new UsageError(
      'maintenance on|off <host> (or stack:<id>, aggregate:<name>, all; or --host H, --aggregate A)',
    );
  const target = flagged ?? (subject === EVERYTHING || subject.includes(':') ? subject : `host:${subject}`);
  const by = localUser();
  await withIncidents(values, (_i, store) =>
    new Controls(store, Date.now).set('maintenance', mode === 'on', by, target),
  );
  process.stdout.write(`maintenance ${mode} for ${target}\n`);
  return 0;
}

/** `stackmend dismiss <incident> --reason …`: an operator closes an incident stackmend holds open. */
export async function dismiss(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { reason: { type: 'string' } });
  if (!positionals[0] || !values.reason)
    throw new UsageError('dismiss needs <incident> and --reason "…" (kept in the audit log)');
  await withIncidents(values, async (i) => {
    const r = await i.record(
      positionals[0],
      { step: 'notify', outcome: 'IGNORED', reason: `dismissed by an operator: ${values.reason}` },
      () => ({ status: 'ignored' }),
    );
    process.stdout.write(`${r.key} dismissed (was holding open: it no longer counts toward the circuit breaker)\n`);
  });
  return 0;
}
