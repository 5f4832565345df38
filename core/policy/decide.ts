/**
 * detect → **decide** → act → tell. Pure: (facts, policy) → a Ruling (decision + plan).
 * Rules are checked in order; the first that applies wins, and its name is recorded. What stackmend
 * does not manage is answered first, so the holds (circuit breaker, repeat threshold) apply only to
 * subjects it manages; host failures are decided in core/policy/decide-host.ts.
 */
import { decideHost, unmanagedHost } from './decide-host';
import { decidePetFailure, decideProcess } from './decide-server';
import type { Verdict } from '../domain/plan';
import type { Facts, ServerFacts } from './facts';
import { describe, isCattle, isPet, replaceTarget } from './managed';
import { type Policy, withSettings } from './policy';
import { applyRule, firstMatch } from './rules';
import { act, answerOnly, group, hold, ignore, type Ruling, tellOperator } from './rulings';

export type { Ruling } from './rulings';
export { isPet } from './managed';

/** Verdicts that change the cloud (now, or after a recheck): while automation is paused they are held. */
const ACTING = ['replace', 'evacuate', 'restart', 'recheck'] as const satisfies readonly Verdict[];
const acts = (v: Verdict): v is (typeof ACTING)[number] => (ACTING as readonly Verdict[]).includes(v);

export function decide(f: Facts, p: Policy): Ruling {
  // the policy's rules (core/policy/rules.ts): the first that matches bounds the decision, with its settings
  const m = firstMatch(p.rules, f);
  const r = m
    ? applyRule(m, () => decideAutomation(f, withSettings(p, m.rule.settings)), acts)
    : decideAutomation(f, p);
  if (!f.paused || !acts(r.decision.verdict)) return r;
  const d = r.decision;
  const paused = hold(
    'automation-paused',
    `automation is paused by an operator${f.pausedFor ? ` for ${f.pausedFor}` : ''}: would ${d.verdict} ` +
      `(rule ${d.rule}: ${d.reason}). Holding for a human`,
    r.plan,
  );
  return d.matched ? { ...paused, decision: { ...paused.decision, matched: d.matched } } : paused;
}

function decideAutomation(f: Facts, p: Policy): Ruling {
  const i = f.incident;
  if (i.subject.type === 'server' && !f.server)
    return answerOnly('unknown-server', 'the failed server is unknown to Nova and Heat: not managed by stackmend');
  if (f.inMaintenance) return ignore('maintenance', `${describe(f)} is in maintenance mode: no automatic action`);
  // a held host incident repairs nothing: the server is decided on its own (a Heat member is still replaced)
  if (f.coveringHostIncident && f.coveringHostStatus === 'acting') {
    const server = i.subject.type === 'server' ? i.subject.serverId : '';
    return group(
      'grouped-under-host',
      `server ${server} is on a host whose failure is already being handled (${f.coveringHostIncident})`,
    );
  }
  // a process failure with a restart hook goes through the holds below, then calls it; any other is told
  const hooked = f.host && decideProcess(f, f.host, p);
  const unmanaged = f.host
    ? hooked
      ? undefined
      : unmanagedHost(f, f.host, p)
    : f.server && unmanagedServer(f, f.server, p);
  if (unmanaged) return unmanaged;
  if (f.openIncidents > p.maxOpenIncidents) {
    return hold(
      'circuit-breaker',
      `${f.openIncidents} incidents are open (limit ${p.maxOpenIncidents}): so much failing at once points at ` +
        'the monitor or the network, not the hosts. Holding for a human',
    );
  }
  if (f.repeats >= p.repeatThreshold) {
    return hold(
      'repeat-threshold',
      `${describe(f)} failed ${f.repeats} times within ${p.repeatWindowSec} s (threshold ${p.repeatThreshold}): ` +
        'repairing it again would hide a deeper fault. Holding for a human',
    );
  }
  if (hooked) return hooked;
  if (f.host) return decideHost(f, f.host, p);
  if (f.server) return decideServer(f, f.server, p);
  return hold(
    'host-not-verified',
    `stackmend has not read ${describe(f)} from Nova: nothing done. Holding for a human`,
  );
}

/** A server whose alarm is stale, or that stackmend does not manage: answered before any hold. */
function unmanagedServer(f: Facts, s: ServerFacts, p: Policy): Ruling | undefined {
  const stale = staleness(f, s);
  if (stale) return ignore('stale-alarm', stale);
  if (s.owner && s.heat?.rootStatus.startsWith('DELETE')) {
    return ignore(
      'stack-being-deleted',
      `stack ${s.owner.root.name} is ${s.heat.rootStatus}: its servers go away on purpose`,
    );
  }
  if (s.owner && s.heat && s.heat.currentServerId !== s.id) {
    return ignore(
      'already-replaced',
      `resource "${s.owner.resourceName}" of ${s.owner.stack.name} already holds another server ` +
        `(${s.heat.currentServerId ?? 'none'}): nothing to replace`,
    );
  }
  if (isCattle(s, p) || isPet(s, p, f.serverHost)) return undefined;
  return tellOperator(
    'not-managed',
    `server ${s.id}${s.gone ? ' (deleted)' : ''} belongs to no Heat stack and is not marked for evacuation: ` +
      'not managed by stackmend',
  );
}

function decideServer(f: Facts, s: ServerFacts, p: Policy): Ruling {
  const target = replaceTarget(s);
  if (target && isCattle(s, p)) {
    return act(
      'replace',
      'cattle-in-heat-stack',
      `server ${s.id} is resource "${target.resourceName}" of stack ${target.stack.name}: replace it through Heat`,
      { action: 'replace', targets: [target] },
    );
  }
  const recovery = decidePetFailure(f, s, p); // a pet stopped or in ERROR: core/policy/decide-server.ts
  if (recovery) return recovery;
  return tellOperator(
    'pet-on-healthy-host',
    `server ${s.id} is a pet (${p.haMetadata.key}=${p.haMetadata.value}) and its host is not reported failed: ` +
      'stackmend evacuates pets only on host failure; the operator is told',
  );
}

/** The alarm says the server is gone/in error/stopped, but Nova says otherwise now. */
function staleness(f: Facts, s: ServerFacts): string | undefined {
  const kind = f.incident.kind;
  if (kind === 'server-deleted' && !s.gone)
    return (
      `the alarm says server ${s.id} was deleted but Nova still has it (${s.status}): ` +
      'stale or false alarm, nothing done'
    );
  if (kind === 'server-error' && !s.gone && s.status !== 'ERROR')
    return `server ${s.id} is ${s.status} again, no longer in ERROR: nothing to repair`;
  if (kind === 'server-stopped' && !s.gone && s.status !== 'SHUTOFF')
    return `server ${s.id} is ${s.status} again, no longer stopped: nothing to repair`;
  return undefined;
}
