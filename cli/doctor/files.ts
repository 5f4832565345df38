/**
 * `stackmend doctor`'s checks of the OpenStack configuration files it can read (under --config-dir,
 * default /etc): the traps /work/shared/lab-notes found that make self-healing silently not work.
 * Pure over the files' texts; a file it cannot read is said, not guessed. Only the keys checked are
 * ever quoted (the files hold passwords).
 */
import { parse as parseYaml } from 'yaml';
import type { Policy } from '../../core/policy/policy';
import { parseIni, type Ini } from './ini';

export type Level = 'ok' | 'info' | 'warn' | 'fail';
export type Finding = { check: string; level: Level; message: string; fix?: string };
/** An error as a finding quotes it: its name and message. */
export const why = (e: unknown) => `${(e as Error).name}: ${(e as Error).message}`;
/** The files, by path relative to the config dir; undefined when unreadable. */
export type ConfigFiles = (rel: string) => string | undefined;

const NOVA = 'nova/nova.conf';
const AODH = 'aodh/aodh.conf';
const PIPELINE = 'ceilometer/event_pipeline.yaml';
const ZAQAR = 'zaqar/zaqar.conf';

const unread = (check: string, file: string): Finding => ({
  check,
  level: 'info',
  message: `not checked: ${file} is not readable here`,
  fix: 'run stackmend doctor where the service is configured, or pass --config-dir',
});
const num = (v: string | undefined, dflt: number) => (v === undefined || v === '' ? dflt : Number(v));

function ini(files: ConfigFiles, rel: string): Ini | undefined {
  const t = files(rel);
  return t === undefined ? undefined : parseIni(t);
}

/** Ceilometer must publish on the topic aodh-listener reads (Ceilometer defaults to `event`, Aodh to `alarm.all`). */
function alarmTopic(files: ConfigFiles): Finding {
  const check = 'ceilometer-alarm-topic';
  const text = files(PIPELINE);
  if (text === undefined) return unread(check, PIPELINE);
  const aodh = ini(files, AODH);
  const listens = aodh?.listener?.event_alarm_topic || 'alarm.all';
  const doc = parseYaml(text) as { sinks?: { publishers?: string[] }[] } | null;
  const publishers = (doc?.sinks ?? []).flatMap((s) => s.publishers ?? []);
  const topics = publishers
    .filter((p) => p.startsWith('notifier://'))
    .map((p) => new URLSearchParams(p.split('?')[1] ?? '').get('topic') ?? 'event');
  if (topics.includes(listens))
    return { check, level: 'ok', message: `Ceilometer publishes events on ${listens}, where aodh-listener reads` };
  return {
    check,
    level: 'fail',
    message: `Ceilometer publishes events on ${topics.join(', ') || 'no notifier topic'}, aodh-listener reads ${listens}: no event alarm fires`,
    fix: `add the publisher notifier://?topic=${listens} to ${PIPELINE} (or set [listener] event_alarm_topic in ${AODH})`,
  };
}

function novaNotifications(files: ConfigFiles): Finding[] {
  const check = 'nova-notifications';
  const nova = ini(files, NOVA);
  if (!nova) return [unread(check, NOVA)];
  const driver = nova.oslo_messaging_notifications?.driver ?? '';
  const out: Finding[] = [];
  if (!driver || driver === 'noop')
    out.push({
      check,
      level: 'fail',
      message: `Nova sends no notifications ([oslo_messaging_notifications] driver = ${driver || 'unset'}): no alarm about a server ever fires`,
      fix: `set [oslo_messaging_notifications] driver = messagingv2 in ${NOVA} and restart Nova`,
    });
  else out.push({ check, level: 'ok', message: `Nova sends notifications (driver ${driver})` });
  const onState = nova.notifications?.notify_on_state_change ?? '';
  if (!onState)
    out.push({
      check: 'nova-state-notifications',
      level: 'warn',
      message: 'Nova does not notify state changes: the "error" and "stopped" alarms of `stackmend arm` never fire',
      fix: `set [notifications] notify_on_state_change = vm_and_task_state in ${NOVA}`,
    });
  return out;
}

