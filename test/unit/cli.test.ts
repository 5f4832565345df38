/** The stackmend command's contract with shells and CI: usage, exit codes, JSON on stdout. */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const BIN = path.join(__dirname, '..', '..', 'bin', 'stackmend.cjs');
const run = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 60_000 });

describe('stackmend CLI', () => {
  it('prints usage and exits 0 for help, 2 for an unknown command', () => {
    expect(run('help')).toMatchObject({ status: 0, stdout: expect.stringContaining('Usage: stackmend <command>') });
    expect(run('frobnicate')).toMatchObject({
      status: 2,
      stderr: expect.stringContaining('unknown command "frobnicate"'),
    });
  });

  it('exits 2 with the zod issues as JSON for an alarm it cannot read, touching no cloud', () => {
    const r = run('invoke', 'classify-alarm', '--data', '{"hello":1}', '--state', 'memory:');
    expect(r.status).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({ error: 'InvalidPayloadError', issues: expect.any(Array) });
  });

  it('exits 2 for bad flags and for --data that is not JSON', () => {
    expect(run('invoke', 'notify', '--data', '{nope')).toMatchObject({
      status: 2,
      stderr: expect.stringContaining('--data is not JSON'),
    });
    expect(run('invoke', 'notify', '--bogus')).toMatchObject({ status: 2 });
    expect(run('approve', 'some-incident')).toMatchObject({
      status: 2,
      stderr: expect.stringContaining('--fenced-by'),
    });
    expect(run('approve', 'some-incident', '--fenced-by', 'me', '--method', 'hope')).toMatchObject({
      status: 2,
      stderr: expect.stringContaining('--method is one of power-off, isolated, stonith, forced-down, operator'),
    });
    expect(run('approve', 'nope', '--fenced-by', 'me', '--state', 'memory:')).toMatchObject({
      status: 2,
      stderr: expect.stringContaining('not in the state store'),
    });
    expect(run('dismiss', 'some-incident')).toMatchObject({ status: 2, stderr: expect.stringContaining('--reason') });
  });

  it('turns maintenance on and off for a host and for everything, each change in the audit log with who', () => {
    const state = `file:${fs.mkdtempSync(path.join(os.tmpdir(), 'stackmend-cli-maint-'))}`;
    expect(run('maintenance', 'on', 'compute1', '--state', state)).toMatchObject({ status: 0 });
    expect(run('maintenance', 'on', 'all', '--state', state).stdout).toBe('maintenance on for all\n');
    expect(run('maintenance', 'off', 'all', '--state', state)).toMatchObject({ status: 0 });
    const audit = JSON.parse(run('audit', '--json', '--state', state).stdout);
    expect(audit.map((e: any) => [e.control, e.subject, e.on, e.by.via])).toEqual([
      ['maintenance', 'host:compute1', true, 'local-user'],
      ['maintenance', 'all', true, 'local-user'],
      ['maintenance', 'all', false, 'local-user'],
    ]);
  });

  it('refuses to dismiss an incident it does not know, with a hint', () => {
    expect(run('dismiss', 'nope', '--reason', 'test', '--state', 'memory:')).toMatchObject({
      status: 1,
      stderr: expect.stringContaining('not in the state store'),
    });
  });
});
