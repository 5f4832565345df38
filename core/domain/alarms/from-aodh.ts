/**
 * Aodh alarm webhook → incidents. Only a transition to `alarm` is an incident; event alarms name
 * their server in the event traits; threshold and load-balancer alarms name none (see result.ts).
 */
import { InvalidPayloadError } from '../errors';
import type { Incident } from '../incident';
import type { AodhAlarm, AodhEvent, AodhReasonData } from './aodh';
import { flatLabels, severityOf, stableHash } from './common';
import { ReceiveTimeRequiredError } from './errors';
import {
  type Delivery,
  type IntakeResult,
  type SubjectHints,
  ignored,
  incident,
  mergeResults,
  unresolved,
} from './result';
import * as server from './server-events';
import { isoUtc } from './time';

const keyOf = (alarm: AodhAlarm): string =>
  alarm.reason_data.type === 'event'
    ? `aodh:${alarm.alarm_id}:${alarm.reason_data.event.message_id}`
    : `aodh:${alarm.alarm_id}:${alarm.current}:${stableHash([alarm.previous, alarm.reason_data])}`;

type Base = Pick<Incident, 'key' | 'source' | 'transport' | 'severity' | 'alarm'>;
type RuleReasonData = Exclude<AodhReasonData, { type: 'event' }>;

export function fromAodh(alarm: AodhAlarm, delivery: Delivery): IntakeResult {
  const key = keyOf(alarm);
  const name = `Aodh alarm "${alarm.alarm_name}"`;
  if (alarm.current !== 'alarm') {
    return ignored(
      'aodh',
      `${name} went ${alarm.previous} → ${alarm.current}; only a move to alarm is an incident`,
      key,
    );
  }
  const base: Base = {
    key,
    source: 'aodh',
    transport: delivery.transport,
    severity: severityOf(alarm.severity),
    alarm: { id: alarm.alarm_id, name: alarm.alarm_name },
  };
  const data = alarm.reason_data;
  return data.type === 'event' ? fromEventAlarm(name, data.event, base) : fromRuleAlarm(alarm, data, delivery, base);
}

function fromEventAlarm(name: string, event: AodhEvent, base: Base): IntakeResult {
  const traits = flatLabels(event.traits.map(([trait, , value]) => [trait, value] as const));
  const kind = kindOfEvent(event.event_type, traits);
  if (typeof kind !== 'string') return ignored('aodh', `${name}: ${kind.reason}`, base.key);
  // Ceilometer's `host` trait is the publisher's host: nova-compute's for delete.end, but often
  // nova-conductor's or nova-api's for an update (test/events/aodh/generated-event-*: "vm"), so not the server's.
  const subject = serverOfTraits(traits, kind === 'server-deleted');
  return incident({
    ...base,
    kind,
    subject,
    observedAt: isoUtc(event.generated),
    summary: `${name}: ${server.describeServer(kind, subject, traits.display_name)}.`,
    labels: { event_type: event.event_type, ...traits },
  });
}

function kindOfEvent(eventType: string, traits: Record<string, string>): server.ServerKind | { reason: string } {
  if ((server.SERVER_DELETED_EVENTS as readonly string[]).includes(eventType)) return 'server-deleted';
  if ((server.SERVER_UPDATE_EVENTS as readonly string[]).includes(eventType)) {
    return server.kindOfStateChange(traits.state, traits.old_state);
  }
  return { reason: `event ${eventType} is not a server deletion or a move to error/stopped` };
}

function serverOfTraits(traits: Record<string, string>, hostIsTheServers: boolean) {
  const serverId = traits.instance_id || traits.resource_id;
  if (!serverId) {
    const issue = {
      path: 'reason_data.event.traits',
      message: 'No instance_id trait: which server?',
      code: 'missing_trait',
    };
    throw new InvalidPayloadError('Aodh event alarm', [issue]);
  }
  return server.serverSubject(
    serverId,
    hostIsTheServers ? traits.host : undefined,
    traits.project_id || traits.tenant_id,
  );
}

/** Threshold, composite and load-balancer alarms: no event, no time of their own, rarely a server id. */
function fromRuleAlarm(alarm: AodhAlarm, data: RuleReasonData, delivery: Delivery, base: Base): IntakeResult {
  if (!delivery.receivedAt) throw new ReceiveTimeRequiredError('aodh', data.type);
  const common = {
    ...base,
    kind: 'server-unhealthy' as const,
    observedAt: delivery.receivedAt,
    summary: `Aodh alarm "${alarm.alarm_name}": ${alarm.reason}`,
    labels: flatLabels(Object.entries(data)),
  };
  if (data.type === 'composite') {
    const rules = Object.values(data.causative_rules).filter((rule) => rule.resource_type === 'instance');
    const serverIds = [...new Set(rules.flatMap((rule) => (rule.resource_id ? [rule.resource_id] : [])))];
    if (serverIds.length > 0) {
      return mergeResults(serverIds.map((id) => incident({ ...common, subject: server.serverSubject(id) })));
    }
  }
  const lb = data.type === 'loadbalancer_member_health' ? data : undefined;
  const where = lb ? ' or its load-balancer pool members' : '';
  return unresolved({
    ...common,
    ...(lb ? { summary: `Aodh alarm "${alarm.alarm_name}": ${lb.count} load-balancer pool member(s) unhealthy.` } : {}),
    reason: `an Aodh ${data.type} alarm names no server; look up alarm ${alarm.alarm_id}${where}`,
    hints: { alarmId: alarm.alarm_id, ...(lb ? poolHints(lb) : {}) },
  });
}

/** What the Heat autohealing notifier (aodh/notifier/heat.py) uses to find the members: stack, group, member ids. */
function poolHints(lb: Extract<RuleReasonData, { type: 'loadbalancer_member_health' }>): SubjectHints {
  return {
    ...(lb.stack_id ? { stackId: lb.stack_id } : {}),
    ...(lb.asg_id ? { autoscalingGroupId: lb.asg_id } : {}),
    ...(lb.pool_id ? { poolId: lb.pool_id } : {}),
    memberIds: lb.unhealthy_members.map((m) => m.id),
    memberAddresses: lb.unhealthy_members.flatMap((m) => (m.address ? [m.address] : [])),
  };
}
