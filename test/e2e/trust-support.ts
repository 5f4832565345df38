/**
 * What the trust tests judge by: Nova's own records (os-services, the server's host, os-migrations,
 * instance actions), a compute host silent long enough to count as down, and the CLI as a process.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse as parseYaml, stringify } from 'yaml';
import { epochMsOf } from '../../core/domain/clock';
import { hostOf } from '../../core/openstack/nova';
import { DEFAULT_POLICY } from '../../core/policy/policy';
import { labLogin } from '../support/lab';
import { waitFor, type Harness } from './support';

const NOVA = { 'OpenStack-API-Version': 'compute 2.74', 'X-OpenStack-Nova-API-Version': '2.74' };

/** Nova's view of a host and a server on it: the service flags, where the server runs, what moved it. */
export async function novaView(h: Harness, host: string, serverId: string) {
  const admin = await labLogin();
  const [svc] = await h.cloud.nova.listComputeServices(host);
  const server = await h.cloud.nova.getServer(serverId);
  const migrations = await admin.call('compute', 'GET', `/os-migrations?instance_uuid=${serverId}`, { headers: NOVA });
  const actions = await admin.call('compute', 'GET', `/servers/${serverId}/os-instance-actions`, { headers: NOVA });
  return {
    service: { forced_down: svc!.forced_down, status: svc!.status },
    serverHost: hostOf(server),
    migrations: (migrations.body.migrations as unknown[]).length,
    actions: (actions.body.instanceActions as { action: string }[]).map((a) => a.action).sort(),
  };
}

/** Until Nova's last heartbeat of `host` is older than the policy's hostDownAfterSec (it was killed). */
export const waitSilent = (h: Harness, host: string) =>
  waitFor(
    `${host} silent for ${DEFAULT_POLICY.hostDownAfterSec} s`,
    async () => {
      const [svc] = await h.cloud.nova.listComputeServices(host);
      const beat = epochMsOf(svc!.updated_at) ?? 0;
      return svc!.state === 'down' || Date.now() - beat > (DEFAULT_POLICY.hostDownAfterSec + 2) * 1000;
    },
    90,
    500,
  );

const BIN = path.join(__dirname, '..', '..', 'bin', 'stackmend.cjs');
/** The stackmend command, as an operator runs it (a child process; the runtime in this one keeps serving). */
export function cli(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env, timeout: 120_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b) => (stdout += b));
    child.stderr.on('data', (b) => (stderr += b));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** A clouds.yaml (OS_CLIENT_CONFIG_FILE) whose `stackmend-wrong` is the lab admin with a wrong password. */
export function wrongCredentials(): NodeJS.ProcessEnv {
  const file = path.join(os.homedir(), '.config', 'openstack', 'clouds.yaml');
  const lab = (parseYaml(fs.readFileSync(file, 'utf8')) as { clouds: Record<string, { auth: object }> }).clouds[
    'stackmend-lab'
  ]!;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stackmend-wrong-'));
  const out = path.join(dir, 'clouds.yaml');
  const entry = { ...lab, auth: { ...lab.auth, password: 'not-the-password' } };
  fs.writeFileSync(out, stringify({ clouds: { 'stackmend-wrong': entry } }), { mode: 0o600 });
  return { ...process.env, OS_CLIENT_CONFIG_FILE: out };
}
