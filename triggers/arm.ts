/**
 * `stackmend arm <stack>`: for every server of a Heat stack (nested groups included), the
 * Aodh event alarms whose actions reach classify-alarm — directly (an http action) or via a
 * Zaqar queue (`trust+zaqar://`, whose subscription pushes to classify-alarm). Idempotent:
 * re-arming adds alarms for new servers and removes those of servers that left the stack.
 */
import type { StackRef } from '../core/domain/plan';
import type { Cloud } from '../core/openstack/cloud';
import type { EventAlarmCreate } from '../core/openstack/aodh';
import type { StateStore } from '../core/state/store';

export type ArmTarget = { via: 'http'; url: string } | { via: 'zaqar'; queue: string; subscriber?: string };
export type ArmReport = { stack: StackRef; servers: number; created: string[]; kept: number; removed: string[] };
type Owner = { root: StackRef; stack: StackRef; resourceName: string };

export const armedStackKey = (id: string) => `armed:stack:${id}`;
export const armedServerKey = (id: string) => `armed:server:${id}`;
const prefixOf = (stackId: string) => `stackmend-${stackId.slice(0, 8)}-`;

/** The three event alarms per server: deleted, went to ERROR, stopped. */
export function alarmsFor(serverId: string, stackId: string, action: string): EventAlarmCreate[] {
  const id = { field: 'traits.instance_id', op: 'eq' as const, type: 'string' as const, value: serverId };
  const state = (v: string) => ({ field: 'traits.state', op: 'eq' as const, type: 'string' as const, value: v });
  const base = (kind: string) => ({
    name: `${prefixOf(stackId)}${serverId}-${kind}`,
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

export async function arm(
  cloud: Cloud,
  store: StateStore,
  stackName: StackRef | string,
  target: ArmTarget,
): Promise<ArmReport> {
  const s = await cloud.heat.getStack(stackName);
  const root = { name: s.stack_name, id: s.id };
  const servers = await cloud.heat.listServers(root);
  const action = await actionFor(cloud, target);
  const existing = await cloud.aodh.listAlarms(prefixOf(root.id));
  const byName = new Map(existing.map((a) => [a.name, a]));
  const wanted = servers.flatMap((o) => alarmsFor(o.serverId, root.id, action));
  const created: string[] = [];
  for (const a of wanted) {
    const have = byName.get(a.name);
    if (have && have.alarm_actions.length === 1 && sameAction(have.alarm_actions[0], action)) continue;
    if (have) await cloud.aodh.deleteAlarm(have.alarm_id);
    created.push((await cloud.aodh.createEventAlarm(a)).name);
  }
  const wantedNames = new Set(wanted.map((a) => a.name));
  const stale = existing.filter((a) => !wantedNames.has(a.name));
  for (const a of stale) await cloud.aodh.deleteAlarm(a.alarm_id);
  for (const o of servers)
    await store.put<Owner>(armedServerKey(o.serverId), { root, stack: o.stack, resourceName: o.resourceName });
  const current = new Set(servers.map((o) => o.serverId));
  for (const e of await store.list<Owner>('armed:server:')) {
    if (e.value.root.id === root.id && !current.has(e.key.slice('armed:server:'.length))) await store.delete(e.key); // replaced servers
  }
  await store.put(armedStackKey(root.id), { stack: root, target });
  return {
    stack: root,
    servers: servers.length,
    created,
    kept: wanted.length - created.length,
    removed: stale.map((a) => a.name),
  };
}

/** Aodh stores `zaqar://` as `zaqar:` (it drops the slashes). */
const sameAction = (stored: string, wanted: string) =>
  stored.replace(/^([a-z+]+):\/\//, '$1:') === wanted.replace(/^([a-z+]+):\/\//, '$1:');

export async function disarm(
  cloud: Cloud,
  store: StateStore,
  stackName: StackRef | string,
): Promise<{ stack: StackRef; removed: number }> {
  const s = await cloud.heat.getStack(stackName);
  const alarms = await cloud.aodh.listAlarms(prefixOf(s.id));
  for (const a of alarms) await cloud.aodh.deleteAlarm(a.alarm_id);
  for (const e of await store.list<Owner>('armed:server:')) if (e.value.root.id === s.id) await store.delete(e.key);
  await store.delete(armedStackKey(s.id));
  return { stack: { name: s.stack_name, id: s.id }, removed: alarms.length };
}

/** After a replacement: arm the new servers, drop the alarms of the replaced ones. */
export async function rearmIfArmed(cloud: Cloud, store: StateStore, root: StackRef): Promise<ArmReport | undefined> {
  const armed = await store.get<{ stack: StackRef; target: ArmTarget }>(armedStackKey(root.id));
  return armed ? arm(cloud, store, root, armed.target) : undefined;
}
