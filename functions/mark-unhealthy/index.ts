/**
 * mark-unhealthy — marks the Heat resource that owns each failed server unhealthy, in the
 * stack that holds it (nested for ResourceGroup/ASG members), then hands on to stack-update.
 * Already CHECK_FAILED counts as done; a busy resource (409) or a busy root stack reschedules.
 */
import * as z from 'zod';
import { isBusy, ResourceBusyError } from '../../core/openstack/heat';
import { NotFoundError } from '../../core/openstack/errors';
import { defineStep, type StepResult } from '../_shared/step';
import { alreadyOver, byRoot, replaceTargets, reschedule } from '../_shared/progress';
import { unlessNotFound } from '../_shared/reads';

export const step = defineStep({
  name: 'mark-unhealthy',
  input: z.object({ incident: z.string().min(1) }),
  async run({ incident }, { deps: d }): Promise<StepResult[]> {
    const r = await d.incidents.require(incident);
    const over = alreadyOver(r, 'mark-unhealthy');
    if (over) return over;
    const targets = replaceTargets(r).filter((t) => !r.progress[t.serverId]);
    if (targets.length === 0) return [{ outcome: 'DONE', incident, reason: 'every resource is already marked' }];
    if (r.plan?.action === 'evacuate' && r.progress[`host:${r.plan.host}`] !== 'confirmed') {
      return reschedule(
        d,
        'mark-unhealthy',
        r,
        `host ${r.plan.host} is not forced down yet: Heat could not delete servers on it`,
      );
    }
    const heat = d.cloud().heat;
    // the root stacks and the resources at once: one round trip before the first write
    const [roots, current] = await Promise.all([
      Promise.all([...byRoot(targets)].map(([, group]) => heat.getStack(group[0].root))),
      Promise.all(targets.map((t) => unlessNotFound(heat.getResource(t.stack, t.resourceName)))),
    ]);
    for (const root of roots) {
      if (isBusy(root.stack_status) && !r.updates[root.id]) {
        return reschedule(
          d,
          'mark-unhealthy',
          r,
          `stack ${root.stack_name} is ${root.stack_status}: waiting rather than interfering with an update in flight`,
        );
      }
    }
    if (d.dryRun)
      return [
        {
          outcome: 'DRY_RUN',
          incident,
          reason: `would mark ${targets.map((t) => `${t.stack.name}/${t.resourceName}`).join(', ')} unhealthy`,
        },
      ];
    const requestIds: string[] = [];
    const marked: string[] = [];
    for (const [n, t] of targets.entries()) {
      const res = current[n];
      if (!res) {
        await d.incidents.patch(incident, (cur) => ({ progress: { ...cur.progress, [t.serverId]: 'failed' } }));
        continue;
      }
      try {
        if (res.resource_status === 'CHECK_FAILED' || res.physical_resource_id !== t.serverId) {
          marked.push(t.serverId); // already marked, or already replaced: nothing to do
          continue;
        }
        const { requestId } = await heat.markUnhealthy(
          t.stack,
          t.resourceName,
          `stackmend: ${r.incident.summary} (incident ${incident})`,
        );
        if (requestId) requestIds.push(requestId);
        marked.push(t.serverId);
      } catch (e) {
        if (e instanceof ResourceBusyError)
          return reschedule(d, 'mark-unhealthy', r, `resource ${t.resourceName} is busy (409): trying again later`);
        if (e instanceof NotFoundError) {
          await d.incidents.patch(incident, (cur) => ({ progress: { ...cur.progress, [t.serverId]: 'failed' } }));
          continue;
        }
        throw e;
      }
    }
    await d.incidents.record(
      incident,
      {
        step: 'mark-unhealthy',
        outcome: 'DISPATCHED',
        reason: `marked ${targets.map((t) => `${t.stack.name}/${t.resourceName}`).join(', ')} unhealthy`,
        requestIds,
      },
      (cur) => ({
        progress: { ...cur.progress, ...Object.fromEntries(marked.map((id) => [id, 'requested' as const])) },
      }),
    );
    const next = await d.dispatcher.send('stack-update', incident);
    return [
      {
        outcome: 'DISPATCHED',
        incident,
        reason: `marked ${marked.length} resource(s) unhealthy`,
        next: [next],
        details: { requestIds },
      },
    ];
  },
});

export const main = step.main;
export const handler = step.handler;
