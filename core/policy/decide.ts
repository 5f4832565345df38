/**
 * detect → **decide** → act → tell. Pure: (facts, policy) → decision + plan.
 * Rules are checked in order; the first that applies wins, and its name is recorded.
 */
import type { Decision, EvacuateTarget, Plan, ReplaceTarget } from '../domain/plan';
import type { Facts, HostFacts, ServerFacts } from './facts';
import type { Policy } from './policy';

export type Verdict = { decision: Decision; plan: Plan };

const notify = (rule: string, reason: string, verdict: Decision['verdict'] = 'notify'): Verdict => ({
  decision: { verdict, rule, reason },
  plan: { action: 'notify' },
});

export function isPet(s: ServerFacts, p: Policy): boolean {
  if (s.metadata[p.haMetadata.key] === p.haMetadata.value) return true;
  return !!(p.evacuateNamePattern && s.name && new RegExp(p.evacuateNamePattern).test(s.name));
}

const replaceTarget = (s: ServerFacts): ReplaceTarget | undefined =>
  s.owner && { serverId: s.id, root: s.owner.root, stack: s.owner.stack, resourceName: s.owner.resourceName };

export function decide(f: Facts, p: Policy): Verdict {
  const i = f.incident;
  if (f.inMaintenance)
    return notify('maintenance', `${describe(f)} is in maintenance mode: no automatic action`, 'ignore');
  if (f.coveringHostIncident) {
    return notify(
      'grouped-under-host',
      `server ${i.subject.type === 'server' ? i.subject.serverId : ''} is on a host whose failure is already being handled (${f.coveringHostIncident})`,
      'group',
    );
  }
  if (f.openIncidents > p.maxOpenIncidents) {
    return notify(
      'circuit-breaker',
      `${f.openIncidents} incidents are open (limit ${p.maxOpenIncidents}): so much failing at once points at the monitor or the network, not the hosts. Holding for a human`,
      'hold',
    );
  }
  if (f.repeats >= p.repeatThreshold) {
    return notify(
      'repeat-threshold',
      `${describe(f)} failed ${f.repeats} times within ${p.repeatWindowSec} s (threshold ${p.repeatThreshold}): repairing it again would hide a deeper fault. Holding for a human`,
      'hold',
    );
  }
  return f.host ? decideHost(f, f.host, p) : decideServer(f, p);
}

function decideServer(f: Facts, p: Policy): Verdict {
  const s = f.server;
  if (!s)
    return notify(
      'unknown-server',
      'the failed server is unknown to Nova and Heat: not managed by stackmend',
      'notify',
    );
  const stale = staleness(f, s);
  if (stale) return notify('stale-alarm', stale, 'ignore');
  if (s.owner && s.heat?.rootStatus.startsWith('DELETE')) {
    return notify(
      'stack-being-deleted',
      `stack ${s.owner.root.name} is ${s.heat.rootStatus}: its servers go away on purpose`,
      'ignore',
    );
  }
  if (s.owner && s.heat && s.heat.currentServerId !== s.id) {
    return notify(
      'already-replaced',
      `resource "${s.owner.resourceName}" of ${s.owner.stack.name} already holds another server (${s.heat.currentServerId ?? 'none'}): nothing to replace`,
      'ignore',
    );
  }
  const target = replaceTarget(s);
  if (target && p.replaceCattle) {
    return {
      decision: {
        verdict: 'replace',
        rule: 'cattle-in-heat-stack',
        reason: `server ${s.id} is resource "${s.owner!.resourceName}" of stack ${s.owner!.stack.name}: replace it through Heat`,
      },
      plan: { action: 'replace', targets: [target] },
    };
  }
  if (isPet(s, p)) {
    return notify(
      'pet-on-healthy-host',
      `server ${s.id} is a pet (${p.haMetadata.key}=${p.haMetadata.value}) and its host is not reported failed: stackmend evacuates pets only on host failure; the operator is told`,
    );
  }
  return notify(
    'not-managed',
    `server ${s.id}${s.gone ? ' (deleted)' : ''} belongs to no Heat stack and is not marked for evacuation: not managed by stackmend`,
  );
}

/** The alarm says the server is gone/in error/stopped, but Nova says otherwise now. */
function staleness(f: Facts, s: ServerFacts): string | undefined {
  const kind = f.incident.kind;
  if (kind === 'server-deleted' && !s.gone)
    return `the alarm says server ${s.id} was deleted but Nova still has it (${s.status}): stale or false alarm, nothing done`;
  if (kind === 'server-error' && !s.gone && s.status !== 'ERROR')
    return `server ${s.id} is ${s.status} again, no longer in ERROR: nothing to repair`;
  if (kind === 'server-stopped' && !s.gone && s.status !== 'SHUTOFF')
    return `server ${s.id} is ${s.status} again, no longer stopped: nothing to repair`;
  return undefined;
}

function decideHost(f: Facts, h: HostFacts, p: Policy): Verdict {
  const pets: EvacuateTarget[] = h.servers
    .filter((s) => isPet(s, p))
    .map((s) => ({ serverId: s.id, name: s.name, vcpus: s.vcpus, ramMb: s.ramMb }));
  const cattle = h.servers.filter((s) => !isPet(s, p) && s.owner && p.replaceCattle).map((s) => replaceTarget(s)!);
  const untouched = h.servers.filter((s) => !isPet(s, p) && !(s.owner && p.replaceCattle)).map((s) => s.id);
  const plan: Plan = { action: 'evacuate', host: h.host, servers: pets, replace: cattle, untouched };
  if (pets.length === 0 && cattle.length === 0) {
    return notify(
      'host-without-managed-servers',
      `host ${h.host} failed but runs no server stackmend manages (${untouched.length} other servers): the operator is told`,
    );
  }
  if (!f.fence) {
    return {
      decision: {
        verdict: 'hold',
        rule: 'no-fence-evidence',
        reason: `host ${h.host} failed but nothing asserts it is powered off or isolated: evacuating now could run ${pets.length + cattle.length} servers twice. Fence the host and approve`,
      },
      plan,
    };
  }
  const need = pets.reduce((a, s) => ({ vcpus: a.vcpus + (s.vcpus ?? 1), ram: a.ram + (s.ramMb ?? 0) }), {
    vcpus: 0,
    ram: 0,
  });
  const room = h.spareHosts.filter((s) => s.freeVcpus >= need.vcpus && s.freeRamMb >= need.ram);
  if (room.length === 0 && (pets.length > 0 || cattle.length > 0)) {
    return {
      decision: {
        verdict: 'hold',
        rule: 'no-spare-capacity',
        reason: `no healthy enabled host has room for ${need.vcpus} vCPU / ${need.ram} MB from ${h.host}: evacuating would only turn servers into ERROR. Add capacity and approve`,
      },
      plan,
    };
  }
  if (!p.evacuatePets && pets.length > 0) {
    return {
      decision: {
        verdict: 'hold',
        rule: 'evacuation-needs-approval',
        reason: `policy asks a human to approve evacuations (${pets.length} servers on ${h.host})`,
      },
      plan,
    };
  }
  return {
    decision: {
      verdict: 'evacuate',
      rule: 'fenced-host-failure',
      reason: `host ${h.host} is down and fenced (${f.fence.method} by ${f.fence.by}): evacuate ${pets.length} pet(s), replace ${cattle.length} Heat-managed server(s), leave ${untouched.length}`,
    },
    plan,
  };
}

function describe(f: Facts): string {
  const s = f.incident.subject;
  return s.type === 'host' ? `host ${s.host}` : `server ${s.serverId}`;
}
