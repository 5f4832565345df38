/**
 * `stackmend approve <incident> --fenced-by WHO --method M`: an operator's approval of a held
 * evacuation, as its own command. The operator is the Keystone user of the CLI's cloud credentials
 * (clouds.yaml / OS_*), checked against Keystone: wrong credentials approve nothing. The approval
 * (core/domain/approval.ts) is stored on the incident record, bound to the incident and its host,
 * expiring after the policy's approvalTtlSec; then evacuate runs, and checks the host in Nova again
 * before it writes anything (functions/evacuate/verify.ts): a host that came back up, or an expired
 * approval, is refused there. Only an operator the policy names may approve (approverRoles, default
 * the admin role; approverUsers: core/policy/approvers.ts). Exit codes: 0 handled, 2 bad usage or
 * refused credentials (wrong, or not an approver's), 3 refused or held (a human is needed), 1 an error.
 */
import { FENCE_METHODS, type FenceMethod } from '../core/domain/fence';
import { cloudConfigFromEntry, loadCloudConfig } from '../core/openstack/config';
import { OpenStackApiError } from '../core/openstack/errors';
import { KeystoneSession } from '../core/openstack/keystone';
import { mayApprove, type Approver } from '../core/policy/approvers';
import { RuntimeConfigSchema, type RuntimeConfig } from '../core/runtime/config';
import { openStore } from '../core/state';
import { approveEvacuation, NothingToApproveError } from '../functions/_shared/approve';
import { BreakerFullError, Incidents } from '../functions/_shared/incidents';
import { parametersFrom, parse, UsageError } from './args';
import { exitCodeOf, invokeStep } from './invoke';
import { sayer } from './output';
import { evacuationProgress } from './progress';

const isMethod = (m: string): m is FenceMethod => (FENCE_METHODS as readonly string[]).includes(m);
const say = (s: string) => process.stderr.write(`stackmend approve: ${s}\n`);

/**
 * The operator, as Keystone knows the CLI's credentials (their roles on the credentials' project);
 * undefined (and said why) when Keystone refuses them.
 */
async function operator(config: RuntimeConfig): Promise<Approver | undefined> {
  const cloud = config.os_auth
    ? cloudConfigFromEntry('os_auth', config.os_auth)
    : loadCloudConfig({ cloud: config.cloud });
  try {
    const t = await new KeystoneSession(cloud).session();
    return { via: 'keystone', name: t.userName ?? t.userId, id: t.userId, roles: t.roles };
  } catch (e) {
    if (e instanceof OpenStackApiError && (e.status === 401 || e.status === 403)) {
      say(`Keystone refused the credentials of cloud "${cloud.name}" (${e.status}): nothing approved`);
      return undefined;
    }
    throw e;
  }
}

export async function approve(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    'fenced-by': { type: 'string' },
    method: { type: 'string' },
    'no-evacuate': { type: 'boolean' },
    chain: { type: 'boolean' },
  });
  const key = positionals[0];
  if (!key || !values['fenced-by'])
    throw new UsageError('approve needs <incident> and --fenced-by WHO (the person or system that fenced the host)');
  const method = values.method ?? 'power-off';
  if (!isMethod(method)) throw new UsageError(`--method is one of ${FENCE_METHODS.join(', ')}`);
  const params = parametersFrom(values);
  const config = RuntimeConfigSchema.parse(params);
  const store = openStore(config.state_url);
  try {
    const incidents = new Incidents(store, Date.now);
    const r = await incidents.get(key);
    if (!r) throw new UsageError(`incident "${key}" is not in the state store ${config.state_url}`);
    const who = await operator(config);
    if (!who) return 2;
    const may = mayApprove(who, config.policy);
    if (!may.valid) return (say(`${may.reason}: nothing approved`), 2);
    const approvedBy = { via: who.via, name: who.name, roles: who.roles };
    const policy = config.policy;
    const a = await approveEvacuation(
      incidents,
      { incident: key, approvedBy, fencedBy: values['fenced-by'], method },
      {
        now: Date.now(),
        ttlSec: policy.approvalTtlSec,
        maxOpenIncidents: policy.maxOpenIncidents,
        dryRun: config.dry_run,
      },
    ).catch((e: unknown) => {
      if (e instanceof BreakerFullError) return void say(`${e.message}: nothing approved`);
      throw e instanceof NothingToApproveError ? new UsageError(e.message) : e;
    });
    if (!a) return 3;
    if (config.dry_run) return (say(`dry run: would store ${JSON.stringify(a)}; nothing written`), 0);
    sayer('approve', values).info(`approval stored for ${key} (${a.host}), valid until ${a.expiresAt}`);
  } finally {
    await store.close();
  }
  if (values['no-evacuate']) return 0;
  const progressStore = openStore(config.state_url);
  const progress = evacuationProgress(new Incidents(progressStore, Date.now), key, sayer('approve', values));
  const res = await invokeStep('evacuate', { incident: key }, params, {
    chain: !!values.chain,
    log: () => void progress.report(),
    verbose: !!values.verbose,
  }).finally(() => progress.done().finally(() => progressStore.close()));
  process.stdout.write(`${JSON.stringify(res.body, null, 2)}\n`);
  const outcomes = ((res.body as { results?: { outcome: string }[] }).results ?? []).map((x) => x.outcome);
  return outcomes.includes('HOST_ALIVE') ? 3 : exitCodeOf(res);
}
