/**
 * A policy file (YAML, or JSON, which is YAML too) → the policy, or each problem at its line and column:
 * `policy.yaml:14:5: rules[2].match.aggregate: expected string`. Pure: the caller reads the file
 * (cli/policy.ts, cli/args.ts). YAML syntax errors come from the `yaml` package with its positions; the
 * schema's issues (core/policy/policy.ts) are placed at the node their path names, or its nearest parent.
 */
import type * as z from 'zod';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { StackmendError } from '../domain/errors';
import { PolicySchema, type Policy } from './policy';

export type PolicyIssue = { file: string; line: number; col: number; path: string; message: string };
export type PolicyFileResult = { ok: true; policy: Policy } | { ok: false; issues: PolicyIssue[] };

/** `rules[2].match.aggregate`; the file's root is `(policy)`. */
export function pathText(path: readonly PropertyKey[]): string {
  let out = '';
  for (const k of path) out += typeof k === 'number' ? `[${k}]` : out ? `.${String(k)}` : String(k);
  return out || '(policy)';
}

/** `file:line:col: path: message`, as compilers print them (editors jump to it). */
export const formatIssue = (i: PolicyIssue) => `${i.file}:${i.line}:${i.col}: ${i.path}: ${i.message}`;

/** The node at `path`, or the deepest one on the way; `key`: the key node itself (an unknown key). */
function nodeAt(doc: Document, path: readonly PropertyKey[], key?: string): Node | undefined {
  let node = doc.contents as Node | null;
  if (!node) return undefined;
  for (const k of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && p.key.value === k);
      if (!pair?.value) return pair && isScalar(pair.key) ? pair.key : node;
      node = pair.value as Node;
    } else if (isSeq(node) && typeof k === 'number' && node.items[k]) {
      node = node.items[k] as Node;
    } else return node;
  }
  if (key && isMap(node)) {
    const pair = node.items.find((p) => isScalar(p.key) && p.key.value === key);
    if (pair && isScalar(pair.key)) return pair.key;
  }
  return node ?? undefined;
}

/** zod's message, shortened where it says what the file should hold. */
function messageOf(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return `unknown key ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  if (issue.code === 'invalid_type') return `expected ${issue.expected}`;
  if (issue.code === 'invalid_union') {
    // one value or a list of them (core/policy/rules.ts oneOrMany): what each form expected of the value itself
    const firsts = issue.errors.map((e) => e[0]).filter((e) => e !== undefined && e.path.length === 0);
    if (firsts.length) {
      const each = firsts.map((e) => messageOf(e!).replace(/^expected /, ''));
      return `expected ${each.join(' or ')}`;
    }
  }
  if (issue.code === 'invalid_value') return `expected one of ${issue.values.map((v) => String(v)).join(', ')}`;
  return issue.message.replace(/^Invalid input: /, '');
}

export function parsePolicyText(text: string, file: string): PolicyFileResult {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number | undefined) => lines.linePos(offset ?? 0);
  if (doc.errors.length) {
    return {
      ok: false,
      issues: doc.errors.map((e) => ({ file, ...at(e.pos[0]), path: '(yaml)', message: e.message.split('\n')[0]! })),
    };
  }
  const parsed = PolicySchema.safeParse(doc.toJS() ?? {});
  if (parsed.success) return { ok: true, policy: parsed.data };
  const issues = parsed.error.issues.flatMap((issue) => {
    const keys = issue.code === 'unrecognized_keys' ? issue.keys : [undefined];
    return keys.map((key) => {
      const node = nodeAt(doc, issue.path, key);
      const path = key ? [...issue.path, key] : issue.path;
      return { file, ...at(node?.range?.[0]), path: pathText(path), message: messageOf(issue) };
    });
  });
  return { ok: false, issues: issues.sort((a, b) => a.line - b.line || a.col - b.col) };
}

/** Where a policy file must be good (the CLI, the runtime's `policy_file`): its issues, one per line. */
export class PolicyFileError extends StackmendError {
  override readonly status = 400;
  constructor(readonly issues: PolicyIssue[]) {
    super(
      `the policy file is invalid (nothing was changed; fix it and run \`stackmend policy check\`):\n` +
        issues.map(formatIssue).join('\n'),
    );
  }
}

export function parsePolicyFile(text: string, file: string): Policy {
  const r = parsePolicyText(text, file);
  if (!r.ok) throw new PolicyFileError(r.issues);
  return r.policy;
}
