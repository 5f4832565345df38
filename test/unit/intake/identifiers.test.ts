/**
 * The identifiers an alarm names have the shapes OpenStack gives them, checked at the schema edge
 * (core/domain/alarms/identifiers.ts) before any cloud call: a server id is a UUID, a host a host name.
 */
import { InvalidPayloadError } from '../../../core/domain/errors';
import { parseAlarms } from '../../../core/domain/intake';
import { load } from './support';

type AodhEvent = { reason_data: { event: { traits: [string, number, string][] } } };

/** The recorded Aodh delete.end alarm with its instance_id and resource_id traits set to `id`. */
function aodhAbout(id: string): AodhEvent {
  const body = load('aodh', 'event-webhook-2.json') as AodhEvent;
  body.reason_data.event.traits = body.reason_data.event.traits.map((t) =>
    t[0] === 'instance_id' || t[0] === 'resource_id' ? [t[0], t[1], id] : t,
  );
  return body;
}

const refusal = (payload: unknown) => {
  try {
    parseAlarms(payload);
  } catch (e) {
    return e;
  }
  return undefined;
};

describe('identifier shapes', () => {
  it('accepts the recorded alarms: a UUID server id, a host name', () => {
    expect(parseAlarms(aodhAbout('d1756b9c-562c-43b0-be4c-665c388acc03')).incidents).toHaveLength(1);
    expect(parseAlarms(load('masakari', 'run1-compute-host.json')).incidents[0].subject).toEqual({
      type: 'host',
      host: 'compute1',
    });
  });

  it('refuses an instance_id of 10,000 characters with a 400 naming the server id', () => {
    const e = refusal(aodhAbout('a'.repeat(10_000)));
    expect(e).toBeInstanceOf(InvalidPayloadError);
    expect(e).toMatchObject({
      status: 400,
      issues: [
        expect.objectContaining({ path: 'incidents[0].subject.serverId', message: expect.stringMatching(/UUID/) }),
      ],
    });
    expect((e as Error).message.length).toBeLessThan(500); // the value is not echoed back
  });

  it.each([['compute1/../../etc'], ['a'.repeat(300)], ['compute 1']])('refuses the host name %j', (host) => {
    const n = load('masakari', 'run1-compute-host.json') as { notification: { hostname: string } };
    n.notification.hostname = host;
    expect(refusal(n)).toMatchObject({
      status: 400,
      issues: [expect.objectContaining({ path: 'notification.hostname' })],
    });
  });

  it('refuses a host label that is no host name in an Alertmanager alert', () => {
    const hook = load('alertmanager', 'HostDown-firing.json') as { alerts: { labels: Record<string, string> }[] };
    hook.alerts[0].labels.host = 'compute1; rm -rf /';
    expect(refusal(hook)).toMatchObject({
      status: 400,
      issues: [expect.objectContaining({ path: 'incidents[0].subject.host' })],
    });
  });
});
