/**
 * Aodh alarm webhooks: every recorded or real-code-produced body becomes the expected incident,
 * and broken variants of them are refused with the path of what is wrong.
 */
import { parseAlarms, withSubject } from '../../../core/domain/intake';
import { type Expected, RECEIVED_AT, expectOutcome, fixtureNames, issuesOf, load } from './support';

const PROJECT = '2f9fd6d25fa74e5ca14c6a9f0b458185';
const deleted = (alarmId: string, messageId: string, serverId: string, host: string, observedAt: string): Expected => ({
  incidents: [
    {
      key: `aodh:${alarmId}:${messageId}`,
      kind: 'server-deleted',
      source: 'aodh',
      transport: 'direct',
      severity: 'critical',
      subject: { type: 'server', serverId, host, projectId: PROJECT },
      observedAt,
      alarm: expect.objectContaining({ id: alarmId }),
    },
  ],
});

const EXPECTED: Record<string, Expected> = {
  'chain-c1.json': deleted(
    'b34fdd41-6629-4b52-aa6b-bc764deb6d31',
    '33ede38c-7023-4a68-9e6e-d85bb0228cf0',
    '03ca2286-e09e-4717-a7a2-361cbef3c747',
    'compute2',
    '2026-11-23T01:57:34.337Z',
  ),
  'chain-c2.json': deleted(
    'ae305a7f-3a71-46c9-b7a7-f91fa9fd75d8',
    'c4389738-a783-413d-9138-89603b592459',
    '2149682d-bb52-4a70-a849-f39dec3d2440',
    'compute2',
    '2026-11-23T01:57:54.873Z',
  ),
  'chain-c3.json': deleted(
    '083fc0ba-27d5-4570-aa12-0bb6d86938fc',
    'adc54733-6ed7-480d-87b7-a41df924098a',
    '2375509a-34db-44e1-a9f1-90be91c1b877',
    'compute2',
    '2026-11-23T01:58:10.737Z',
  ),
  'chain-c4.json': deleted(
    'b6a7c102-6ff5-412b-8816-880d245236c3',
    '6d0d12a2-15ff-4893-94c2-ca2c6b0278f9',
    '82007c3b-f631-4000-a7f0-792bf5e25e42',
    'compute2',
    '2026-11-23T02:00:35.949Z',
  ),
  'e2e-e3.json': deleted(
    'aac2582f-da5c-452b-acfe-db734fc7dd47',
    '749a7e36-83aa-4398-938c-703b52cf916b',
    'b35b2df1-0b34-413e-b2a4-04ede03c85bb',
    'compute2',
    '2026-11-23T01:55:56.283Z',
  ),
  'e2e-e4.json': deleted(
    'a59c4109-add6-49f5-b20f-2c7951f3130c',
    '1320ba26-c8c7-4e71-b09d-b7eb747a4c22',
    '0b3cc58c-d531-48a6-b243-a52525566555',
    'compute2',
    '2026-11-23T01:56:04.553Z',
  ),
  'e2e-e5.json': deleted(
    '985e6e66-2e99-4d13-8003-f10939c1b2ef',
    'b8c009ff-b66c-443f-89f4-aea70f09251f',
    '9f5f981c-73c9-4ce3-88fa-f20f1c301002',
    'compute2',
    '2026-11-23T01:56:12.704Z',
  ),
  'e2e-e6.json': deleted(
    'f191cfc3-c226-497c-82e4-991ae653a394',
    '716f2600-6f32-4bfc-a6f9-8d66bdea0d72',
    '9b1bba6c-80fb-42ea-a783-72b0556953b2',
    'compute2',
    '2026-11-23T02:00:51.714Z',
  ),
  'event-webhook.json': deleted(
    '7b5964e4-6d30-40c7-9ab4-dd5b77a5fdda',
    'd4767a91-0981-41d5-969e-21550eb529cb',
    '3bd67d07-7f0a-477c-a869-964e212f5c8d',
    'compute2',
    '2026-11-23T01:37:37.604Z',
  ),
  'event-webhook-2.json': deleted(
    '363c388c-b833-4960-b348-09005b0e814e',
    '90b7a32d-f037-434a-9f7e-36d3140aee14',
    'd1756b9c-562c-43b0-be4c-665c388acc03',
    'compute1',
    '2026-11-23T01:38:23.216Z',
  ),
  'generated-event-instance-update-error.json': {
    incidents: [
      {
        kind: 'server-error',
        key: 'aodh:e8c4e4e4-1244-5254-9e75-4783f6635da1:b690d6d5-737e-459e-9e42-cd5858d1d17e',
        subject: { type: 'server', serverId: 'd215d30a-dda1-4763-975d-231d24db9f05', projectId: PROJECT }, // no host: the trait is the conductor's
        observedAt: '2026-11-23T01:39:10.127Z',
        labels: expect.objectContaining({ state: 'error', old_state: 'active', host: 'vm' }),
      },
    ],
  },
  'generated-event-instance-update-deleted.json': { ignored: [/state is now "deleted", not error or stopped/] },
  'generated-composite-alarm.json': {
    incidents: [
      {
        kind: 'server-unhealthy',
        severity: 'critical',
        observedAt: RECEIVED_AT,
        subject: { type: 'server', serverId: '3bd67d07-7f0a-477c-a869-964e212f5c8d' },
        key: expect.stringMatching(/^aodh:1c40db4f-fdc0-5fa0-a437-adfd7bf60f96:alarm:[0-9a-f]{16}$/),
      },
    ],
  },
  'generated-threshold-alarm.json': {
    unresolved: {
      kind: 'server-unhealthy',
      severity: 'moderate',
      observedAt: RECEIVED_AT,
      hints: { alarmId: '1ba571ab-7b1d-5534-a080-f6856b5f631a' },
    },
  },
  'generated-threshold-ok.json': { ignored: [/went alarm → ok; only a move to alarm is an incident/] },
  'generated-loadbalancer-alarm.json': {
    unresolved: {
      kind: 'server-unhealthy',
      hints: {
        alarmId: 'a1d9bdd0-fb96-5640-8460-f1c5626c4529',
        stackId: '4607368e-b2ad-4d09-8716-820dc9ca4528',
        autoscalingGroupId: '0271f788-f87c-4f5b-aaca-fbdc16b91c3a',
        poolId: '3c5a52c2-6cc0-577e-82b5-fa26ca24c0de',
        memberIds: ['957a1ace-1bd2-449b-8455-820b6e4b63f3'],
        memberAddresses: ['192.0.2.16'],
      },
    },
  },
};

