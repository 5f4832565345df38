/**
 * docs/policy.md, generated from the policy's zod schema (core/policy/policy.ts) with `z.toJSONSchema`:
 * every field with its type, default and `.describe()` text. scripts/policy-docs.ts writes it and
 * test/unit/policy/docs.test.ts fails when the file is out of date. The JSON-Schema generator is used only
 * here, never in a function bundle (scripts/bundle-shims.mjs leaves it out).
 */
import * as z from 'zod';
import { PolicySchema } from '../core/policy/policy';

type JsonSchema = {
  type?: string | string[];
  description?: string;
  default?: unknown;
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  additionalProperties?: JsonSchema | boolean;
  propertyNames?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  minimum?: number;
  exclusiveMinimum?: number;
  maximum?: number;
  minItems?: number;
  pattern?: string;
};
type Row = { field: string; type: string; default: string; description: string };

const code = (v: unknown) => `\`${typeof v === 'string' ? v : JSON.stringify(v)}\``;
const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const SAFE_MAX = Number.MAX_SAFE_INTEGER;

function bounds(s: JsonSchema): string {
  const b: string[] = [];
  if (s.exclusiveMinimum !== undefined) b.push(`> ${s.exclusiveMinimum}`);
  if (s.minimum !== undefined) b.push(`≥ ${s.minimum}`);
  if (s.maximum !== undefined && s.maximum < SAFE_MAX) b.push(`≤ ${s.maximum}`);
  return b.length ? ` (${b.join(', ')})` : '';
}

/** The type of `s` in words: `integer (> 0)`, `list of string`, `map: host → one of …`. */
function typeOf(s: JsonSchema): string {
  const union = s.anyOf ?? s.oneOf;
  const tags = union?.map(tagOf);
  if (tags?.every((t) => t)) return `object by \`${tags[0]![0]}\`: ${tags.map((t) => code(t![1])).join(', ')}`;
  if (union) return union.map(typeOf).join(' or ');
  if (s.const !== undefined) return code(s.const);
  if (s.enum) return `one of ${s.enum.map(code).join(', ')}`;
  if (s.type === 'array') return `list of ${s.items ? typeOf(s.items) : 'any'}`;
  if (s.type === 'object' && typeof s.additionalProperties === 'object' && !s.properties)
    return `map: ${s.propertyNames?.pattern ? 'name' : 'string'} → ${typeOf(s.additionalProperties)}`;
  if (s.type === 'object') return 'object';
  if (s.type === 'string' && s.pattern) return `string (\`${s.pattern}\`)`;
  return `${Array.isArray(s.type) ? s.type.join(' or ') : (s.type ?? 'any')}${bounds(s)}`;
}

/** The discriminator of an object variant (`driver: ironic`), if it has one. */
function tagOf(v: JsonSchema): [string, unknown] | undefined {
  const tag = Object.entries(v.properties ?? {}).find(([, x]) => x.const !== undefined);
  return tag && [tag[0], tag[1].const];
}

/** Rows for the properties of `s` under `prefix`, depth first, with the fields of objects, lists and maps in them. */
function rows(s: JsonSchema, prefix: string): Row[] {
  const out: Row[] = [];
  for (const [name, p] of Object.entries(s.properties ?? {})) {
    const field = prefix ? `${prefix}.${name}` : name;
    const required = s.required?.includes(name) && p.default === undefined;
    out.push({
      field: `\`${field}\``,
      type: typeOf(p),
      default: p.default !== undefined ? code(p.default) : required ? 'required' : '—',
      description: p.description ?? '',
    });
    out.push(...nested(p, field));
  }
  return out;
}

function nested(p: JsonSchema, field: string): Row[] {
  if (p.properties) return rows(p, field);
  if (p.type === 'array' && p.items?.properties) return rows(p.items, `${field}[]`);
  const values = typeof p.additionalProperties === 'object' ? p.additionalProperties : undefined;
  if (values) {
    const variants = values.oneOf ?? values.anyOf ?? [values];
    return variants.flatMap((v) => {
      const tag = tagOf(v);
      const fields = rows(v, `${field}.<name>`).filter((r) => !tag || r.field !== `\`${field}.<name>.${tag[0]}\``);
      return tag
        ? fields.map((r) => ({ ...r, description: `(${tag[0]} ${String(tag[1])}) ${r.description}`.trim() }))
        : fields;
    });
  }
  return [];
}

