/**
 * Member replacement, measured from the cloud's point of view for both systems: from the
 * Nova DELETE of a ResourceGroup member until its replacement is ACTIVE and the root stack
 * is UPDATE_COMPLETE.
 */
import { waitFor } from './wait';
import type { LabCloud as Cloud } from './openstack/cloud';
import type { StackRef } from '../core/openstack/heat';

export { createGroup } from './scenario';

export type Member = { serverId: string; resourceName: string; stack: StackRef };

export async function member(cloud: Cloud, stack: StackRef, name: string): Promise<Member> {
  const m = (await cloud.heat.listServers(stack)).find((s) => s.resourceName === name);
  if (!m) throw new Error(`member ${name} not in ${stack.name}`);
  return { serverId: m.serverId, resourceName: m.resourceName, stack: m.stack };
}

export type ReplacementTiming = { startedMs: number; totalMs: number };

/**
 * Deletes the member; returns ms until Heat's update began (the repair decision reached Heat) and
 * until the replacement is ACTIVE with the stack UPDATE_COMPLETE.
 */
export async function deleteAndTimeReplacement(
  cloud: Cloud,
  stack: StackRef,
  m: Member,
  timeoutSec = 180,
): Promise<ReplacementTiming> {
  const t0 = Date.now();
  let startedMs = NaN;
  await cloud.nova.deleteServer(m.serverId);
  await waitFor(
    `replacement of ${m.resourceName}`,
    async () => {
      const s = await cloud.heat.getStack(stack);
      if (Number.isNaN(startedMs) && s.stack_status === 'UPDATE_IN_PROGRESS') startedMs = Date.now() - t0;
      if (s.stack_status !== 'UPDATE_COMPLETE') return false;
      const now = (await cloud.heat.listServers(stack)).find((x) => x.resourceName === m.resourceName);
      if (!now || now.serverId === m.serverId) return false;
      return (await cloud.nova.getServer(now.serverId)).status === 'ACTIVE';
    },
    timeoutSec,
    50,
  );
  return { startedMs, totalMs: Date.now() - t0 };
}
