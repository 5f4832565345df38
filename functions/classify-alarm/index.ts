/**
 * classify-alarm — the entry point alarms call (Aodh webhook, Zaqar push, Alertmanager,
 * Nova notification, Masakari-style host notification). OpenWhisk `main`, Lambda `handler`.
 */
import { timingSafeEqual } from 'node:crypto';
import * as z from 'zod';
import { parseAlarms } from '../../core/domain/intake';
import { StackmendError } from '../../core/domain/errors';
import type { Principal } from '../../core/domain/fence';
import { defineStep, type StepContext, type StepResult } from '../_shared/step';
import { classifyOne } from './classify';
import { recheckOne } from './recheck';

const DueInput = z.object({ incident: z.string().min(1) });

export class WebhookAuthError extends StackmendError {
  override readonly status = 401;
  constructor() {
    super(
      'missing or wrong webhook token: call classify-alarm with ?token=<webhook_token> (or the X-Stackmend-Token header)',
    );
  }
}

/** The sender, when a webhook token is configured and matched; undefined when none is configured. */
function checkToken(ctx: StepContext): Principal | undefined {
  const want = ctx.deps.config.webhook_token;
  if (!want) return undefined;
  const inQuery = ctx.req.query.token !== undefined;
  const got = ctx.req.query.token ?? ctx.req.headers['x-stackmend-token'] ?? '';
  const a = Buffer.from(got);
  const b = Buffer.from(want);
  if (a.length !== b.length || !timingSafeEqual(a, b)) throw new WebhookAuthError();
  return { via: inQuery ? 'query-token' : 'bearer', name: 'webhook' };
}

export const step = defineStep({
  name: 'classify-alarm',
  input: z.unknown(),
  async run(input, ctx): Promise<StepResult[]> {
    // its own due work (a late host to decide again): scheduled by classify-alarm, not sent by a monitor
    if (ctx.due) return [await recheckOne(DueInput.parse(input).incident, ctx)];
    const sender = checkToken(ctx);
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
