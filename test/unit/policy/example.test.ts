/**
 * examples/policy.yaml, the complete commented example: `stackmend policy check` accepts it, every setting
 * the schema has is in it, and every value but the example rules is the default, as the file says.
 * docs/policy.md is what the schema says (cli/policy-docs.ts; `npm run policy:docs` rewrites it).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { policyJsonSchema, policyReference } from '../../../cli/policy-docs';
import { parsePolicyFile } from '../../../core/policy/file';
import { DEFAULT_POLICY } from '../../../core/policy/policy';

const ROOT = path.join(__dirname, '..', '..', '..');
const EXAMPLE = path.join(ROOT, 'examples', 'policy.yaml');
const text = fs.readFileSync(EXAMPLE, 'utf8');

describe('examples/policy.yaml', () => {
  it('is accepted by stackmend policy check', () => {
    const r = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'stackmend.cjs'), 'policy', 'check', EXAMPLE], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r).toMatchObject({ status: 0, stdout: `${EXAMPLE}: valid, 7 rule(s)\n` });
  });

  it('holds every setting of the schema', () => {
    const written = (key: string) => new RegExp(`^#? ?${key}:`, 'm').test(text);
    const missing = Object.keys(policyJsonSchema().properties ?? {}).filter((k) => !written(k));
    expect(missing).toEqual([]);
  });

  it('is the default policy but for its rules, as it says', () => {
    const { rules, ...flat } = parsePolicyFile(text, EXAMPLE);
    const { rules: none, ...defaults } = DEFAULT_POLICY;
    expect(flat).toEqual(defaults);
    expect(none).toEqual([]);
    expect(rules.map((r) => [r.name, r.action])).toEqual([
      ['databases-ask-first', 'hold'],
      ['batch-replace-only', 'replace'],
      ['not-evacuable-images', 'notify'],
      ['gpu-flavors-ask', 'hold'],
      ['edge-hosts', 'auto'],
      ['process-failures-tell', 'notify'],
      ['scratch-ignore', 'ignore'],
    ]);
  });

  it('shows every rule criterion and every setting a rule may override', () => {
    const schema = policyJsonSchema().properties!.rules!.items!;
    const match = Object.keys(schema.properties!.match!.properties!);
    const settings = Object.keys(schema.properties!.settings!.properties!);
    const shown = (key: string) => new RegExp(`^ +${key}:`, 'm').test(text);
    expect([...match, ...settings].filter((k) => !shown(k))).toEqual([]);
  });
});

describe('docs/policy.md', () => {
  it('is what the schema says (run npm run policy:docs after changing core/policy/policy.ts)', () => {
    expect(fs.readFileSync(path.join(ROOT, 'docs', 'policy.md'), 'utf8')).toBe(policyReference());
  });
});
