/**
 * Nova notifications, versioned and legacy, plain or in their RabbitMQ wire form: a server deleted,
 * a server moved to error or stopped, a compute service forced down. Everything else is ignored.
 */
import { parseAlarms } from '../../../core/domain/intake';
import { type Expected, expectOutcome, fixtureNames, issuesOf, load } from './support';

const PROJECT = '2f9fd6d25fa74e5ca14c6a9f0b458185';
const VM1 = {
  type: 'server',
  serverId: '3bd67d07-7f0a-477c-a869-964e212f5c8d',
  host: 'compute2',
  projectId: PROJECT,
} as const;
const VM_N = {
  type: 'server',
  serverId: 'aeb841ac-4686-4f09-8a21-c8f518ab7e64',
  host: 'compute1',
  projectId: PROJECT,
} as const;
const FORCED_DOWN: Expected = {
  incidents: [
    {
      key: 'nova:23b3b102-5ea6-4c9e-8b25-97f25e930fd8',
      kind: 'host-down',
      severity: 'critical',
      subject: { type: 'host', host: 'compute1' },
      observedAt: '2026-11-23T01:36:50.307Z',
      fence: { by: 'nova', method: 'forced-down', at: '2026-11-23T01:36:50.307Z' },
    },
  ],
};
const DELETED_VM1: Expected = {
  incidents: [
    {
      key: 'nova:e4a9f464-b60e-4fd8-aabd-c99e38431a39',
      kind: 'server-deleted',
      subject: VM1,
      observedAt: '2026-11-23T01:37:37.610Z',
    },
  ],
};
const DELETED_VM_N: Expected = {
  incidents: [
    {
      key: 'nova:4282042e-6d3a-4687-b92a-809f1177bc5c',
      kind: 'server-deleted',
      subject: VM_N,
      observedAt: '2026-11-23T01:39:16.541Z',
    },
  ],
};
const STILL_BUILDING: Expected = { ignored: [/instance.update: server state is now "building"/] };
const notAnIncident = (eventType: string): Expected => ({
  ignored: [new RegExp(`Nova ${eventType.replace(/\./g, '\\.')} is not`)],
});

/** Expected outcome of each fixture; unlisted ones are Nova events that are not incidents. */
const EXPECTED: Record<string, Expected> = {
  'versioned/service.update.json': FORCED_DOWN,
  'versioned/instance.delete.end.json': DELETED_VM1,
  'versioned/instance.update.json': STILL_BUILDING,
  'legacy/compute.instance.delete.end.json': DELETED_VM_N,
  'legacy/compute.instance.update.json': { ignored: [/server state is now "deleted"/] },
  'wire/service.update.json': FORCED_DOWN,
  'wire/instance.delete.end.json': DELETED_VM1,
  'wire/instance.update.json': STILL_BUILDING,
  'wire/compute.instance.delete.end.json': DELETED_VM_N,
};
const ALL = ['versioned', 'legacy', 'wire'].flatMap((dir) =>
  fixtureNames(`nova/${dir}`).map((name) => `${dir}/${name}`),
);

describe('Nova notification intake', () => {
  it.each(ALL)('turns %s into its expected outcome', (file) => {
    const expected = EXPECTED[file] ?? notAnIncident(file.split('/')[1].replace(/\.json$/, ''));
    expectOutcome(parseAlarms(load('nova', file)), expected);
  });

  it.each([
    ['versioned', 'error', 'server-error'],
    ['versioned', 'stopped', 'server-stopped'],
    ['legacy', 'error', 'server-error'],
    ['legacy', 'stopped', 'server-stopped'],
  ])('reads a %s update moving a server to %s as %s', (format, state, kind) => {
    const n = load(
      'nova',
      format === 'versioned' ? 'versioned/instance.update.json' : 'legacy/compute.instance.update.json',
    );
    if (format === 'versioned') {
      n.payload['nova_object.data'].state = state;
      n.payload['nova_object.data'].state_update['nova_object.data'].state = state;
      n.payload['nova_object.data'].state_update['nova_object.data'].old_state = 'active';
    } else Object.assign(n.payload, { state, old_state: 'active' });
    expect(parseAlarms(n).incidents).toEqual([
      expect.objectContaining({ kind, key: `nova:${n.message_id}`, source: 'nova' }),
    ]);
  });

  it('ignores an update of a server that was already in error (a task-state change)', () => {
    const n = load('nova', 'legacy/compute.instance.update.json');
    Object.assign(n.payload, { state: 'error', old_state: 'error' });
    expect(parseAlarms(n).ignored).toEqual([
      expect.objectContaining({ reason: expect.stringMatching(/already "error"/) }),
    ]);
  });

  it.each([
    [
      'disabled but not forced down',
      { forced_down: false, disabled: true, disabled_reason: 'maintenance' },
      /disabled \(maintenance\) and not forced down/,
    ],
    ['up again', { forced_down: false }, /is up and not forced down/],
    ['a scheduler forced down', { binary: 'nova-scheduler' }, /only compute hosts are healed/],
  ])('ignores a service.update for a compute %s', (_case, change, reason) => {
    const n = load('nova', 'versioned/service.update.json');
    Object.assign(n.payload['nova_object.data'], change);
    expectOutcome(parseAlarms(n), { ignored: [reason] });
  });

  it.each([
    [
      'service.update without forced_down',
      'versioned/service.update.json',
      'payload.nova_object.data.forced_down',
      (n: any) => delete n.payload['nova_object.data'].forced_down,
    ],
    [
      'instance.delete.end without the server uuid',
      'versioned/instance.delete.end.json',
      'payload.nova_object.data.uuid',
      (n: any) => delete n.payload['nova_object.data'].uuid,
    ],
    [
      'legacy delete without instance_id',
      'legacy/compute.instance.delete.end.json',
      'payload.instance_id',
      (n: any) => delete n.payload.instance_id,
    ],
    [
      'notification without message_id',
      'versioned/instance.delete.end.json',
      'message_id',
      (n: any) => delete n.message_id,
    ],
    [
      'notification with an unreadable timestamp',
      'legacy/compute.instance.update.json',
      'timestamp',
      (n: any) => (n.timestamp = '23/11/2026'),
    ],
  ])('refuses a %s, naming %s', (_case, file, path, mutate) => {
    const n = load('nova', file);
    mutate(n);
    const error = issuesOf(() => parseAlarms(n));
    expect(error.what).toMatch(/Nova/);
    expect(error.issues.map((i) => i.path)).toContain(path);
  });

  it('refuses a wire message whose oslo.message is not JSON', () => {
    const wire = load('nova', 'wire/service.update.json');
    wire['oslo.message'] = wire['oslo.message'].slice(0, 40);
    expect(issuesOf(() => parseAlarms(wire)).issues).toEqual([expect.objectContaining({ path: 'oslo.message' })]);
  });
});