function aodh(files: ConfigFiles): Finding[] {
  const conf = ini(files, AODH);
  if (!conf) return [unread('aodh-event-cache', AODH)];
  const ttl = num(conf.DEFAULT?.event_alarm_cache_ttl, 60);
  const retries = num(conf.DEFAULT?.rest_notifier_max_retries, 0);
  return [
    ttl > 10
      ? {
          check: 'aodh-event-cache',
          level: 'warn',
          message: `aodh-listener caches event alarms for ${ttl} s: an alarm armed less than ${ttl} s ago misses events`,
          fix: `set [DEFAULT] event_alarm_cache_ttl = 5 in ${AODH} (a few seconds)`,
        }
      : { check: 'aodh-event-cache', level: 'ok', message: `event alarm cache ${ttl} s` },
    retries === 0
      ? {
          check: 'aodh-retries',
          level: 'warn',
          message:
            'Aodh posts an alarm once (rest_notifier_max_retries = 0): one failed POST to classify-alarm is lost',
          fix: `set [DEFAULT] rest_notifier_max_retries = 3 in ${AODH} (classify-alarm de-duplicates repeats)`,
        }
      : { check: 'aodh-retries', level: 'ok', message: `Aodh retries a failed POST ${retries} times` },
  ];
}

function zaqarPipeline(files: ConfigFiles): Finding {
  const check = 'zaqar-notifier-pipeline';
  const conf = ini(files, ZAQAR);
  if (!conf) return unread(check, ZAQAR);
  const pipeline = (conf.storage?.message_pipeline ?? '').split(',').map((s) => s.trim());
  return pipeline.includes('zaqar.notification.notifier')
    ? { check, level: 'ok', message: 'Zaqar pushes to subscriptions (zaqar.notification.notifier in the pipeline)' }
    : {
        check,
        level: 'fail',
        message:
          'Zaqar stores messages but never pushes them to subscriptions ([storage] message_pipeline lacks the notifier)',
        fix: `set [storage] message_pipeline = zaqar.notification.notifier in ${ZAQAR}`,
      };
}

/** Nova's heartbeat settings against the policy's detection threshold (core/policy/policy.ts). */
function heartbeats(files: ConfigFiles, p: Policy): Finding[] {
  const nova = ini(files, NOVA);
  if (!nova) return [unread('service-down-time', NOVA)];
  const report = num(nova.DEFAULT?.report_interval, 10);
  const downTime = num(nova.DEFAULT?.service_down_time, 60);
  const out: Finding[] = [];
  if (report > p.reportIntervalSec)
    out.push({
      check: 'report-interval',
      level: 'fail',
      message: `nova-compute heartbeats every ${report} s, the policy expects ${p.reportIntervalSec} s: healthy hosts look late`,
      fix: `set the policy's reportIntervalSec to ${report} (hostDownAfterSec then defaults to ${2 * report})`,
    });
  out.push(
    p.hostDownAfterSec < downTime
      ? {
          check: 'service-down-time',
          level: 'info',
          message:
            `stackmend counts a silent host down after ${p.hostDownAfterSec} s, Nova after service_down_time = ${downTime} s: ` +
            'until then Nova refuses to evacuate unless the host is forced down (fence evidence)',
          fix: 'let a fencing agent force dead hosts down in Nova (fence_compute), or approve with stackmend approve',
        }
      : { check: 'service-down-time', level: 'ok', message: `Nova counts a host down after ${downTime} s` },
  );
  return out;
}

export function checkConfigFiles(files: ConfigFiles, p: Policy): Finding[] {
  return [
    alarmTopic(files),
    ...novaNotifications(files),
    ...aodh(files),
    zaqarPipeline(files),
    ...heartbeats(files, p),
  ];
}
