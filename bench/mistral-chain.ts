/**
 * The reference chain, wired as the self-healing SIG describes it: Aodh event alarm →
 * `trust+zaqar://` → Zaqar `trust+http` subscription → Mistral execution → Heat
 * mark_unhealthy + stack update (+ poll until UPDATE_COMPLETE).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { reading, waitFor } from './wait';
import type { LabCloud as Cloud } from './openstack/cloud';
import type { StackRef } from '../core/openstack/heat';
import type { Member } from './heat-replace';

export const WORKFLOW = 'stackmend_bench_heal_member';
const MISTRAL_EXECUTIONS = 'trust+http://127.0.0.1:8989/v2/executions';

export async function uploadWorkflow(cloud: Cloud): Promise<string> {
  await cloud.mistral.putWorkflows(fs.readFileSync(path.join(__dirname, 'mistral', 'heal_member.yaml'), 'utf8'));
  return WORKFLOW;
}

/**
 * The member's Zaqar queue with a trust+http subscription that starts one Mistral execution per
 * message, as OS::Zaqar::MistralTrigger wires it. Returns the queue.
 */
export async function subscribeMistral(cloud: Cloud, root: StackRef, m: Member, tag: string): Promise<string> {
  const queue = `bench-mistral-${tag}`;
  const input = {
    nested_stack: `${m.stack.name}/${m.stack.id}`,
    root_stack: `${root.name}/${root.id}`,
    resource_name: m.resourceName,
  };
  const options = {
    post_data: JSON.stringify({
      workflow_name: WORKFLOW,
      input,
      params: { env: { notification: '$zaqar_message$' } },
    }),
  };
  // a loaded Zaqar misses the client's timeout now and then, and may have made the subscription all the
  // same: look before subscribing again, so that a message never starts two executions
  await reading(
    async () => {
      await cloud.zaqar.createQueue(queue);
      const subs = await cloud.zaqar.listSubscriptions(queue);
      if (!subs.some((s) => s.subscriber === MISTRAL_EXECUTIONS))
        await cloud.zaqar.subscribe(queue, MISTRAL_EXECUTIONS, { ttl: 3600, options });
    },
    5,
    2000,
  );
  return queue;
}

/** One queue per member (subscribeMistral), and the Aodh event alarm on the member's deletion posting into it. */
export async function wireMember(cloud: Cloud, root: StackRef, m: Member, tag: string): Promise<string> {
  const queue = await subscribeMistral(cloud, root, m, tag);
  await cloud.aodh.createEventAlarm({
    name: `bench-mistral-${tag}`,
    eventType: 'compute.instance.delete.end',
    query: [{ field: 'traits.instance_id', op: 'eq', type: 'string', value: m.serverId }],
    actions: [`trust+zaqar://?queue_name=${queue}`],
  });
  return queue;
}

/** Executions of the baseline workflow started since `sinceIso` (Mistral dates are UTC without zone). */
export async function executionsSince(cloud: Cloud, sinceMs: number): Promise<number> {
  const res = await cloud.mistral.listExecutions(WORKFLOW);
  return res.filter((e) => Date.parse(`${e.created_at.replace(' ', 'T')}Z`) >= Math.floor(sinceMs / 1000) * 1000)
    .length;
}

export async function waitExecutions(cloud: Cloud, sinceMs: number, n: number, timeoutSec = 60): Promise<void> {
  await waitFor(`${n} Mistral executions`, async () => (await executionsSince(cloud, sinceMs)) >= n, timeoutSec, 250);
}
