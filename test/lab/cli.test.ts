/** lab.sh's command line: usage errors, the root/apt preflight, status. Changes nothing in the cloud. */
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LAB_SH, LAB_STATE_DIR, lab } from '../support/lab';

const repo = join(__dirname, '..', '..');

describe('npm run lab -- <command>', () => {
  it('rejects an unknown command with usage on stderr and exit 2', () => {
    const r = spawnSync('npm', ['run', '--silent', 'lab', '--', 'frobnicate'], { cwd: repo, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('unknown command: frobnicate');
    expect(r.stderr).toMatch(/usage: npm run lab -- <command>/);
  });

  it('rejects no command, an unknown host and an unknown service with usage', () => {
    expect(lab().status).toBe(2);
    const kill = lab('kill-host', 'compute9');
    expect(kill.status).toBe(2);
    expect(kill.stderr).toMatch(/unknown host: compute9[\s\S]*usage: .*kill-host <compute1\|compute2\|compute3>/);
    expect(lab('revive-host').status).toBe(2);
    const logs = lab('logs', 'nosuchservice');
    expect(logs.status).toBe(2);
    expect(logs.stderr).toMatch(/unknown service: nosuchservice[\s\S]*usage: npm run lab -- logs <service>/);
  });

  it('refuses `up` as a non-root user, says why, and changes nothing', () => {
    const snapshot = (): string =>
      [LAB_STATE_DIR, join(LAB_STATE_DIR, 'run'), '/etc/nova/nova.conf']
        .map((p) => `${p}:${statSync(p).mtimeMs}:${statSync(p).isDirectory() ? readdirSync(p).join(',') : ''}`)
        .join('\n');
    const before = snapshot();
    // nobody may not be able to read the clone (CI's may sit in a 0700 directory): run a readable copy
    const dir = mkdtempSync(join(tmpdir(), 'lab-nonroot-'));
    chmodSync(dir, 0o755);
    copyFileSync(LAB_SH, join(dir, 'lab.sh'));
    chmodSync(join(dir, 'lab.sh'), 0o644);
    const r = spawnSync(
      'setpriv',
      ['--reuid=nobody', '--regid=nogroup', '--clear-groups', 'bash', join(dir, 'lab.sh'), 'up'],
      {
        encoding: 'utf8',
      },
    );
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/must run as root/);
    expect(r.stderr).toMatch(/Nothing was changed/);
    expect(r.stdout).toBe('');
    expect(snapshot()).toBe(before);
  });

  it('refuses `up` on a machine without apt-get, says why, and changes nothing', () => {
    const before = statSync(join(LAB_STATE_DIR, 'run')).mtimeMs;
    const r = spawnSync('bash', [LAB_SH, 'up'], {
      encoding: 'utf8',
      env: { ...process.env, STACKMEND_LAB_APT_GET: '/nonexistent/apt-get' },
    });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(
      /needs a Debian \(bookworm\) machine with apt-get and dpkg; none found\. Nothing was changed\./,
    );
    expect(r.stdout).toBe('');
    expect(statSync(join(LAB_STATE_DIR, 'run')).mtimeMs).toBe(before);
  });

  it('`status` prints every service with its port, pid and health', () => {
    const r = lab('status');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^SERVICE\s+PORT\s+PID\s+HEALTH/m);
    for (const [svc, port] of [
      ['keystone', 5000],
      ['nova-api', 8774],
      ['heat-api', 8004],
      ['zaqar', 8888],
      ['aodh-api', 8042],
      ['mistral', 8989],
      ['masakari-api', 15868],
    ] as const) {
      expect(r.stdout).toMatch(new RegExp(`^${svc}\\s+${port}\\s+\\d+\\s+ok \\(HTTP \\d+\\)`, 'm'));
    }
    expect(r.stdout).toMatch(/^nova-compute1\s+-\s+\d+\s+running/m);
    expect(r.stdout).toMatch(/MASAKARI_WAIT_PERIOD_AFTER_SERVICE_UPDATE=\d+/);
  });

  it('`up` on a healthy lab is a fast no-op', () => {
    const t0 = Date.now();
    const r = lab('up');
    expect(r.status).toBe(0);
    expect(r.stdout).not.toMatch(/started |config: wrote|db sync/);
    expect(Date.now() - t0).toBeLessThan(10_000);
  });
});
