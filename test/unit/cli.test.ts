/** The stackmend command's contract with shells and CI: usage, exit codes, JSON on stdout. */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { HELP } from '../../cli/help';
import { paint, renderRows, sayer } from '../../cli/output';
import { stormAudit, stormStep } from '../../core/policy/storms';
import { openStore } from '../../core/state';
import { Controls } from '../../functions/_shared/controls';

const BIN = path.join(__dirname, '..', '..', 'bin', 'stackmend.cjs');
const run = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 60_000 });
const runIn = (cwd: string, env: NodeJS.ProcessEnv, ...args: string[]) =>
  spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    timeout: 60_000,
    cwd,
    env: { ...process.env, ...env },
  });
const scratch = () => fs.mkdtempSync(path.join(os.tmpdir(), 'stackmend-cli-'));

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

  it('exits 2 for a bench number flag that is not a whole number, before any part runs or the lab is touched', () => {
    const out = scratch();
    for (const [flag, value] of [
      ['--others', 'abc'],
      ['--pets', '-3'],
      ['--stacks', '0'],
      ['--alarms', '2.5'],
      ['--hold-min', ''],
    ]) {
      const r = run('bench', '--only', 'scale', `${flag}=${value}`, '--out', out);
      expect(r).toMatchObject({ status: 2, stderr: expect.stringContaining(`${flag} "${value}": a`) });
      expect(r.stdout).not.toContain('scale…');
    }
    expect(fs.readdirSync(out)).toEqual([]);
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

  it('pauses and resumes automation of one host or one aggregate, leaving the others, each change audited', async () => {
    const dir = scratch();
    const state = `file:${dir}`;
    expect(run('pause', '--host', 'compute1', '--state', state)).toMatchObject({
      status: 0,
      stdout: 'automation of host:compute1 paused: what would act is held for a human\n',
    });
    expect(run('pause', '--aggregate', 'rack 2', '--state', state)).toMatchObject({ status: 0 });
    const store = openStore(state);
    const controls = new Controls(store, Date.now);
    try {
      expect(await controls.pausedFor(['host:compute1'])).toMatchObject({
        subject: 'host:compute1',
        by: { via: 'local-user', name: os.userInfo().username },
      });
      expect(await controls.pausedFor(['aggregate:rack 2'])).toMatchObject({ subject: 'aggregate:rack 2' });
      expect(await controls.pausedFor(['host:compute2', 'aggregate:rack 1'])).toBeUndefined();
      expect(await controls.paused()).toBeUndefined(); // nothing paused everywhere

      expect(run('resume', '--host', 'compute1', '--state', state)).toMatchObject({
        status: 0,
        stdout: 'automation of host:compute1 resumed\n',
      });
      expect(await controls.pausedFor(['host:compute1'])).toBeUndefined();
      expect(await controls.pausedFor(['aggregate:rack 2'])).toMatchObject({ subject: 'aggregate:rack 2' });
    } finally {
      await store.close();
    }
    const audit = JSON.parse(run('audit', '--json', '--state', state).stdout);
    expect(audit.map((e: any) => [e.control, e.subject, e.on, e.by.via])).toEqual([
      ['pause', 'host:compute1', true, 'local-user'],
      ['pause', 'aggregate:rack 2', true, 'local-user'],
      ['pause', 'host:compute1', false, 'local-user'],
    ]);
  });

  it('refuses pause --host with --aggregate, a name that is none, or an argument: exit 2, nothing written', () => {
    const dir = scratch();
    const state = `file:${dir}`;
    for (const [args, says] of [
      [['--host', 'compute1', '--aggregate', 'rack'], 'pause takes --host or --aggregate, not both'],
      [['--host', 'compute1;rm'], '--host "compute1;rm" is not a host name'],
      [['--aggregate', '/etc'], '--aggregate "/etc" is not an aggregate name'],
      [['compute1'], 'pause takes no arguments besides --host or --aggregate'],
    ] as const)
      expect(run('pause', ...args, '--state', state)).toMatchObject({
        status: 2,
        stderr: expect.stringContaining(says),
      });
    expect(run('resume', '--host', 'a', '--aggregate', 'b', '--state', state)).toMatchObject({
      status: 2,
      stderr: expect.stringContaining('resume takes --host or --aggregate, not both'),
    });
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('refuses an empty --host or --aggregate (an unset shell variable) instead of acting on everything', async () => {
    const state = `file:${scratch()}`;
    expect(run('pause', '--state', state)).toMatchObject({
      status: 0,
      stdout: expect.stringContaining('automation paused'),
    });
    for (const flag of ['--host', '--aggregate'])
      expect(run('resume', flag, '', '--state', state)).toMatchObject({
        status: 2,
        stderr: expect.stringContaining(`${flag} "" is not`),
      });
    const store = openStore(state);
    try {
      expect(await new Controls(store, Date.now).paused()).toMatchObject({ by: { via: 'local-user' } }); // still paused
    } finally {
      await store.close();
    }
    expect(run('maintenance', 'on', '--host', '', '--state', state)).toMatchObject({
      status: 2,
      stderr: expect.stringContaining('--host "" is not a host name'),
    });
  });

  it('says less on stderr with -q/--quiet and debug lines only with -v/--verbose', () => {
    const lines: string[] = [];
    const err = { write: (s: string) => lines.push(s) } as unknown as typeof process.stderr;
    for (const flags of [{ quiet: true }, {}, { verbose: true }]) {
      const say = sayer('approve', flags, err);
      say.info(`info ${say.level}`);
      say.debug(`debug ${say.level}`);
    }
    expect(lines).toEqual([
      'stackmend approve: info normal\n',
      'stackmend approve: info verbose\n',
      'stackmend approve: debug verbose\n',
    ]);
    // through the command: arm's note about the credential it leaves out of --url, before it needs a cloud
    const note = 'stackmend arm: the Keystone form sends a token, not the user:password@ of --url: left out';
    const dir = scratch();
    const cloudless = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('OS_')));
    const arm = (...flags: string[]) =>
      spawnSync(process.execPath, [BIN, 'arm', 'web', '--url', 'http://u:p@127.0.0.1:9/x', ...flags], {
        encoding: 'utf8',
        timeout: 60_000,
        cwd: dir,
        env: { ...cloudless, HOME: dir },
      }).stderr;
    expect(arm()).toContain(note);
    expect(arm('--verbose')).toContain(note);
    for (const q of ['-q', '--quiet']) expect(arm(q)).not.toContain(note);
    expect(arm('-q')).toContain('no cloud selected'); // errors are still said
  });

  it('refuses to dismiss an incident it does not know, with a hint: bad input, exit 2', () => {
    expect(run('dismiss', 'nope', '--reason', 'test', '--state', 'memory:')).toMatchObject({
      status: 2,
      stderr: expect.stringContaining('not in the state store'),
    });
  });

  it.each(Object.keys(HELP))(
    'prints `%s --help` and exits 0 without running it (no state, no cloud, no lab)',
    (cmd) => {
      const dir = scratch();
      const r = runIn(dir, { OS_CLOUD: 'no-such-cloud' }, cmd, '--help');
      expect(r).toMatchObject({ status: 0, stdout: expect.stringContaining(`Usage: stackmend ${cmd}`) });
      expect(r.stdout).toContain('Exit codes: 0 handled, 2 bad usage or bad input');
      expect(r.stderr).toBe('');
      expect(fs.readdirSync(dir)).toEqual([]); // nothing written: no .stackmend/, no key file
    },
  );

  it('shows a storm of the blast radius in the audit log: its scope, what happened to it and why', async () => {
    const dir = scratch();
    const store = openStore(`file:${dir}`);
    const cloud = { scope: 'cloud', failed: ['compute1', 'compute2'], total: 3, limit: '50%', tripped: true };
    const at = Date.parse('2026-11-23T01:55:00Z');
    await store.append('audit', stormAudit(stormStep('cloud', undefined, cloud, at, 300), at, 300));
    await store.close();
    expect(run('audit', '--state', `file:${dir}`).stdout).toMatch(
      /^2026-11-23T01:55:00.000Z cloud storm started: storm started in cloud: 2 of 3 hosts failed in cloud = 67 %/,
    );
    expect(run('audit', '--state', `file:${dir}`, '-f', 'table').stdout).toMatch(
      /^at +incident +subject +step +outcome +reason\n-+.*\n2026-11-23T01:55:00.000Z +cloud +storm started +storm started in cloud/,
    );
  });

  it("shows what notify told operators in the audit log: the incident's state and each channel", async () => {
    const dir = scratch();
    const store = openStore(`file:${dir}`);
    const told = [
      { channel: 'log', ok: true },
      { channel: 'webhook', ok: false },
    ];
    await store.append('audit', {
      at: '2026-11-23T01:55:00.000Z',
      kind: 'summary',
      incident: 'i-1',
      status: 'resolved',
      told,
    });
    await store.close();
    expect(run('audit', '--state', `file:${dir}`).stdout).toBe(
      '2026-11-23T01:55:00.000Z i-1 notify resolved: told log, webhook (failed)\n',
    );
    expect(run('audit', '--state', `file:${dir}`, '-f', 'value').stdout).toMatch(
      /notify resolved told log, webhook \(failed\)/,
    );
  });

  it('prints data as -f json, table or value, and refuses another format with exit 2', () => {
    const state = `file:${scratch()}`;
    expect(JSON.parse(run('incidents', '--state', state, '-f', 'json').stdout)).toEqual([]);
    expect(run('incidents', '--state', state, '-f', 'table')).toMatchObject({
      status: 0,
      stdout: expect.stringMatching(/^key +status +rule +summary\n-+/),
    });
    expect(run('audit', '--state', state, '-f', 'value')).toMatchObject({ status: 0, stdout: '' });
    expect(run('incidents', '--state', state, '-f', 'yaml')).toMatchObject({
      status: 2,
      stderr: expect.stringContaining('-f is one of json, table, value'),
    });
  });

  it('takes the cloud from --os-cloud, --cloud or OS_CLOUD (doctor names it, and exits 3 for its failure)', () => {
    const dir = scratch();
    const args = [
      'doctor',
      '--state',
      `file:${dir}`,
      '--config-dir',
      dir,
      '--token',
      'a-webhook-token-0123',
      '-f',
      'json',
    ];
    for (const [extra, env] of [
      [['--os-cloud', 'cloud-a'], {}],
      [['--cloud', 'cloud-a'], {}],
      [[], { OS_CLOUD: 'cloud-a' }],
    ] as const) {
      const r = runIn(dir, env, ...args, ...extra);
      expect(r.status).toBe(3);
      const keystone = (JSON.parse(r.stdout) as { check: string; level: string; message: string }[]).find(
        (f) => f.check === 'keystone',
      );
      expect(keystone).toMatchObject({ level: 'fail', message: expect.stringContaining('cloud "cloud-a"') });
    }
  });

  it('colours only on a terminal, and never with NO_COLOR', () => {
    expect(paint('FAIL', 'red', { isTTY: true }, {})).toBe('\u001b[31mFAIL\u001b[0m');
    expect(paint('FAIL', 'red', { isTTY: false }, {})).toBe('FAIL');
    expect(paint('FAIL', 'red', { isTTY: true }, { NO_COLOR: '1' })).toBe('FAIL');
    expect(run('doctor', '--help').stdout).not.toContain('\u001b[');
  });

  it('aligns table columns and prints values as openstack -f value does', () => {
    const rows = [
      { a: 'x', b: 1 },
      { a: 'longer', b: undefined },
    ];
    expect(renderRows(rows, ['a', 'b'], 'table')).toBe('a       b\n------  -\nx       1\nlonger\n');
    expect(renderRows(rows, ['a', 'b'], 'value')).toBe('x 1\nlonger \n');
  });

  it("knows every command of the README's `Using it` block, and runs those that need no cloud", () => {
    const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
    const block = /## Using it\n\n```sh\n([\s\S]*?)```/.exec(readme)![1]!;
    const lines = block
      .split('\n')
      .flatMap((l) => l.split(/;\s+/))
      .map((l) => /npx stackmend (.*?)(\s+#.*)?$/.exec(l)?.[1]?.trim())
      .filter((l): l is string => !!l);
    expect(lines.length).toBeGreaterThanOrEqual(14);
    const state = `file:${scratch()}`;
    const NEEDS_CLOUD = ['serve', 'arm', 'disarm', 'invoke', 'approve', 'doctor', 'host']; // the lab tests run these
    for (const line of lines) {
      const argv = line.match(/"[^"]*"|\S+/g)!.map((a) => a.replace(/^"|"$/g, ''));
      expect(Object.keys(HELP)).toContain(argv[0]);
      if (argv.some((a) => a.startsWith('<')) || (NEEDS_CLOUD.includes(argv[0]!) && !argv.includes('--help'))) continue;
      expect({ line, status: run(...argv, '--state', state).status }).toEqual({ line, status: 0 });
    }
  });
});
