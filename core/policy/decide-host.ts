/**
 * decide, for a host: evacuate only a host that is down by Nova's own record (core/policy/host-liveness.ts)
 * and fenced by evidence stackmend believes (core/policy/fence.ts). A live host gets `host-alive` and
 * nothing is done; a late one is looked at again; anything unproven is held for a human.
 */
import { describeTarget } from '../domain/fencing';
import type { EvacuateTarget, Plan } from '../domain/plan';
import { blastOf } from './blast';
import { evacuableBecause, evacuationOrder } from './evacuable';
import { hostFenceChoice, type Facts, type HostFacts } from './facts';
import { isCattle, isPet, replaceTarget } from './managed';
import { chooseTarget, needOf } from './targets';
import type { Policy } from './policy';
import { act, hold, hostAlive, recheck, type Ruling, tellOperator } from './rulings';

/** A host alarm that is not a host failure, or a host that runs nothing stackmend manages. */
export function unmanagedHost(f: Facts, h: HostFacts, p: Policy): Ruling | undefined {
  if (f.incident.kind !== 'host-down') {
    return tellOperator(
      'host-service-unwell',
      `${f.incident.summary} A service on ${h.host} is unwell, the host is not reported failed (${f.incident.kind}): ` +
        'stackmend evacuates only failed hosts; the operator is told',
    );
  }
  if (h.servers.some((s) => isPet(s, p, h) || isCattle(s, p))) return undefined;
  return tellOperator(
    'host-without-managed-servers',
    `host ${h.host} failed but runs no server stackmend manages (${h.servers.length} other servers): ` +
      'the operator is told',
  );
}

function evacuationPlan(h: HostFacts, p: Policy): Plan & { action: 'evacuate' } {
  const pets: EvacuateTarget[] = evacuationOrder(
    h.servers.filter((s) => isPet(s, p, h)),
    p,
  ).map((s) => ({
    serverId: s.id,
    name: s.name,
    vcpus: s.vcpus,
    ramMb: s.ramMb,
    status: s.status,
    because: evacuableBecause(s, p, h),
  }));
  const others = h.servers.filter((s) => !isPet(s, p, h));
  const replace = others.filter((s) => isCattle(s, p)).map((s) => replaceTarget(s)!);
  const untouched = others.filter((s) => !isCattle(s, p)).map((s) => s.id);
  return { action: 'evacuate', host: h.host, servers: pets, replace, untouched };
}

export function decideHost(f: Facts, h: HostFacts, p: Policy): Ruling {
  const plan = evacuationPlan(h, p);
  const count = plan.servers.length + plan.replace.length;
  const live = f.liveness;
  if (!live)
    return hold(
      'host-not-verified',
      `stackmend has not read the compute service of ${h.host} from Nova: nothing done. Check the host and approve`,
      plan,
    );
  switch (live.verdict) {
    case 'alive':
      return hostAlive(`${live.reason}: the host is alive, nothing done`);
    case 'late':
      if (live.then === 'recheck')
        return recheck('host-heartbeat-late', `${live.reason}: checking again`, live.recheckAfterSec, plan);
      return hold('host-heartbeat-late', `${live.reason}: neither up nor down. Check the host and approve`, plan);
    case 'down':
      break;
    default: {
      const unreachable: never = live;
      return unreachable;
    }
  }
  // too many hosts failed at once, or a storm cooling down: no fence, no evacuation, a page (./blast.ts)
  const blast = blastOf(f, p);
  if (blast && blast.verdict !== 'clear') return hold('blast-radius', blast.reason, plan);
  const evidence = f.fenceCheck?.accepted;
  // a driver in the policy (the host's or its aggregates'): evacuate fences the host first, and writes
  // nothing to Nova before the power reads back off (functions/evacuate/fence.ts)
  const choice = evidence ? undefined : hostFenceChoice(p, h);
  if (choice?.kind === 'conflict')
    return hold(
      'fence-driver-conflict',
      `host ${h.host} is down (${live.reason}) and not fenced: ${choice.reason}. Fence the host and approve`,
      plan,
    );
  const willFence = choice?.kind === 'target' ? choice.target : undefined;
  if (!evidence && !willFence) {
    const refused = f.fenceCheck?.refused.map((r) => `${r.source}: ${r.reason}`) ?? [];
    return hold(
      'no-fence-evidence',
      `host ${h.host} is down (${live.reason}) but nothing asserts it is powered off or isolated` +
        `${refused.length ? ` that stackmend believes (${refused.join('; ')})` : ''}: evacuating now could run ` +
        `${count} servers twice. Fence the host and approve`,
      plan,
    );
  }
  const need = needOf(plan.servers);
  const method = p.evacuation.recoveryMethod;
  const where = chooseTarget(method, { spare: h.spareHosts, reserved: h.reservedHosts ?? [], need });
  if (!where.target) {
    return hold(
      'no-spare-capacity',
      `no healthy host can receive ${need.vcpus} vCPU / ${need.ramMb} MB from ${h.host} (recovery method ${method}: ` +
        `${where.reason}): evacuating would only turn servers into ERROR. Add capacity and approve`,
      plan,
    );
  }
  if (!p.evacuatePets && plan.servers.length > 0 && evidence?.source !== 'operator-approval') {
    return hold(
      'evacuation-needs-approval',
      `policy asks a human to approve evacuations (${plan.servers.length} servers on ${h.host})`,
      plan,
    );
  }
  const todo =
    `evacuate ${plan.servers.length} pet(s) (${method}: ${where.reason}), replace ${plan.replace.length} Heat-managed server(s), ` +
    `leave ${plan.untouched.length}`;
  if (!evidence)
    return act(
      'evacuate',
      'fence-then-evacuate',
      `host ${h.host} is down (${live.reason}) and not yet fenced: stackmend powers it off through ` +
        `${describeTarget(willFence!)} and, once that reads back off, will ${todo}`,
      plan,
    );
  return act(
    'evacuate',
    'fenced-host-failure',
    `host ${h.host} is down (${live.reason}) and fenced (${evidence.method} by ${evidence.by}, ` +
      `${evidence.source} vouched for by ${evidence.vouchedBy}): ${todo}`,
    plan,
  );
}
