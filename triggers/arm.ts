/**
 * Provisioning: `stackmend arm <stack>` creates the Aodh event alarms of every server of a Heat
 * stack (core/runtime/arm/alarms.ts), `stackmend disarm` deletes them. Re-arming after a
 * replacement is the runtime's (core/runtime/arm/rearm.ts).
 */
import type { StackRef } from '../core/domain/plan';
import type { Cloud } from '../core/openstack/cloud';
import { alarmPrefix, armStack, type ArmReport } from '../core/runtime/arm/alarms';
import { ArmedServers } from '../core/runtime/arm/armed';
import type { ArmTarget } from '../core/runtime/arm/target';
import type { StateStore } from '../core/state/store';

export type { ArmReport, ArmTarget };

export function arm(
  cloud: Cloud,
  store: StateStore,
  stackName: StackRef | string,
  target: ArmTarget,
): Promise<ArmReport> {
  return armStack(cloud, new ArmedServers(store), stackName, target);
}

export async function disarm(
  cloud: Cloud,
  store: StateStore,
  stackName: StackRef | string,
): Promise<{ stack: StackRef; removed: number }> {
  const s = await cloud.heat.getStack(stackName);
  const alarms = await cloud.aodh.listAlarms(alarmPrefix(s.id));
  for (const a of alarms) await cloud.aodh.deleteAlarm(a.alarm_id);
  await new ArmedServers(store).forget(s.id);
  return { stack: { name: s.stack_name, id: s.id }, removed: alarms.length };
}
