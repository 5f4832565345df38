/**
 * What parsing one delivery yields. Expected non-incidents are outcomes with a reason, not errors;
 * alarms that are incidents but name no server or host are returned for the caller to
 * resolve (it may look the alarm up in Aodh, or the member in Octavia/Heat) instead of being dropped.
 */
import type { AlarmSource, AlarmTransport, Incident, Subject } from '../incident';

/** A delivery that is valid but asks nothing of us (alarm back to ok, alert resolved, server active...). */
export type Ignored = { reason: string; source: AlarmSource; key?: string };

/** What the alarm itself says about the thing it is about, when that is not a server id or host name. */
export type SubjectHints = {
  alarmId?: string;
  stackId?: string;
  autoscalingGroupId?: string;
  poolId?: string;
  memberIds?: string[];
  memberAddresses?: string[];
};

/** An incident whose subject the payload does not name. `withSubject` completes it once resolved. */
export type UnresolvedAlarm = Omit<Incident, 'subject'> & { reason: string; hints: SubjectHints };

export type IntakeResult = { incidents: Incident[]; ignored: Ignored[]; unresolved: UnresolvedAlarm[] };

export const emptyResult = (): IntakeResult => ({ incidents: [], ignored: [], unresolved: [] });

export const incident = (i: Incident): IntakeResult => ({ ...emptyResult(), incidents: [i] });
export const ignored = (source: AlarmSource, reason: string, key?: string): IntakeResult => ({
  ...emptyResult(),
  ignored: [key === undefined ? { source, reason } : { source, reason, key }],
});
export const unresolved = (u: UnresolvedAlarm): IntakeResult => ({ ...emptyResult(), unresolved: [u] });

export function mergeResults(results: IntakeResult[]): IntakeResult {
  return {
    incidents: results.flatMap((r) => r.incidents),
    ignored: results.flatMap((r) => r.ignored),
    unresolved: results.flatMap((r) => r.unresolved),
  };
}

/** Completes an unresolved alarm with the subject the caller found (keeps its key, so de-duplication holds). */
export function withSubject({ reason: _reason, hints: _hints, ...rest }: UnresolvedAlarm, subject: Subject): Incident {
  return { ...rest, subject };
}

/** Everything a source mapping needs to know about how the payload arrived. */
export type Delivery = { transport: AlarmTransport; receivedAt?: string };
