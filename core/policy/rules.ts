/**
 * The policy's `rules:` (docs/policy.md, examples/policy.yaml): an ordered list, the first rule whose
 * `match` holds wins; every criterion a rule gives must hold. The rule's `action` bounds what decide()
 * may do (core/policy/decide.ts) and its `settings` override the flat settings for what it matches.
 * No rule matching: the flat settings, `auto`. Pure.
 */
import * as z from 'zod';
import { INCIDENT_KINDS } from '../domain/incident';
import type { Verdict } from '../domain/plan';
import type { Facts, ServerFacts, ServerHostFacts } from './facts';
import { hold, ignore, tellOperator, type Ruling } from './rulings';

/** What a rule lets stackmend do with what it matches. */
export const RULE_ACTIONS = {
  auto: 'decide as the flat settings say (replace cattle, evacuate pets of a fenced failed host, hold or tell)',
  evacuate: 'only evacuation: a decision to replace through Heat is told to the operator instead',
  replace: 'only replacement through Heat: a decision to evacuate is told to the operator instead',
  hold: 'whatever would be replaced or evacuated is held for a human, with its plan (stackmend approve)',
  notify: 'nothing is changed: the operator is told what would have been done',
  ignore: 'nothing is changed and nobody is told',
} as const;
export type RuleAction = keyof typeof RULE_ACTIONS;
const ACTION_NAMES = Object.keys(RULE_ACTIONS) as [RuleAction, ...RuleAction[]];

const oneOrMany = <T extends z.ZodType>(t: T) => z.union([t, z.array(t).min(1)]);
const Text = z.string().min(1);
const Properties = (of: string) =>
  z
    .record(Text, z.string())
    .describe(`${of}: every key given must have exactly this value (strings: quote "True", "1")`);

export const RuleMatchSchema = z
  .strictObject({
    kind: oneOrMany(z.enum(INCIDENT_KINDS))
      .optional()
      .describe('incident kind, or a list of them (core/domain/incident.ts)'),
    stack: oneOrMany(Text)
      .optional()
      .describe("Heat stack name or id (the server's root stack or the stack holding its resource)"),
    metadata: Properties('server metadata').optional(),
    image: Properties("properties of the server's image (Glance)").optional(),
    flavor: Properties("extra specs of the server's flavor").optional(),
    aggregate: oneOrMany(Text).optional().describe('name of a host aggregate the host is in, or a list of them'),
    aggregateMetadata: Properties('metadata of a host aggregate the host is in').optional(),
    availabilityZone: oneOrMany(Text).optional().describe('availability zone of the host, or a list of them'),
    host: oneOrMany(Text)
      .optional()
      .describe('compute host name, or a list; `*` matches any characters (compute-rack1-*)'),
  })
  .describe(
    'All criteria given must hold; none given matches every incident. On a host incident the server ' +
      'criteria (stack, metadata, image, flavor) hold when one server on the host meets all of them.',
  );
export type RuleMatch = z.infer<typeof RuleMatchSchema>;

/** One rule, its per-rule `settings` shaped by core/policy/policy.ts (the flat settings a rule may override). */
export const ruleSchema = <S extends z.ZodType>(settings: S) =>
  z.strictObject({
    name: z
      .string()
      .regex(/^[A-Za-z0-9][\w.-]{0,63}$/, { message: 'a rule name is 1-64 letters, digits, _ . -' })
      .describe('recorded with each decision the rule makes (decision.matched, the timeline, /metrics)'),
    match: RuleMatchSchema.default({}),
    action: z
      .enum(ACTION_NAMES)
      .default('auto')
      .describe(
        Object.entries(RULE_ACTIONS)
          .map(([a, what]) => `${a}: ${what}`)
          .join('; '),
      ),
    settings: settings.optional().describe('flat settings overridden for what this rule matches'),
  });

