/**
 * Writes docs/policy.md from the policy's schema (cli/policy-docs.ts): `npm run policy:docs`.
 * `--check`: exit 1 when docs/policy.md differs from what the schema says (nothing written).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { policyReference } from '../cli/policy-docs';

const file = path.join(__dirname, '..', 'docs', 'policy.md');
const text = policyReference();
if (process.argv.includes('--check')) {
  const same = fs.existsSync(file) && fs.readFileSync(file, 'utf8') === text;
  if (!same) process.stderr.write('docs/policy.md is out of date: run npm run policy:docs\n');
  process.exit(same ? 0 : 1);
}
fs.writeFileSync(file, text);
process.stdout.write(`wrote ${path.relative(process.cwd(), file)}\n`);