const table = (r: Row[]) =>
  ['| field | type | default | description |', '|---|---|---|---|']
    .concat(r.map((x) => `| ${[x.field, x.type, x.default, x.description].map(cell).join(' | ')} |`))
    .join('\n');

/** The JSON Schema of a policy file: what the file may hold (its input side, defaults included). */
export const policyJsonSchema = (): JsonSchema => z.toJSONSchema(PolicySchema, { io: 'input' }) as JsonSchema;

export function policyReference(): string {
  const all = rows(policyJsonSchema(), '');
  const isRule = (r: Row) => r.field.startsWith('`rules');
  return `# Policy reference

<!-- Generated from core/policy/policy.ts by \`npm run policy:docs\` (scripts/policy-docs.ts). Do not edit by hand. -->

The policy says what stackmend may do on its own and what it leaves to a human. An operator keeps it in one
YAML file — [examples/policy.yaml](../examples/policy.yaml) shows every field with its safe default — and:

- checks it: \`stackmend policy check policy.yaml\` (exit 0 valid; 2 invalid, each problem as
  \`policy.yaml:14:5: rules[2].match.aggregate: expected string\`);
- asks what it would do with an alarm, changing nothing: \`stackmend policy explain --data @alarm.json --policy policy.yaml\`;
- runs with it: \`stackmend serve --policy policy.yaml\` (every command takes \`--policy FILE\`, default
  \`STACKMEND_POLICY_FILE\`);
- deploys it: a stage file's \`policy: \${file(policy.yaml)}\` hands the parsed file to every action as its
  \`policy\` parameter (deploy/stages/example.yml), validated by the same schema when the action starts.

Unknown keys are refused (a misspelt setting would otherwise be silently ignored). A field left out takes its default.

## Settings

${table(all.filter((r) => !isRule(r)))}

## Rules

\`rules\` is an ordered list; the first rule whose \`match\` holds decides, and its name and why it matched
are recorded with the decision (\`decision.matched\`, the incident's timeline, \`policy explain\`). A rule's
\`action\` bounds what the decision may do: a decision that changes nothing (ignore, tell, group) is kept,
and one that would replace or evacuate is let through, told or held as the action says. A rule's \`settings\`
override the flat settings above for what it matches. No rule matching: the flat settings decide (\`auto\`).
A criterion whose fact stackmend has not read does not hold. The facts per kind of incident
(functions/_shared/facts.ts):

- a host incident (\`host-down\`, \`process-down\`): every server on the host with its image (Glance properties and
  tags) and flavor (extra specs), the host's aggregates (name, metadata) and availability zone, always;
- a server incident (\`server-error\`, \`server-stopped\`, \`server-deleted\`, \`server-unhealthy\`): the server with
  its metadata, flavor, host and availability zone (Nova's \`OS-EXT-AZ:availability_zone\`), its Heat stack. Its
  image and its host's aggregates are read only when the policy needs them (core/policy/reads.ts): a rule that
  may match the incident's kind names \`image\`, \`aggregate\` or \`aggregateMetadata\`, or \`evacuation.select\`
  (the flat one or a rule's) is \`evacuable-tag\`. Each is one more call per alarm (Glance, Nova os-aggregates);
  the default policy makes none. A deleted server has no image; its host is the one the alarm names.

A read that fails (OpenStack unreachable or too slow) decides nothing and writes nothing to the cloud: classify-alarm
keeps the alarm and classifies it again, with every read made afresh, once OpenStack answers (202 \`RESCHEDULED\`,
functions/classify-alarm/park.ts). \`policy explain\` shows what was read (\`seen\`).

${table(all.filter(isRule))}
`;
}