/** The rule list: names unique, so a decision names one rule. */
export const rulesSchema = <S extends z.ZodType>(settings: S) =>
  z
    .array(ruleSchema(settings))
    .superRefine((rules, ctx) => {
      const seen = new Set<string>();
      rules.forEach((r, i) => {
        if (seen.has(r.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `rule ${r.name} twice` });
        seen.add(r.name);
      });
    })
    .default([])
    .describe('ordered: the first rule whose match holds decides; no rule matching: action auto');

export type Rule<S = unknown> = { name: string; match: RuleMatch; action: RuleAction; settings?: S };
export type Matched<S = unknown> = { rule: Rule<S>; why: string };

const list = <T>(v: T | T[] | undefined): T[] | undefined => (v === undefined ? undefined : Array.isArray(v) ? v : [v]);
const glob = (pattern: string) => new RegExp(`^${pattern.split('*').map(escape).join('.*')}$`);
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

type Check = { ok: true; why: string } | { ok: false; why: string };
const yes = (why: string): Check => ({ ok: true, why });
const no = (why: string): Check => ({ ok: false, why });

/** `want` ⊆ `have`, key by key; `what` names the properties in the answer. */
function props(what: string, want: Record<string, string>, have: Record<string, string> | undefined): Check {
  if (!have) return no(`${what} unknown`);
  const off = Object.entries(want).find(([k, v]) => have[k] !== v);
  if (off) return no(`${what} ${off[0]}=${have[off[0]] ?? '(unset)'}, not ${off[1]}`);
  return yes(
    `${what} ${Object.entries(want)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ')}`,
  );
}

function oneOf(what: string, want: string[], have: string | undefined, match = (w: string, h: string) => w === h) {
  if (have === undefined) return no(`${what} unknown`);
  return want.some((w) => match(w, have)) ? yes(`${what} ${have}`) : no(`${what} ${have} is not ${want.join(' or ')}`);
}

/** The server criteria against one server. */
function serverChecks(m: RuleMatch, s: ServerFacts): Check[] {
  const checks: Check[] = [];
  const stacks = list(m.stack);
  if (stacks) {
    const o = s.owner;
    const names = o ? [o.root.name, o.root.id, o.stack.name, o.stack.id] : [];
    const hit = stacks.find((w) => names.includes(w));
    checks.push(hit ? yes(`stack ${hit}`) : no(o ? `stack ${o.root.name} is not ${stacks.join(' or ')}` : 'no stack'));
  }
  if (m.metadata) checks.push(props('metadata', m.metadata, s.metadata));
  if (m.image) checks.push(props('image', m.image, s.image?.properties));
  if (m.flavor) checks.push(props('flavor', m.flavor, s.flavor?.extraSpecs));
  return checks;
}

const hasServerCriteria = (m: RuleMatch) => !!(m.stack || m.metadata || m.image || m.flavor);

/**
 * The host criteria: host name, availability zone, aggregates (a host incident's host, or a server incident's
 * server's host: core/policy/facts.ts `serverHost`, its aggregates read when ./reads.ts says a rule needs them).
 */
function hostChecks(m: RuleMatch, host: string | undefined, h: ServerHostFacts | undefined): Check[] {
  const checks: Check[] = [];
  const hosts = list(m.host);
  if (hosts) checks.push(oneOf('host', hosts, host, (w, x) => glob(w).test(x)));
  const zones = list(m.availabilityZone);
  if (zones) checks.push(oneOf('availability zone', zones, h?.availabilityZone));
  const aggregates = list(m.aggregate);
  if (aggregates) {
    const hit = h?.aggregates?.find((a) => aggregates.includes(a.name));
    checks.push(
      hit
        ? yes(`aggregate ${hit.name}`)
        : no(h?.aggregates ? `host in no aggregate named ${aggregates.join(' or ')}` : 'aggregates unknown'),
    );
  }
  const meta = m.aggregateMetadata;
  if (meta) {
    const each = (h?.aggregates ?? []).map((a) => ({ a, c: props(`aggregate ${a.name}`, meta, a.metadata) }));
    const hit = each.find((e) => e.c.ok);
    checks.push(hit ? hit.c : no(h?.aggregates ? 'no aggregate of the host has that metadata' : 'aggregates unknown'));
  }
  return checks;
}

