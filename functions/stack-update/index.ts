/**
 * stack-update — PATCH-updates each root stack with its existing template so Heat replaces
 * the resources marked unhealthy. Never while the stack is *_IN_PROGRESS: Heat's convergence
 * engine would accept a second update and cancel the one in flight. Completion is checked by
 * a later invocation (the due queue), never by sleeping here. One incident updates a root stack
 * at a time (./root-lease.ts): another incident on the same stack joins its update. A replaced
 * stack's alarms are re-armed by the runtime once this step returns (core/runtime/arm/rearm.ts).
 */
import * as z from 'zod';
import type { IncidentRecord, ReplaceTarget } from '../../core/domain/plan';
import { isBusy } from '../../core/openstack/heat';
import type { Deps } from '../_shared/deps';
import { alreadyOver, byRoot, replaceTargets, reschedule, resolveIfFinished } from '../_shared/progress';
import { defineStep, type StepResult } from '../_shared/step';
import { claimRoot, leaseRelease } from './root-lease';

type RootState = 'started' | 'waiting' | 'busy' | 'done' | 'failed';

async function advanceRoot(
  d: Deps,
  r: IncidentRecord,
  targets: ReplaceTarget[],
): Promise<{ state: RootState; reason: string; requestId?: string }> {
  const heat = d.cloud().heat;
  const root = targets[0].root;
  const stack = await heat.getStack(root);
  const ours = r.updates[root.id];
  if (!ours) {
    // the lease first: an update in flight may be another incident's, which this one then joins
    const claim = d.dryRun ? ({ kind: 'ours' } as const) : await claimRoot(d, r, root);
    if (claim.kind === 'wait')
      return {
        state: 'busy',
        reason: `stack ${root.name} is being repaired by incident ${claim.holder}: its update replaces this member too`,
      };
    if (claim.kind === 'joined') {
      await d.incidents.patch(r.key, (cur) => ({ updates: { ...cur.updates, [root.id]: claim.update } }));
      return { state: 'waiting', reason: `joined the update of stack ${root.name} by incident ${claim.holder}` };
    }
    if (isBusy(stack.stack_status))
      return {
        state: 'busy',
        reason: `stack ${root.name} is ${stack.stack_status} (not our update): waiting, never barging in`,
      };
    if (d.dryRun) return { state: 'waiting', reason: `would update stack ${root.name} with its existing template` };
    const servers = await heat.listServers(root);
    if (!targets.some((t) => servers.some((s) => s.serverId === t.serverId)))
      return { state: 'done', reason: `stack ${root.name} already replaced ${names(targets)} (an earlier update)` };
    const { requestId } = await heat.updateExisting(root);
    await d.incidents.patch(r.key, (cur) => ({
      updates: { ...cur.updates, [root.id]: { stack: root, previousUpdatedTime: stack.updated_time ?? '', requestId } },
    }));
    return { state: 'started', reason: `update of stack ${root.name} accepted`, requestId };
  }
  if (isBusy(stack.stack_status) || (stack.updated_time ?? '') === ours.previousUpdatedTime)
    return { state: 'waiting', reason: `stack ${root.name} is ${stack.stack_status}` };
  if (stack.stack_status !== 'UPDATE_COMPLETE')
    return {
      state: 'failed',
      reason: `stack ${root.name} ended ${stack.stack_status}: ${stack.stack_status_reason ?? ''}`,
    };
  const servers = await heat.listServers(root);
  const stillOld = targets.filter((t) => servers.some((s) => s.serverId === t.serverId));
  if (stillOld.length && ours.joined) {
    // the update joined began before this member was marked: it needs one of its own
    await d.incidents.patch(r.key, (cur) => ({ updates: withoutRoot(cur.updates, root.id) }));
    return { state: 'waiting', reason: `the update by incident ${ours.joined} did not replace ${names(stillOld)}` };
  }
  if (stillOld.length)
    return {
      state: 'failed',
      reason: `stack ${root.name} updated but still holds ${stillOld.map((t) => t.serverId).join(', ')}`,
    };
  return { state: 'done', reason: `stack ${root.name} UPDATE_COMPLETE: ${names(targets)} replaced` };
}

const names = (targets: ReplaceTarget[]) => targets.map((t) => t.resourceName).join(', ');
const withoutRoot = (updates: IncidentRecord['updates'], rootId: string) =>
  Object.fromEntries(Object.entries(updates).filter(([id]) => id !== rootId));

export const step = defineStep({
  name: 'stack-update',
  input: z.object({ incident: z.string().min(1) }),
  async run({ incident }, { deps: d }): Promise<StepResult[]> {
    let r = await d.incidents.require(incident);
    const over = alreadyOver(r, 'stack-update');
    if (over) return over;
    const progress = r.progress;
    const pending = replaceTargets(r).filter((t) => progress[t.serverId] === 'requested');
    const results: StepResult[] = [];
    let waiting: string | undefined;
    for (const [, targets] of byRoot(pending)) {
      const s = await advanceRoot(d, r, targets);
      if (d.dryRun) return [{ outcome: 'DRY_RUN', incident, reason: s.reason }];
      if (s.state === 'started')
        r = await d.incidents.record(incident, {
          step: 'stack-update',
          outcome: 'DISPATCHED',
          reason: s.reason,
          requestIds: s.requestId ? [s.requestId] : [],
        });
      if (s.state === 'busy' || s.state === 'waiting') waiting ??= s.reason;
      if (s.state === 'started') waiting ??= `waiting for stack ${targets[0].root.name} to finish its update`;
      if (s.state === 'done' || s.state === 'failed') {
        const end = s.state === 'done' ? 'confirmed' : 'failed';
        r = await d.incidents.record(
          incident,
          { step: 'stack-update', outcome: s.state === 'done' ? 'DONE' : 'FAILED', reason: s.reason },
          (cur) => ({
            progress: { ...cur.progress, ...Object.fromEntries(targets.map((t) => [t.serverId, end])) },
          }),
          await leaseRelease(d, r, targets[0].root), // the update ended: the next one may start
        );
        if (s.state === 'done') await d.armed.requestRearm(targets[0].root, d.now()); // new servers need alarms
        results.push({ outcome: s.state === 'done' ? 'DONE' : 'FAILED', incident, reason: s.reason });
      }
    }
    if (waiting) return reschedule(d, 'stack-update', r, waiting);
    const resolved = await resolveIfFinished(d, 'stack-update', incident);
    return resolved
      ? [...results, resolved]
      : results.length
        ? results
        : [{ outcome: 'DONE', incident, reason: 'no stack update pending' }];
  },
});

export const main = step.main;
export const handler = step.handler;
