/**
 * `stackmend doctor`: checks stackmend's configuration, its state store (cli/doctor/state.ts), the cloud
 * (through its APIs) and the OpenStack configuration files it can read (cli/doctor/files.ts) for the traps
 * that make self-healing silently not work; each finding says how to fix it. Exit 3 when a finding fails (or
 * warns, with --strict), 0 otherwise; it changes nothing but a probe key it writes and deletes.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cloudConfigFromEntry, loadCloudConfig, type CloudConfig } from '../core/openstack/config';
import { connect } from '../core/openstack/cloud';
import { KeystoneSession } from '../core/openstack/keystone';
import { credentialsConfigured } from '../core/runtime/auth';
import { parseRuntimeConfig, type RuntimeConfig } from '../core/runtime/config';
import { parametersFrom, parse } from './args';
import { checkConfigFiles, why, type Finding, type Level } from './doctor/files';
import { checkStateStore } from './doctor/state';
import { formatOf, paint, renderRows } from './output';

const RANK: Record<Level, number> = { ok: 0, info: 1, warn: 2, fail: 3 };
const COLOUR = { ok: 'green', info: 'dim', warn: 'yellow', fail: 'red' } as const;

function stackmendConfig(c: RuntimeConfig): Finding[] {
  const out: Finding[] = [];
  if (c.auth.insecure_no_auth)
    out.push({
      check: 'alarm-auth',
      level: 'warn',
      message: 'classify-alarm accepts alarms without credentials',
      fix: 'configure auth (keystone, basic, bearer, hmac) and drop insecure_no_auth',
    });
  else if (!credentialsConfigured(c))
    out.push({
      check: 'alarm-auth',
      level: 'fail',
      message: 'no alarm credential: a deployed classify-alarm answers every alarm 401',
      fix: 'configure auth.keystone users/roles (for trust+http:// alarms) or webhook_token',
    });
  else out.push({ check: 'alarm-auth', level: 'ok', message: 'classify-alarm requires a credential' });
  return out;
}

async function cloud(c: RuntimeConfig): Promise<Finding[]> {
  let cfg: CloudConfig;
  let session: KeystoneSession;
  let roles: string[];
  try {
    cfg = c.os_auth ? cloudConfigFromEntry('os_auth', c.os_auth) : loadCloudConfig({ cloud: c.cloud });
    session = new KeystoneSession(cfg);
    roles = (await session.session()).roles;
  } catch (e) {
    const name = c.cloud ?? (c.os_auth ? 'os_auth' : 'OS_*');
    return [
      {
        check: 'keystone',
        level: 'fail',
        message: `cloud "${name}": ${why(e)}`,
        fix: 'fix the clouds.yaml entry (--os-cloud, OS_CLOUD) or os_auth',
      },
    ];
  }
  const out: Finding[] = [
    { check: 'keystone', level: 'ok', message: `cloud "${cfg.name}": roles ${roles.join(', ') || 'none'}` },
  ];
  if (!roles.includes('admin'))
    out.push({
      check: 'roles',
      level: 'warn',
      message:
        'without the admin role stackmend cannot read compute services, force a host down, evacuate or validate Keystone tokens',
      fix: "give stackmend's user the admin role (or policies granting os-services, os-evacuate and identity:validate_token)",
    });
  if (roles.includes('heat_stack_user') && !roles.some((r) => ['admin', 'member', 'heat_stack_owner'].includes(r)))
    out.push({
      check: 'roles',
      level: 'fail',
      message: 'heat_stack_user may not mark resources unhealthy nor update stacks (Heat denies it)',
      fix: "give stackmend's user the member role in the stacks' project",
    });
  else out.push({ check: 'heat-roles', level: 'ok', message: 'the roles allow marking Heat resources unhealthy' });
  for (const [type, what] of [
    ['compute', 'Nova'],
    ['orchestration', 'Heat'],
    ['alarming', 'Aodh'],
  ] as const) {
    try {
      await session.endpoint(type);
    } catch (e) {
      out.push({
        check: 'catalog',
        level: 'fail',
        message: `no ${what} (${type}) endpoint: ${why(e)}`,
        fix: `register ${what} in the catalog, or pick the interface/region`,
      });
    }
  }
  try {
    const svcs = await connect(cfg).nova.listComputeServices();
    const odd = svcs.filter((s) => s.forced_down || s.status !== 'enabled' || s.state !== 'up');
    out.push({
      check: 'compute-services',
      level: odd.length ? 'info' : 'ok',
      message: `${svcs.length} compute hosts${odd.length ? `; not up and enabled: ${odd.map((s) => s.host).join(', ')}` : ', all up and enabled'}`,
    });
  } catch (e) {
    out.push({
      check: 'compute-services',
      level: 'warn',
      message: `Nova's compute services could not be read: ${why(e)}`,
      fix: 'give stackmend the admin role',
    });
  }
  return out;
}

export async function doctor(argv: string[]): Promise<number> {
  const { values } = parse(argv, { 'config-dir': { type: 'string' }, strict: { type: 'boolean' } });
  const format = formatOf(values, 'table');
  const dir = values['config-dir'] ?? '/etc';
  const read = (rel: string) => {
    try {
      return fs.readFileSync(path.join(dir, rel), 'utf8');
    } catch {
      return undefined;
    }
  };
  let config: RuntimeConfig;
  const findings: Finding[] = [];
  try {
    config = parseRuntimeConfig(parametersFrom(values));
    findings.push({ check: 'config', level: 'ok', message: 'the configuration and the policy parse' });
  } catch (e) {
    findings.push({ check: 'config', level: 'fail', message: why(e), fix: 'fix the flags or parameters named' });
    config = parseRuntimeConfig({});
  }
  findings.push(...stackmendConfig(config), ...(await checkStateStore(config)), ...(await cloud(config)));
  findings.push(...checkConfigFiles(read, config.policy));
  const rows = findings.map((f) => ({ ...f, fix: f.fix ?? '' }));
  if (format === 'table')
    process.stdout.write(
      renderRows(
        rows.map((r) => ({ ...r, level: paint(r.level.toUpperCase(), COLOUR[r.level]) })),
        ['level', 'check', 'message', 'fix'],
        'table',
      ),
    );
  else process.stdout.write(renderRows(rows, ['level', 'check', 'message', 'fix'], format));
  const worst = Math.max(...findings.map((f) => RANK[f.level]));
  return worst >= RANK.fail || (values.strict && worst >= RANK.warn) ? 3 : 0;
}
