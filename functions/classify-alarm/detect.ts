/**
 * detect-hosts: stackmend's own detection, no external monitor needed. classify-alarm's periodic
 * reconcile (every second in `stackmend serve`, the reconcile alarm on OpenWhisk) runs it; at most one
 * scan per `policy.detectHosts.intervalSec` across invocations (a store mark with that TTL). A scan
 * reads Nova's compute services once and, for each enabled host that counts as down by
 * core/policy/host-liveness.ts, classifies a host-down incident like any report (./classify.ts):
 * the same outage (same last heartbeat) has the same key, so it is decided once; a host an open
 * incident already covers is left to it (an external report folds into that incident the same way).
 */
import { isoOf } from '../../core/domain/clock';
import type { Incident } from '../../core/domain/incident';
import type { ComputeService } from '../../core/openstack/nova';
import { hostLiveness } from '../../core/policy/host-liveness';
import type { StepContext, StepResult } from '../_shared/step';
import { classifyOne } from './classify';

export const DETECTOR = { via: 'stackmend', name: 'detect-hosts' } as const;
const SCAN_MARK = 'detect-hosts:scan';

/** The incident a silent host makes: keyed by host and last heartbeat, one per outage. */
export function silentHostIncident(svc: ComputeService, reason: string, now: number): Incident {
  const beat = svc.updated_at ?? 'never';
  return {
    key: `stackmend:host-down:${svc.host}:${beat}`,
    source: 'stackmend',
    transport: 'direct',
    kind: 'host-down',
    subject: { type: 'host', host: svc.host },
    observedAt: isoOf(now),
    severity: 'critical',
    summary: `stackmend detected ${svc.host} down from Nova's compute services: ${reason}`,
    labels: {},
  };
}

export async function detectHosts(ctx: StepContext): Promise<StepResult[]> {
  const d = ctx.deps;
  const p = d.policy.detectHosts;
  if (!p.enabled || d.dryRun) return [];
  const first = await d.store.putIfAbsent(SCAN_MARK, { at: isoOf(d.now()) }, { ttlSeconds: p.intervalSec });
  if (!first) return []; // another invocation scanned less than intervalSec ago
  const out: StepResult[] = [];
  for (const svc of await d.cloud().nova.listComputeServices()) {
    if (svc.status !== 'enabled') continue; // taken out of service by an operator or by stackmend
    const live = hostLiveness(svc, { now: d.now() }, d.policy);
    if (live.verdict !== 'down' || (await d.incidents.openHostIncident(svc.host))) continue;
    const res = await classifyOne(silentHostIncident(svc, live.reason, d.now()), ctx, DETECTOR);
    if (res.outcome !== 'DUPLICATE') out.push(res);
  }
  return out;
}
