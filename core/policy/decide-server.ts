/**
 * decide, for a VM or a process failure. A pet server that stopped or went to ERROR on its own climbs the
 * policy's escalation ladder (core/policy/recovery.ts), starting with Masakari's VM recovery (stop, start);
 * cattle are replaced through Heat before this is asked (core/policy/decide.ts). A process its host monitor
 * could not restart is never a host failure: the operator is told, and the policy's restart hook, when
 * there is one, is called with the host (functions/restart/index.ts). Pure.
 */
import type { Facts, HostFacts, ServerFacts } from './facts';
import { isPet } from './managed';
import type { Policy } from './policy';
import { act, hold, tellOperator, type Ruling } from './rulings';

const VM_FAILURES = { 'server-error': 'went to ERROR', 'server-stopped': 'stopped' } as const;
const isVmFailure = (k: string): k is keyof typeof VM_FAILURES => Object.hasOwn(VM_FAILURES, k);

/** A pet that stopped or went to ERROR: the first rung of the ladder (undefined: not a VM failure of a pet). */
export function decidePetFailure(f: Facts, s: ServerFacts, p: Policy): Ruling | undefined {
  const kind = f.incident.kind;
  if (!isVmFailure(kind) || !isPet(s, p, f.serverHost) || s.gone) return undefined;
  const what = `pet server ${s.name ? `${s.name} (${s.id})` : s.id} ${VM_FAILURES[kind]} on its own`;
  if (!p.serverRecovery.enabled)
    return tellOperator('server-recovery-off', `${what}; serverRecovery is off in the policy: the operator is told`);
  const ladder = p.serverRecovery.ladder.map((r) => r.rung).join(' → ');
  if (p.serverRecovery.ladder[0].rung === 'human')
    return hold('server-recovery-human', `${what}; the policy's ladder starts with a human (${ladder}). Holding`);
  const target = {
    kind: 'server' as const,
    serverId: s.id,
    ...(s.name ? { name: s.name } : {}),
    ...(s.host ? { host: s.host } : {}),
  };
  return act('restart', 'pet-vm-recovery', `${what}: recovering it by the ladder ${ladder}`, {
    action: 'restart',
    target,
  });
}

/**
 * A process failure with a restart hook for that process: call it (the operator is told as well). Without a
 * hook the answer is core/policy/decide-host.ts `unmanagedHost` (host-service-unwell: told, nothing done).
 */
export function decideProcess(f: Facts, h: HostFacts, p: Policy): Ruling | undefined {
  const process = f.incident.labels.process_name;
  const hook = p.processRestartHook;
  if (f.incident.kind !== 'process-down' || !hook || !process || !hook.processes.includes(process)) return undefined;
  return act(
    'restart',
    'process-restart-hook',
    `${f.incident.summary} ${process} on ${h.host} is down, the host is not reported failed: calling the policy's ` +
      'restart hook (never an evacuation); the operator is told',
    { action: 'restart', target: { kind: 'process', host: h.host, process } },
  );
}
