/**
 * Nova notification → incident: a server deleted, a server moved to error/stopped, or a compute
 * service forced down (Nova's own fencing flag). Every other notification is not an incident.
 */
import type { Incident } from '../incident';
import { SEVERITY_BY_KIND, flatLabels } from './common';
import { parseStrict } from './issues';
import * as nova from './nova';
import { type Delivery, type IntakeResult, ignored, incident } from './result';
import * as server from './server-events';
import { isoUtc } from './time';

/** What every server notification boils down to, versioned or legacy. */
type NotifiedServer = { subject: Incident['subject'] & { type: 'server' }; name: string | null; state: string };
type ServerChange = NotifiedServer & { kind: server.ServerKind | { reason: string } };
type Parse = <S extends Parameters<typeof parseStrict>[0]>(schema: S) => ReturnType<typeof parseStrict<S>>;

const versioned = (d: nova.NovaInstance): NotifiedServer => ({
  subject: server.serverSubject(d.uuid, d.host, d.tenant_id),
  name: d.display_name,
  state: d.state,
});
const legacy = (p: nova.NovaLegacyInstance): NotifiedServer => ({
  subject: server.serverSubject(p.instance_id, p.host, p.tenant_id),
  name: p.display_name,
  state: p.state,
});

/** The server notifications that can be incidents, each parsed strictly with its payload schema. */
const SERVER_EVENTS = {
  'instance.delete.end': (parse) => {
    const data = parse(nova.novaInstanceActionSchema)['nova_object.data'];
    return { ...versioned(data), kind: 'server-deleted' };
  },
  'compute.instance.delete.end': (parse) => ({
    ...legacy(parse(nova.novaLegacyInstanceSchema)),
    kind: 'server-deleted',
  }),
  'instance.update': (parse) => {
    const data = parse(nova.novaInstanceUpdateSchema)['nova_object.data'];
    return {
      ...versioned(data),
      kind: server.kindOfStateChange(data.state, data.state_update['nova_object.data'].old_state),
    };
  },
  'compute.instance.update': (parse) => {
    const payload = parse(nova.novaLegacyInstanceSchema);
    return { ...legacy(payload), kind: server.kindOfStateChange(payload.state, payload.old_state) };
  },
} as const satisfies Record<string, (parse: Parse) => ServerChange>;

export function fromNova(envelope: nova.NovaEnvelope, delivery: Delivery): IntakeResult {
  const { event_type: eventType, message_id: messageId } = envelope;
  const parse: Parse = (schema) => parseStrict(schema, envelope.payload, `Nova ${eventType} notification`, 'payload');
  const base = {
    key: `nova:${messageId}`,
    source: 'nova' as const,
    transport: delivery.transport,
    observedAt: isoUtc(envelope.timestamp),
    alarm: { id: messageId, name: eventType },
  };
  if (eventType === 'service.update')
    return fromServiceUpdate(parse(nova.novaServiceStatusSchema)['nova_object.data'], base);
  if (!Object.hasOwn(SERVER_EVENTS, eventType)) {
    return ignored(
      'nova',
      `Nova ${eventType} is not a server deletion, server failure or forced-down compute`,
      base.key,
    );
  }
  const change: ServerChange = SERVER_EVENTS[eventType as keyof typeof SERVER_EVENTS](parse);
  if (typeof change.kind !== 'string') return ignored('nova', `Nova ${eventType}: ${change.kind.reason}`, base.key);
  return incident({
    ...base,
    kind: change.kind,
    subject: change.subject,
    severity: SEVERITY_BY_KIND[change.kind],
    summary: `Nova: ${server.describeServer(change.kind, change.subject, change.name)}.`,
    labels: flatLabels([
      ['event_type', eventType],
      ['publisher_id', envelope.publisher_id],
      ['state', change.state],
    ]),
  });
}

type Base = Pick<Incident, 'key' | 'source' | 'transport' | 'observedAt' | 'alarm'>;
type ServiceStatus = ReturnType<typeof nova.novaServiceStatusSchema.parse>['nova_object.data'];

/** Only a compute service forced down is a host failure; forced_down is Nova's own fence flag. */
function fromServiceUpdate(service: ServiceStatus, base: Base): IntakeResult {
  const what = `Nova ${service.binary} on ${service.host}`;
  if (service.binary !== 'nova-compute')
    return ignored('nova', `${what} changed; only compute hosts are healed`, base.key);
  if (!service.forced_down) {
    const why = service.disabled ? `is disabled (${service.disabled_reason ?? 'no reason given'})` : 'is up';
    return ignored('nova', `${what} ${why} and not forced down: not a host failure`, base.key);
  }
  return incident({
    ...base,
    kind: 'host-down',
    subject: { type: 'host', host: service.host },
    severity: SEVERITY_BY_KIND['host-down'],
    summary: `Nova: compute service on ${service.host} was forced down (last seen up ${service.last_seen_up ?? 'never'}).`,
    fence: { by: 'nova', method: 'forced-down', at: base.observedAt },
    labels: flatLabels([['event_type', 'service.update'], ...Object.entries(service)]),
  });
}
