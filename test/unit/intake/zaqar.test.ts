/**
 * Zaqar push envelope: a transport, unwrapped first; the body is then any other source and the
 * incident says it came through Zaqar, with the same key and subject as the direct delivery.
 */
import { unwrapZaqar } from '../../../core/domain/alarms/zaqar';
import { parseDelivery as parseAlarms } from '../../../core/runtime/envelope';
import { fixtureNames, issuesOf, load } from './support';

/** The Zaqar pushes of an Aodh alarm, and the direct webhook of the same alarm. */
const SAME_ALARM = [
  ['aodh-tzq-1.json', 'event-webhook.json'],
  ['aodh-psq-1.json', 'event-webhook-2.json'],
] as const;

describe('Zaqar push envelope', () => {
  it.each(fixtureNames('zaqar'))('unwraps %s to its message body and queue', (name) => {
    const push = load('zaqar', name);
    expect(unwrapZaqar(push)).toEqual({ body: push.body, queueName: push.queue_name, ttl: push.ttl });
  });

  it.each(SAME_ALARM)('gives %s the key and subject of the direct %s, with transport zaqar', (pushed, direct) => {
    const viaZaqar = parseAlarms(load('zaqar', pushed)).incidents;
    const straight = parseAlarms(load('aodh', direct)).incidents;
    expect(viaZaqar).toHaveLength(1);
    expect(viaZaqar[0]).toEqual({ ...straight[0], transport: 'zaqar' });
    expect(straight[0].transport).toBe('direct');
  });

  it.each(fixtureNames('zaqar').filter((n) => n.startsWith('zaqar-')))(
    'refuses the test message of %s: its body is no alarm',
    (name) => {
      const error = issuesOf(() => parseAlarms(load('zaqar', name)));
      expect(error.what).toMatch(/in a Zaqar message body/);
      expect(error.issues.every((i) => i.path.startsWith('body'))).toBe(true);
    },
  );

  it('reports a broken Aodh alarm inside a push under body.*', () => {
    const push = load('zaqar', 'aodh-tzq-1.json');
    delete push.body.reason_data.event.message_id;
    const error = issuesOf(() => parseAlarms(push));
    expect(error.what).toBe('Aodh alarm webhook in a Zaqar message body');
    expect(error.issues.map((i) => i.path)).toEqual(['body.reason_data.event.message_id']);
  });

  it.each([
    ['without a queue name', 'queue_name', (p: any) => delete p.queue_name],
    ['of another message type', 'Message_Type', (p: any) => (p.Message_Type = 'Subscription')],
    ['with a negative ttl', 'ttl', (p: any) => (p.ttl = -1)],
  ])('refuses an envelope %s, naming %s', (_case, path, mutate) => {
    const push = load('zaqar', 'aodh-psq-1.json');
    mutate(push);
    const error = issuesOf(() => unwrapZaqar(push));
    expect(error.what).toBe('Zaqar push envelope');
    expect(error.issues.map((i) => i.path)).toContain(path);
  });

  it('refuses a push whose body is not an object', () => {
    const push = load('zaqar', 'aodh-psq-1.json');
    push.body = 'alarm!';
    expect(issuesOf(() => parseAlarms(push)).issues).toEqual([
      expect.objectContaining({ path: 'body', code: 'invalid_type' }),
    ]);
  });
});
