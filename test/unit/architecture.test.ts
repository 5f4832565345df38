/**
 * Dependencies point inward only: functions → runtime → openstack/policy/state → domain.
 * The domain and the policy do no I/O; the domain imports nothing but zod and itself.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';

const root = path.join(__dirname, '..', '..');
const filesIn = (dir: string): string[] =>
  fs
    .readdirSync(path.join(root, dir), { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory() ? filesIn(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : [],
    );
const importsOf = (file: string) =>
  [...fs.readFileSync(path.join(root, file), 'utf8').matchAll(/^(?:import|export)[^'"]*from\s+'([^']+)'/gm)].map(
    (m) => m[1],
  );
const resolved = (file: string, spec: string) =>
  spec.startsWith('.') ? path.normalize(path.join(path.dirname(file), spec)) : spec;

const RULES: [string, (target: string) => boolean][] = [
  ['core/domain', (t) => t === 'zod' || t.startsWith('core/domain')],
  // yaml: a pure parser of a policy file's text (core/policy/file.ts; eslint/layers.mjs PURE_PACKAGES)
  ['core/policy', (t) => t === 'zod' || t === 'yaml' || t.startsWith('core/domain') || t.startsWith('core/policy')],
  [
    'core/openstack',
    (t) =>
      !t.startsWith('functions') &&
      !t.startsWith('triggers') &&
      !t.startsWith('cli') &&
      !t.startsWith('core/runtime') &&
      !t.startsWith('core/state'),
  ],
  [
    'core/state',
    (t) =>
      !t.startsWith('functions') &&
      !t.startsWith('triggers') &&
      !t.startsWith('cli') &&
      !t.startsWith('core/openstack'),
  ],
  ['functions', (t) => !t.startsWith('cli') && !t.startsWith('local')],
];

describe('dependency direction', () => {
  it.each(RULES)('%s imports only what it may', (dir, allowed) => {
    const bad = filesIn(dir).flatMap((f) =>
      importsOf(f)
        .map((s) => resolved(f, s))
        .filter((t) => !t.startsWith('node:') || dir.startsWith('core/domain') || dir.startsWith('core/policy'))
        .filter((t) => !allowed(t))
        .map((t) => `${f} → ${t}`),
    );
    expect(bad).toEqual([]);
  });
});

/**
 * The lint rule (eslint/layers.mjs, `stackmend/layers`) that `npm test` runs over every layer, through
 * ESLint's Node API with the repository's config. In a child node: the config is an ES module, which
 * jest's CommonJS sandbox cannot import.
 */
describe('the layer lint rule', () => {
  const PROBES: [string, string, RegExp | null][] = [
    [
      'core/domain/probe.ts',
      "import { connect } from '../openstack/cloud';\nexport const c = connect;\n",
      /core\/domain/,
    ],
    ['core/domain/probe.ts', "import axios from 'axios';\nexport const a = axios;\n", /pure/],
    ['functions/probe/index.ts', "import { arm } from '../../triggers/arm';\nexport const a = arm;\n", /functions/],
    ['core/runtime/probe.ts', "import { step } from '../../functions/notify';\nexport const s = step;\n", /core/],
    ['bench/probe.ts', "import { serve } from '../cli/serve';\nexport const s = serve;\n", /bench/],
    [
      'functions/probe/index.ts',
      "import { STEPS } from '../../core/domain/pipeline';\nexport const s = STEPS;\n",
      null,
    ],
  ];
  const LINT = `
    import { ESLint } from 'eslint';
    const eslint = new ESLint({ cwd: process.cwd() });
    const probes = JSON.parse(process.argv[1]);
    const out = [];
    for (const { file, code } of probes) out.push((await eslint.lintText(code, { filePath: file }))[0].messages);
    process.stdout.write(JSON.stringify(out));`;
  let found: string[][];
  beforeAll(() => {
    const probes = PROBES.map(([file, code]) => ({ file: path.join(root, file), code }));
    const out = spawnSync(process.execPath, ['--input-type=module', '-e', LINT, JSON.stringify(probes)], {
      cwd: root,
      encoding: 'utf8',
      timeout: 60_000,
    });
    if (out.status !== 0) throw new Error(`eslint failed: ${out.stderr}`);
    found = (JSON.parse(out.stdout) as { ruleId: string | null; message: string }[][]).map((ms) =>
      ms.filter((m) => m.ruleId === 'stackmend/layers').map((m) => m.message),
    );
  });

  it.each(PROBES.map((p, i) => [...p, i] as const).filter(([, , says]) => says))(
    'reports %s importing outward',
    (_file, _code, says, i) => {
      expect(found[i]).toHaveLength(1);
      expect(found[i][0]).toMatch(says!);
    },
  );

  it('accepts an import that points inward', () => {
    expect(found[PROBES.length - 1]).toEqual([]);
  });
});
