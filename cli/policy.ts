/**
 * `stackmend policy check <file>`: the policy file valid (exit 0) or each problem at its line (exit 2).
 * `stackmend policy explain --data @alarm.json [--policy file]`: for each incident of the alarm, which rule
 * matched and why, what would be decided and done, and what was read (`seen`: for a server its image, flavor,
 * zone and host aggregates when the policy needs them). It reads Nova, Heat and Glance (a read-only cloud: every
 * write is refused, as in a dry run) and the state store, and changes neither.
 */
import * as fs from 'node:fs';
import { parseAlarms } from '../core/domain/intake';
import type { Plan } from '../core/domain/plan';
import { decide } from '../core/policy/decide';
import { formatIssue, parsePolicyText } from '../core/policy/file';
import type { Facts, ServerHostFacts } from '../core/policy/facts';
import { serverReads } from '../core/policy/reads';
import { explainRules } from '../core/policy/rules';
import { parseRuntimeConfig } from '../core/runtime/config';
import { jsonLogger } from '../core/runtime/log';
import { depsFactory } from '../functions/_shared/deps';
import { factsDeps, gatherFacts } from '../functions/_shared/facts';
import type { Policy } from '../core/policy/policy';
import type { Deps } from '../functions/_shared/deps';
import { parametersFrom, parse, readJsonArg, UsageError } from './args';
import { formatOf, renderObject, renderRows, sayer, type Format } from './output';

export async function policy(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'check') return check(rest);
  if (sub === 'explain') return explain(rest);
  throw new UsageError(`policy check <file> | policy explain --data @alarm.json (not "${sub ?? ''}")`);
}

async function check(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {});
  const file = positionals[0];
  if (!file) throw new UsageError('policy check needs the file: stackmend policy check policy.yaml');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${(e as Error).message}`);
  }
  const r = parsePolicyText(text, file);
  const format = formatOf(values, 'value');
  if (!r.ok) {
    if (format === 'value') process.stderr.write(r.issues.map((i) => `${formatIssue(i)}\n`).join(''));
    else process.stdout.write(renderRows(r.issues, ['file', 'line', 'col', 'path', 'message'], format));
    return 2;
  }
  const rules = r.policy.rules.map((x) => x.name);
  const summary = { file, valid: true, rules: rules.length ? rules.join(', ') : '(none: every incident auto)' };
  process.stdout.write(
    format === 'value' ? `${file}: valid, ${rules.length} rule(s)\n` : renderObject(summary, format),
  );
  return 0;
}

/** What a plan would do, in a line. */
function planText(p: Plan): string {
  switch (p.action) {
    case 'evacuate': {
      const names = p.servers.map((s) => s.name ?? s.serverId).join(', ');
      return (
        `evacuate ${p.servers.length} server(s) from ${p.host}${names ? ` (${names})` : ''}, ` +
        `replace ${p.replace.length} through Heat, leave ${p.untouched.length}`
      );
    }
    case 'replace':
      return p.targets.map((t) => `replace ${t.serverId} (resource ${t.resourceName} of ${t.stack.name})`).join('; ');
    case 'restart':
      return p.target.kind === 'server'
        ? `restart server ${p.target.name ?? p.target.serverId} (the policy's serverRecovery ladder)`
        : `call the restart hook for ${p.target.process} on ${p.target.host}`;
    case 'notify':
      return 'nothing: tell the operator';
    default: {
      const unreachable: never = p;
      return unreachable;
    }
  }
}

const pairs = (o: Record<string, string>) =>
  Object.entries(o)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');

function aggregatesText(a: ServerHostFacts['aggregates']): string {
  if (a === undefined) return 'aggregates not read (the policy needs none)';
  if (a.length === 0) return 'in no aggregate';
  const one = (x: NonNullable<typeof a>[number]) =>
    Object.keys(x.metadata).length ? `${x.name} (${pairs(x.metadata)})` : x.name;
  return `aggregates ${a.map(one).join('; ')}`;
}

/**
 * What the policy's criteria saw, in a line: for a server its image, flavor, host, zone and the host's
 * aggregates, saying what was not read (core/policy/reads.ts); for a host its zone, aggregates, servers.
 */
