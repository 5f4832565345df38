/**
 * classify-alarm — the entry point alarms call (Aodh webhook, Zaqar push, Alertmanager,
 * Nova notification, Masakari-style host notification). OpenWhisk `main`, Lambda `handler`.
 */
import * as z from 'zod';
import { parseAlarms } from '../../core/domain/intake';
import { publicEntry } from '../../core/runtime/gate';
import { defineStep, type StepResult } from '../_shared/step';
import { classifyOne } from './classify';
import { detectHosts } from './detect';
import { recheckOne } from './recheck';

const DueInput = z.object({ incident: z.string().min(1) });

export const step = defineStep({
  name: 'classify-alarm',
  input: z.unknown(),
  /** The one public entry point: callers are authenticated before the body is parsed (core/runtime/gate.ts). */
  gate: (ports) => publicEntry('classify-alarm', ports),
  honoursDryRunSwitch: true,
  // silent compute hosts, from Nova's own record (./detect.ts)
  periodic: { wanted: (config) => config.policy.detectHosts.enabled, run: detectHosts },
  async run(input, ctx): Promise<StepResult[]> {
    // its own due work (a late host to decide again): scheduled by classify-alarm, not sent by a monitor
    if (ctx.due) return [await recheckOne(DueInput.parse(input).incident, ctx)];
    const sender = ctx.req.principal; // authenticated by the gate, before the body was parsed
    const { incidents, ignored, unresolved } = parseAlarms(ctx.req.body, {
      receivedAt: new Date(ctx.deps.now()),
      transport: ctx.transport,
    });
    const results: StepResult[] = [];
    for (const i of incidents) results.push(await classifyOne(i, ctx, sender));
    for (const g of ignored) results.push({ outcome: 'IGNORED', incident: g.key, reason: g.reason });
    for (const u of unresolved)
      results.push({
        outcome: 'NOT_MANAGED',
        incident: u.key,
        reason: `${u.reason}: the alarm names no server or host stackmend can act on`,
      });
    return results;
  },
});

export const main = step.main;
export const handler = step.handler;
