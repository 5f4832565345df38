/**
 * notify — tells operators what was seen, decided and done (and by which rule, with the
 * OpenStack request ids), once per incident state and channel, and appends the summary audit
 * record. A channel whose send failed is tried again on a later invocation (the due queue),
 * a bounded number of times; the channels that succeeded are not told twice.
 */
import * as z from 'zod';
import type { Deps } from '../_shared/deps';
import { defineStep, type StepResult } from '../_shared/step';
import { toWebhook, toZaqar, type ChannelReport } from './channels';
import { messageFor, type Message } from './message';
import { ToldChannels } from './told';

/** Sends of one state, counting the first: after this many failed ones the operator is not retried. */
export const MAX_ATTEMPTS = 5;
const MAX_DELAY_SEC = 300;

type Channel = { name: string; send(): Promise<ChannelReport> };

function channelsFor(d: Deps, incident: string, m: Message): Channel[] {
  const { webhook_url: url, zaqar_queue: queue } = d.config.notify;
  const log: Channel = {
    name: 'log',
    send: async () => {
      d.log.info('operator notice', { incident, status: m.status, title: m.title, text: m.text });
      return { channel: 'log', ok: true };
    },
  };
  return [
    log,
    ...(url ? [{ name: 'webhook', send: () => toWebhook(url, m) }] : []),
    ...(queue ? [{ name: `zaqar:${queue}`, send: () => toZaqar(d.cloud().zaqar, queue, m) }] : []),
  ];
}

const list = (reports: ChannelReport[]) => reports.map((c) => `${c.channel} ${c.detail}`).join('; ');

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
    const m = messageFor(r);
    if (d.dryRun) return [{ outcome: 'DRY_RUN', incident, reason: `would tell: ${m.title}`, details: { message: m } }];
    const told = new ToldChannels(d.store, d.now, r);
    const reports: ChannelReport[] = [];
    for (const c of channelsFor(d, incident, m)) {
      if ((await told.told(c.name)) || !(await told.lease(c.name))) continue;
      const report = await c.send();
      await told.done(c.name, report.ok);
      reports.push(report);
    }
    if (reports.length === 0)
      return [{ outcome: 'DUPLICATE', incident, reason: `operators were already told about this state (${r.status})` }];
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
    const via = `told operators via ${reports.map((c) => c.channel).join(', ')}`;
    const details = { message: m, channels: reports };
    if (failed.length === 0) return [{ outcome: 'DONE', incident, status: r.status, reason: via, details }];
    const attempt = await told.failedAttempt();
    if (attempt >= MAX_ATTEMPTS)
      return [
        {
          outcome: 'FAILED',
          incident,
          status: r.status,
          reason: `${via}; failed ${attempt} times, not retried: ${list(failed)}`,
          details,
        },
      ];
    const delaySec = Math.min(MAX_DELAY_SEC, d.policy.recheckAfterSec * 2 ** (attempt - 1));
    const next = await d.dispatcher.send('notify', incident, { notBefore: d.now() + delaySec * 1000 });
    return [
      {
        outcome: 'RESCHEDULED',
        incident,
        status: r.status,
        reason: `${via} (failed: ${list(failed)}); trying the failed channels again in ${delaySec} s (attempt ${attempt + 1} of ${MAX_ATTEMPTS})`,
        next: [next],
        details,
      },
    ];
  },
});

export const main = step.main;
export const handler = step.handler;
