/**
 * `stackmend doctor` against the running lab: through the lab's APIs (Keystone, its catalog, Nova's
 * compute services) and the configuration files the lab installed under /etc (test/lab/lab.sh), it
 * finds the lab set up right but for Aodh's single delivery attempt, exits by the worst finding, and
 * prints no password.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const BIN = path.join(__dirname, '..', '..', 'bin', 'stackmend.cjs');
const doctor = (...args: string[]) => {
  const state = `file:${fs.mkdtempSync(path.join(os.tmpdir(), 'stackmend-doctor-'))}`;
  const argv = [BIN, 'doctor', '--os-cloud', 'stackmend-lab', '--state', state, '--token', 'doctor-token-0123456789'];
  return spawnSync(process.execPath, [...argv, ...args], { encoding: 'utf8', timeout: 120_000 });
};

describe('stackmend doctor on the lab', () => {
  it('checks the cloud and its configuration files, and warns about Aodh posting each alarm once', () => {
    const r = doctor('-f', 'json');
    expect(r.status).toBe(0);
    const findings = Object.fromEntries(
      (JSON.parse(r.stdout) as { check: string; level: string; fix: string }[]).map((f) => [f.check, f]),
    );
    for (const ok of [
      'config',
      'alarm-auth',
      'state-store',
      'keystone',
      'heat-roles',
      'ceilometer-alarm-topic',
      'nova-notifications',
      'aodh-event-cache',
      'zaqar-notifier-pipeline',
    ])
      expect(findings[ok]).toMatchObject({ level: 'ok' });
    expect(findings['compute-services']?.level).toMatch(/^(ok|info)$/);
    expect(findings['aodh-retries']).toMatchObject({
      level: 'warn',
      fix: expect.stringContaining('rest_notifier_max_retries'),
    });
    expect(findings['catalog']).toBeUndefined(); // every endpoint stackmend needs is in the catalog
  });

  it('exits 3 on a warning with --strict, and prints no password of the lab', () => {
    const r = doctor('--strict');
    expect(r.status).toBe(3);
    expect(r.stdout).toMatch(/WARN +aodh-retries/);
    for (const secret of ['labadmin', 'labservice', 'labmember']) expect(r.stdout + r.stderr).not.toContain(secret);
  });
});
