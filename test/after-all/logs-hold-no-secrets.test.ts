/**
 * After every other test file of the run (test/support/sequencer.cjs): the logs the run wrote hold
 * none of the secrets the tests configured — stackmend's logs of every runtime the tests started
 * (test/support/run-logs.ts), and what the run added to each lab log (/var/log/stackmend-lab/*.log,
 * the Aodh notifier's among them: it logs every http alarm action's URL at INFO). The secrets: the
 * webhook tokens and generated whisk keys the e2e and deploy tests noted (noteSecrets), the lab's
 * passwords from clouds.yaml. Unit runs have no lab logs to read; stackmend's own redaction is
 * test/unit/secrets.test.ts.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { TOKEN as E2E_TOKEN } from '../e2e/support';
import { LAB_LOGS, notedSecrets, OFFSETS_FILE, runDir } from '../support/run-logs';

function labPasswords(): string[] {
  const file = path.join(os.homedir(), '.config', 'openstack', 'clouds.yaml');
  if (!fs.existsSync(file)) return [];
  const clouds = (
    parseYaml(fs.readFileSync(file, 'utf8')) as { clouds: Record<string, { auth: { password?: string } }> }
  ).clouds;
  return Object.values(clouds).flatMap((c) => (c.auth.password ? [c.auth.password] : []));
}

/** What `file` holds after byte `from`. */
function tail(file: string, from: number): string {
  const size = fs.statSync(file).size;
  if (size <= from) return '';
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(size - from);
    fs.readSync(fd, buf, 0, buf.length, from);
    return buf.toString('utf8');
  } finally {
    fs.closeSync(fd);
  }
}

/** Every log of this run: [name, text]. */
function runLogs(dir: string): [string, string][] {
  const offsets = JSON.parse(fs.readFileSync(path.join(dir, OFFSETS_FILE), 'utf8')) as Record<string, number>;
  const ours = fs.readdirSync(dir).filter((f) => f.endsWith('.log'));
  const lab = fs.existsSync(LAB_LOGS) ? fs.readdirSync(LAB_LOGS).filter((f) => f.endsWith('.log')) : [];
  return [
    ...ours.map((f): [string, string] => [path.join(dir, f), fs.readFileSync(path.join(dir, f), 'utf8')]),
    ...lab.map((f): [string, string] => [path.join(LAB_LOGS, f), tail(path.join(LAB_LOGS, f), offsets[f] ?? 0)]),
  ];
}

describe("the whole run's logs", () => {
  it('hold none of the secrets the tests configured', () => {
    const dir = runDir();
    expect(dir).toBeDefined(); // test/support/global-setup.ts made it
    const secrets = [...new Set([E2E_TOKEN, ...labPasswords(), ...notedSecrets()])];
    const leaks = runLogs(dir!).flatMap(([file, text]) =>
      secrets.filter((s) => text.includes(s)).map((s) => `${file} holds a secret starting ${s.slice(0, 4)}…`),
    );
    expect(leaks).toEqual([]);
  });
});
