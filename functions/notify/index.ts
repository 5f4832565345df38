/**
 * notify — tells operators what was seen, decided and done (and by which rule, with the
 * OpenStack request ids), once per incident state, and appends the summary audit record.
 */
import * as z from 'zod';
import { defineStep, type StepResult } from '../_shared/step';
import { toWebhook, toZaqar, type ChannelReport } from './channels';
import { messageFor } from './message';

export const step = defineStep({
  name: 'notify',
  input: z.object({ incident: z.string().min(1) }),
  async run({ incident }, { deps: d }): Promise<StepResult[]> {
    let r = await d.incidents.require(incident);
    if (r.status === 'notify-only') {
      // nothing stackmend manages: telling the operator is the whole of the repair
      r = await d.incidents.record(
        incident,
        { step: 'notify', outcome: 'NOT_MANAGED', reason: r.decision?.reason ?? 'not managed' },
        () => ({ status: 'ignored' }),
      );
    }
    const once = `notified:${incident}:${r.status}:${r.timeline.length}`;
    if (!d.dryRun && !(await d.store.putIfAbsent(once, true, { ttlSeconds: 7 * 86400 }))) {
      return [{ outcome: 'DUPLICATE', incident, reason: `operators were already told about this state (${r.status})` }];
    }
    const m = messageFor(r);
    if (d.dryRun) return [{ outcome: 'DRY_RUN', incident, reason: `would tell: ${m.title}`, details: { message: m } }];
    d.log.info('operator notice', { incident, status: r.status, title: m.title, text: m.text });
    const reports: ChannelReport[] = [{ channel: 'log', ok: true }];
    if (d.config.notify.webhook_url) reports.push(await toWebhook(d.config.notify.webhook_url, m));
    if (d.config.notify.zaqar_queue) reports.push(await toZaqar(d.cloud().zaqar, d.config.notify.zaqar_queue, m));
    await d.store.append('audit', {
      at: new Date(d.now()).toISOString(),
      kind: 'summary',
      incident,
      status: r.status,
      seen: r.incident.summary,
      decided: r.decision,
      done: r.timeline.map((e) => `${e.step} ${e.outcome}: ${e.reason}`),
      requestIds: m.requestIds,
      told: reports,
    });
    const failed = reports.filter((c) => !c.ok);
    return [
      {
        outcome: 'DONE',
        incident,
        status: r.status,
        reason: `told operators via ${reports.map((c) => c.channel).join(', ')}${failed.length ? ` (failed: ${failed.map((c) => `${c.channel} ${c.detail}`).join('; ')})` : ''}`,
        details: { message: m, channels: reports },
      },
    ];
  },
});

export const main = step.main;
export const handler = step.handler;