export function seenText(f: Facts, p: Policy): string {
  if (f.host) {
    const h = f.host;
    return [`host ${h.host}`, `zone ${h.availabilityZone ?? 'unknown'}`, aggregatesText(h.aggregates)]
      .concat(`${h.servers.length} server(s)`)
      .join(' · ');
  }
  const s = f.server;
  if (!s) return 'a server unknown to Nova and Heat';
  const i = s.image;
  const image = i
    ? `image ${i.name ?? i.id}${i.tags.length ? ` tagged ${i.tags.join(', ')}` : ''} (${pairs(i.properties) || 'no properties'})`
    : serverReads(p, f.incident.kind).image
      ? 'no image (booted from a volume, deleted, or the server is gone)'
      : 'image not read (the policy needs none)';
  const flavor = s.flavor
    ? `flavor ${s.flavor.name ?? '?'}${Object.keys(s.flavor.extraSpecs).length ? ` (${pairs(s.flavor.extraSpecs)})` : ''}`
    : 'no flavor';
  const where = f.serverHost;
  return [
    image,
    flavor,
    `host ${s.host ?? 'unknown'}`,
    `zone ${where?.availabilityZone ?? 'unknown'}`,
    aggregatesText(where?.aggregates),
  ].join(' · ');
}

/** The facts the criteria match on, for `-f json` / `-v`: the server and its host's, or the host's own. */
const matchedFacts = (f: Facts) =>
  f.host
    ? { host: f.host.host, availabilityZone: f.host.availabilityZone, aggregates: f.host.aggregates }
    : { server: f.server, serverHost: f.serverHost };

export type Explained = Record<string, unknown> & { incident: string; verdict: string; reason: string };

/**
 * Each incident of `alarm`: the rule that matched (or none) and why, the decision, what it would do; `full`
 * adds the decision, the plan and every rule's check. Reads through `deps` (a dry run's: writes refused).
 */
export async function explainAlarm(alarm: unknown, deps: Deps, p: Policy, full = false): Promise<Explained[]> {
  const { incidents, ignored, unresolved } = parseAlarms(alarm, { receivedAt: new Date(deps.now()) });
  const out: Explained[] = [];
  for (const g of ignored) out.push({ incident: g.key ?? '(alarm)', verdict: 'ignore', reason: g.reason });
  for (const u of unresolved) out.push({ incident: u.key, verdict: 'not-managed', reason: u.reason });
  for (const i of incidents) {
    const facts = await gatherFacts(i, factsDeps(deps));
    const { decision, plan } = decide(facts, p);
    const matched = p.rules.find((r) => r.name === decision.matched?.rule);
    out.push({
      incident: i.key,
      kind: i.kind,
      subject: i.subject.type === 'host' ? `host ${i.subject.host}` : `server ${i.subject.serverId}`,
      rule: decision.matched?.rule ?? '(none)',
      action: matched?.action ?? 'auto',
      why: decision.matched?.why ?? (p.rules.length ? 'no rule matched: the flat settings decide' : 'no rules'),
      verdict: decision.verdict,
      decidedBy: decision.rule,
      reason: decision.reason,
      wouldDo: planText(plan),
      seen: seenText(facts, p),
      ...(full
        ? {
            decision,
            plan,
            rules: explainRules(p.rules, facts),
            facts: matchedFacts(facts),
          }
        : {}),
    });
  }
  return out;
}

async function explain(argv: string[]): Promise<number> {
  const { values } = parse(argv, { data: { type: 'string', short: 'd' } });
  if (!values.data) throw new UsageError('--data is required: @alarm.json or inline JSON');
  const alarm = readJsonArg('data', values.data);
  const format: Format = formatOf(values, 'table');
  const config = parseRuntimeConfig({ ...parametersFrom(values), dry_run: true });
  const log = jsonLogger({ level: values.verbose ? 'debug' : 'error', sink: (l) => process.stderr.write(`${l}\n`) });
  // dryRun: the cloud refuses every write (core/openstack/http.ts readOnly); facts are only read
  const deps = depsFactory({ log })(config, { dryRun: true });
  let out: Explained[];
  try {
    out = await explainAlarm(alarm, deps, config.policy, format === 'json' || !!values.verbose);
  } finally {
    await deps.store.close();
  }
  const say = sayer('policy explain', values);
  for (const o of out)
    for (const r of (o.rules as ReturnType<typeof explainRules> | undefined) ?? [])
      say.debug(`${o.incident}: rule ${r.rule} (${r.action}): ${r.ok ? 'matches' : 'does not match'}: ${r.why}`);
  say.info('nothing was changed: Nova, Heat and the state store were only read');
  if (format === 'json') process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  else
    process.stdout.write(
      out
        .map(({ decision: _d, plan: _p, rules: _r, facts: _f, ...row }) => renderObject(row, format))
        .join(format === 'table' ? '\n' : ''),
    );
  return 0;
}
