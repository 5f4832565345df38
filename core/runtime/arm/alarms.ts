/**
 * Arming a Heat stack: for every server (nested groups included), the Aodh event alarms whose
 * actions reach classify-alarm — directly (an http action) or via a Zaqar queue
 * (`trust+zaqar://`, whose subscription pushes to classify-alarm). Idempotent: arming again adds
 * alarms for new servers and removes those of servers that left the stack.
 */
import type { StackRef } from '../../domain/plan';
import type { EventAlarmCreate } from '../../openstack/aodh';
import type { Cloud } from '../../openstack/cloud';
import { eachBounded } from '../bounded';
import type { ArmedServers } from './armed';
import type { ArmTarget } from './target';

export type ArmReport = { stack: StackRef; servers: number; created: string[]; kept: number; removed: string[] };

/** Aodh calls of one arming in flight at once. */
const ARM_PARALLEL = 4;

/** Every alarm stackmend creates for a stack starts with this. */
export const alarmPrefix = (stackId: string) => `stackmend-${stackId.slice(0, 8)}-`;

/** The three event alarms per server: deleted, went to ERROR, stopped. */
export function alarmsFor(serverId: string, stackId: string, action: string): EventAlarmCreate[] {
  const id = { field: 'traits.instance_id', op: 'eq' as const, type: 'string' as const, value: serverId };
  const state = (v: string) => ({ field: 'traits.state', op: 'eq' as const, type: 'string' as const, value: v });
  const base = (kind: string) => ({
    name: `${alarmPrefix(stackId)}${serverId}-${kind}`,
    description: `stackmend: server ${serverId} of stack ${stackId} ${kind}`,
    actions: [action],
    severity: 'critical' as const,
  });
  return [
    { ...base('deleted'), eventType: 'compute.instance.delete.end', query: [id] },
    { ...base('error'), eventType: 'compute.instance.update', query: [id, state('error')] },
    { ...base('stopped'), eventType: 'compute.instance.update', query: [id, state('stopped')] },
  ];
}

async function actionFor(cloud: Cloud, target: ArmTarget): Promise<string> {
  if (target.via === 'http') return target.url;
  await cloud.zaqar.createQueue(target.queue);
  if (target.subscriber) {
    const subs = await cloud.zaqar.listSubscriptions(target.queue);
    if (!subs.some((s) => s.subscriber === target.subscriber))
      await cloud.zaqar.subscribe(target.queue, target.subscriber, { ttl: 30 * 86400 });
  }
  return `trust+zaqar://?queue_name=${encodeURIComponent(target.queue)}`;
}

/** Aodh stores `zaqar://` as `zaqar:` (it drops the slashes). */
const sameAction = (stored: string, wanted: string) =>
  stored.replace(/^([a-z+]+):\/\//, '$1:') === wanted.replace(/^([a-z+]+):\/\//, '$1:');

/** Brings the stack's alarms in line with its servers now, and records them as armed. */
export async function armStack(
  cloud: Cloud,
  armed: ArmedServers,
  stackName: StackRef | string,
  target: ArmTarget,
): Promise<ArmReport> {
  const s = await cloud.heat.getStack(stackName);
  const root = { name: s.stack_name, id: s.id };
  const servers = await cloud.heat.listServers(root);
  const action = await actionFor(cloud, target);
  const existing = await cloud.aodh.listAlarms(alarmPrefix(root.id));
  const byName = new Map(existing.map((a) => [a.name, a]));
  const wanted = servers.flatMap((o) => alarmsFor(o.serverId, root.id, action));
  const todo = wanted.filter((a) => {
    const have = byName.get(a.name);
    return !(have && have.alarm_actions.length === 1 && sameAction(have.alarm_actions[0], action));
  });
  // a few at once: a replaced server has no alarm of its own until these are made (seconds each on a busy Aodh)
  await eachBounded(todo, ARM_PARALLEL, async (a) => {
    const have = byName.get(a.name);
    if (have) await cloud.aodh.deleteAlarm(have.alarm_id);
    await cloud.aodh.createEventAlarm(a);
  });
  const created = todo.map((a) => a.name);
  const wantedNames = new Set(wanted.map((a) => a.name));
  const stale = existing.filter((a) => !wantedNames.has(a.name));
  await eachBounded(stale, ARM_PARALLEL, (a) => cloud.aodh.deleteAlarm(a.alarm_id));
  await armed.record(
    { stack: root, target },
    servers.map((o) => ({ serverId: o.serverId, root, stack: o.stack, resourceName: o.resourceName })),
  );
  return {
    stack: root,
    servers: servers.length,
    created,
    kept: wanted.length - created.length,
    removed: stale.map((a) => a.name),
  };
}
