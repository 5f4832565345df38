/** What the operator reads: one message per incident state, built from the record. Pure. */
import type { IncidentRecord } from '../../core/domain/plan';

export type Message = {
  title: string;
  text: string;
  incident: string;
  status: IncidentRecord['status'];
  subject: string;
  rule?: string;
  requestIds: string[];
};

const ICON: Record<IncidentRecord['status'], string> = {
  'notify-only': ':information_source:',
  acting: ':hammer_and_wrench:',
  held: ':raised_hand:',
  resolved: ':white_check_mark:',
  recovered: ':white_check_mark:',
  failed: ':x:',
  ignored: ':zzz:',
};

export function messageFor(r: IncidentRecord): Message {
  const s = r.incident.subject;
  const subject = s.type === 'host' ? `host ${s.host}` : `server ${s.serverId}`;
  const headline: Record<IncidentRecord['status'], string> = {
    'notify-only': `${subject}: not managed by stackmend, nothing was changed`,
    acting: `${subject}: repair under way`,
    held: `${subject}: held for your approval`,
    resolved: `${subject}: healed`,
    recovered: `${subject}: reports to Nova again, the held incident is closed; nothing was changed`,
    failed: `${subject}: repair FAILED, please look`,
    ignored: `${subject}: ignored`,
  };
  const steps = r.timeline.map((e) => `• ${e.at.slice(11, 19)} ${e.step} ${e.outcome}: ${e.reason}`);
  const requestIds = r.timeline.flatMap((e) => e.requestIds ?? []);
  const hostNote =
    r.plan?.action === 'evacuate' && r.progress[`host:${r.plan.host}`] === 'confirmed'
      ? [
          `Host ${r.plan.host} is left forced down and disabled. Once it is repaired, restart its nova-compute, then un-force and enable the service.`,
        ]
      : [];
  const alive = r.timeline.some((e) => e.outcome === 'HOST_ALIVE');
  return {
    title: alive
      ? `${ICON['notify-only']} stackmend ${subject}: host-alive, Nova shows it up; nothing was changed`
      : `${ICON[r.status]} stackmend ${headline[r.status]}`,
    text: [
      `Seen: ${r.incident.summary} (${r.incident.source}${r.incident.transport === 'zaqar' ? ' via Zaqar' : ''}, ${r.incident.observedAt})`,
      r.decision ? `Decided: ${r.decision.verdict} by rule "${r.decision.rule}": ${r.decision.reason}` : '',
      'Done:',
      ...steps,
      ...hostNote,
      requestIds.length ? `Request ids: ${requestIds.join(' ')}` : '',
    ]
      .filter(Boolean)
      .join('\n'),
    incident: r.key,
    status: r.status,
    subject,
    rule: r.decision?.rule,
    requestIds,
  };
}