describe('Aodh alarm webhook intake', () => {
  it('has an expectation for every fixture in test/events/aodh', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual(fixtureNames('aodh'));
  });

  it.each(fixtureNames('aodh'))('turns %s into its expected outcome', (name) => {
    expectOutcome(parseAlarms(load('aodh', name), { receivedAt: RECEIVED_AT }), EXPECTED[name]);
  });

  it('reads a server going to stopped on compute.instance.update as server-stopped', () => {
    const alarm = load('aodh', 'generated-event-instance-update-error.json');
    alarm.reason_data.event.traits.find((t: unknown[]) => t[0] === 'state')[2] = 'stopped';
    expect(parseAlarms(alarm).incidents[0]).toMatchObject({
      kind: 'server-stopped',
      summary: expect.stringContaining('stopped'),
    });
  });

  it('ignores an event it does not act on, with the reason', () => {
    const alarm = load('aodh', 'event-webhook.json');
    alarm.reason_data.event.event_type = 'compute.instance.create.end';
    expect(parseAlarms(alarm).ignored).toEqual([
      expect.objectContaining({ reason: expect.stringMatching(/compute.instance.create.end is not/) }),
    ]);
  });

  it('lets the caller complete an unresolved alarm once it has found the server, keeping the key', () => {
    const [alarm] = parseAlarms(load('aodh', 'generated-threshold-alarm.json'), { receivedAt: RECEIVED_AT }).unresolved;
    const incident = withSubject(alarm, { type: 'server', serverId: '3bd67d07-7f0a-477c-a869-964e212f5c8d' });
    expect(incident).toMatchObject({
      key: alarm.key,
      kind: 'server-unhealthy',
      subject: { serverId: '3bd67d07-7f0a-477c-a869-964e212f5c8d' },
    });
    expect(incident).not.toHaveProperty('hints');
  });

  it('asks for the receive time when the alarm carries none of its own', () => {
    expect(() => parseAlarms(load('aodh', 'generated-threshold-alarm.json'))).toThrow(/pass \{ receivedAt \}/);
  });

  it.each([
    ['without reason_data', 'reason_data', (a: any) => delete a.reason_data],
    ['without alarm_id', 'alarm_id', (a: any) => delete a.alarm_id],
    ['with an unknown state', 'current', (a: any) => (a.current = 'firing')],
    ['with an unknown reason type', 'reason_data.type', (a: any) => (a.reason_data.type = 'prometheus')],
    [
      'with a trait that is not a triple',
      'reason_data.event.traits.3',
      (a: any) => (a.reason_data.event.traits[3] = ['user_id', 1]),
    ],
    [
      'with an unreadable event time',
      'reason_data.event.generated',
      (a: any) => (a.reason_data.event.generated = 'yesterday'),
    ],
    ['without the event message id', 'reason_data.event.message_id', (a: any) => delete a.reason_data.event.message_id],
    [
      'without an instance_id trait',
      'reason_data.event.traits',
      (a: any) =>
        (a.reason_data.event.traits = a.reason_data.event.traits.filter(
          (t: string[]) => !['instance_id', 'resource_id'].includes(t[0]),
        )),
    ],
  ])('refuses an alarm %s, naming %s', (_case, path, mutate) => {
    const alarm = load('aodh', 'event-webhook.json');
    mutate(alarm);
    const error = issuesOf(() => parseAlarms(alarm));
    expect(error.what).toMatch(/Aodh/);
    expect(error.issues.map((i) => i.path)).toContain(path);
  });

  it.each([
    [
      'threshold without disposition',
      'reason_data.disposition',
      'generated-threshold-alarm.json',
      (a: any) => delete a.reason_data.disposition,
    ],
    [
      'load balancer member without id',
      'reason_data.unhealthy_members.0.id',
      'generated-loadbalancer-alarm.json',
      (a: any) => delete a.reason_data.unhealthy_members[0].id,
    ],
    [
      'composite without its rules',
      'reason_data.causative_rules',
      'generated-composite-alarm.json',
      (a: any) => delete a.reason_data.causative_rules,
    ],
  ])('refuses a %s, naming %s', (_case, path, file, mutate) => {
    const alarm = load('aodh', file);
    mutate(alarm);
    expect(issuesOf(() => parseAlarms(alarm, { receivedAt: RECEIVED_AT })).issues.map((i) => i.path)).toContain(path);
  });
});
