/** `stackmend policy check|explain` and `--policy FILE` as a shell sees them: output, exit codes, no cloud. */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const BIN = path.join(__dirname, '..', '..', '..', 'bin', 'stackmend.cjs');
const run = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 60_000 });
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stackmend-policy-'));
const file = (name: string, text: string) => {
  const f = path.join(dir, name);
  fs.writeFileSync(f, text);
  return f;
};
const broken = file('broken.yaml', 'rules:\n  - name: a\n    match:\n      aggregate: 5\n');

describe('stackmend policy', () => {
  it('check: exit 2 and each problem at its line on stderr; -f json lists them on stdout', () => {
    expect(run('policy', 'check', broken)).toMatchObject({
      status: 2,
      stdout: '',
      stderr: `${broken}:4:18: rules[0].match.aggregate: expected string or array\n`,
    });
    const json = run('policy', 'check', broken, '-f', 'json');
    expect(json.status).toBe(2);
    expect(JSON.parse(json.stdout)).toEqual([
      { file: broken, line: 4, col: 18, path: 'rules[0].match.aggregate', message: 'expected string or array' },
    ]);
  });

  it('check: exit 0 for a good file, its rules by name', () => {
    const good = file('good.yaml', 'rules:\n  - name: db\n    action: hold\n');
    expect(run('policy', 'check', good)).toMatchObject({ status: 0, stdout: `${good}: valid, 1 rule(s)\n` });
    expect(JSON.parse(run('policy', 'check', good, '-f', 'json').stdout)).toEqual({
      file: good,
      valid: true,
      rules: 'db',
    });
  });

  it('bad usage exits 2 with the help; --help runs nothing', () => {
    expect(run('policy', 'check')).toMatchObject({ status: 2, stderr: expect.stringContaining('needs the file') });
    expect(run('policy', 'check', path.join(dir, 'missing.yaml'))).toMatchObject({ status: 2 });
    expect(run('policy', 'frobnicate')).toMatchObject({ status: 2 });
    expect(run('policy', 'explain')).toMatchObject({ status: 2, stderr: expect.stringContaining('--data') });
    const help = run('policy', 'explain', '--help');
    expect(help).toMatchObject({ status: 0, stdout: expect.stringContaining('Usage: stackmend policy check <file>') });
  });

  it('--policy FILE: a broken file stops any command with its line before anything runs (exit 2)', () => {
    const r = run('invoke', 'notify', '--data', '{}', '--state', 'memory:', '--policy', broken);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${broken}:4:18: rules[0].match.aggregate: expected string or array`);
  });
});