/** Whether `m` holds for the incident, and why (the criteria that held) or why not (the first that did not). */
export function matches(m: RuleMatch, f: Facts): Check {
  const kinds = list(m.kind);
  const checks: Check[] = kinds ? [oneOf('kind', kinds, f.incident.kind)] : [];
  const subject = f.incident.subject;
  const host = f.host?.host ?? f.server?.host ?? (subject.type === 'server' ? subject.host : undefined);
  checks.push(...hostChecks(m, host, f.host ?? f.serverHost));
  if (hasServerCriteria(m)) {
    const servers = f.host ? f.host.servers : f.server ? [f.server] : [];
    const each = servers.map((s) => ({ s, checks: serverChecks(m, s) }));
    const hit = each.find((e) => e.checks.every((c) => c.ok));
    if (hit) {
      const why = hit.checks.map((c) => c.why).join(', ');
      checks.push(yes(f.host ? `server ${hit.s.id} on the host: ${why}` : why));
    } else {
      const first = each[0]?.checks.find((c) => !c.ok);
      checks.push(no(f.host ? `no server on the host meets the server criteria` : (first?.why ?? 'no server known')));
    }
  }
  const failed = checks.find((c) => !c.ok);
  if (failed) return failed;
  return yes(checks.length ? checks.map((c) => c.why).join(', ') : 'matches every incident');
}

/** The first rule whose match holds, with why; undefined when none does (then: auto, flat settings). */
export function firstMatch<S>(rules: readonly Rule<S>[], f: Facts): Matched<S> | undefined {
  for (const rule of rules) {
    const c = matches(rule.match, f);
    if (c.ok) return { rule, why: c.why };
  }
  return undefined;
}

/** Why each rule did or did not match, in order (stackmend policy explain). */
export const explainRules = <S>(rules: readonly Rule<S>[], f: Facts) =>
  rules.map((r) => ({ rule: r.name, action: r.action, ...matches(r.match, f) }));

/**
 * The decision within what the matched rule allows. `decideWith` is the decision the flat settings (with
 * the rule's overrides) make; `ignore` does not ask for it. Decisions that change nothing (not `acts`) pass
 * through.
 */
export function applyRule<S>(m: Matched<S>, decideWith: () => Ruling, acts: (v: Verdict) => boolean): Ruling {
  const { rule, why } = m;
  const matched = { rule: rule.name, why };
  const label = `policy rule ${rule.name} (${why})`;
  const stamp = (r: Ruling): Ruling => ({ ...r, decision: { ...r.decision, matched } });
  if (rule.action === 'ignore') return stamp(ignore(`policy:${rule.name}`, `${label} ignores it: nothing done`));
  const r = decideWith();
  const d = r.decision;
  const would = `would ${d.verdict} (rule ${d.rule}: ${d.reason})`;
  if (!acts(d.verdict)) return stamp(r);
  switch (rule.action) {
    case 'auto':
      return stamp(r);
    case 'evacuate':
    case 'replace':
      if (d.verdict === rule.action || d.verdict === 'recheck') return stamp(r);
      return stamp(tellOperator(`policy:${rule.name}`, `${label} allows only ${rule.action}: ${would}`));
    case 'hold':
      // a late host is looked at again first: the hold comes with the decision to act
      if (d.verdict === 'recheck') return stamp(r);
      return stamp(hold(`policy:${rule.name}`, `${label} asks a human: ${would}. Approve to go ahead`, r.plan));
    case 'notify':
      return stamp(tellOperator(`policy:${rule.name}`, `${label} only tells: ${would}`));
    default: {
      const unreachable: never = rule.action;
      return unreachable;
    }
  }
}
