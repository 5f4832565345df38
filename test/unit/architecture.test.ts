/**
 * Dependencies point inward only (STYLE.md): functions → runtime → openstack/policy/state → domain.
 * The domain and the policy do no I/O; the domain imports nothing but zod and itself.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

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
  ['core/policy', (t) => t === 'zod' || t.startsWith('core/domain') || t.startsWith('core/policy')],
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
