/**
 * Masakari-compatible notifications: host, VM and process failures. Fence evidence comes only from
 * the explicit `payload.fenced` extension: the host monitor's host_status NORMAL does not prove a fence.
 */
import { parseAlarms } from '../../../core/domain/intake';
import { type Expected, expectOutcome, fixtureNames, issuesOf, load } from './support';

const SERVER = '3bd67d07-7f0a-477c-a869-964e212f5c8d';
const hostDown = (host: string, at: string, status: string): Expected => ({
  incidents: [
    {
      key: `masakari:COMPUTE_HOST:${host}:${at}`,
      kind: 'host-down',
      source: 'masakari',
      severity: 'critical',
      subject: { type: 'host', host },
      observedAt: at,
      labels: expect.objectContaining({ host_status: status }),
    },
  ],
});
const vmDown = (at: string, kind: string, event: string): Expected => ({
  incidents: [
    {
      key: `masakari:VM:compute1:${at}:${SERVER}`,
      kind: kind as 'server-stopped',
      observedAt: at,
      subject: { type: 'server', serverId: SERVER, host: 'compute1' },
      summary: expect.stringContaining(event),
    },
  ],
});

const EXPECTED: Record<string, Expected> = {
  'run1-compute-host.json': hostDown('compute1', '2026-11-23T01:54:56.603Z', 'NORMAL'),
  'realstop-compute-host.json': hostDown('compute3', '2026-11-23T02:02:42.505Z', 'NORMAL'),
  'generated-host-stopped-no-ipmi-check.json': hostDown('compute2', '2026-11-23T03:31:46.617Z', 'NORMAL'),
  'generated-host-stopped-ipmi-unknown.json': hostDown('compute-node', '2026-11-23T03:31:46.643Z', 'UNKNOWN'),
  'generated-host-started.json': { ignored: [/compute2 STARTED, not a failure/] },
  'generated-vm-lifecycle-stopped-failed.json': vmDown(
    '2026-11-23T03:31:46.427Z',
    'server-stopped',
    'LIFECYCLE/STOPPED_FAILED',
  ),
  'generated-vm-io-error-report.json': vmDown(
    '2026-11-23T03:31:46.498Z',
    'server-unhealthy',
    'IO_ERROR/IO_ERROR_REPORT',
  ),
  'generated-vm-lifecycle-stopped-shutdown.json': { ignored: [/STOPPED_SHUTDOWN, not a failure Masakari recovers/] },
  'generated-process-nova-compute-stopped.json': {
    incidents: [
      {
        key: 'masakari:PROCESS:compute1:2026-11-23T03:31:46.603Z:nova-compute',
        kind: 'process-down',
        subject: { type: 'host', host: 'compute1' },
        labels: expect.objectContaining({ process_name: 'nova-compute' }),
      },
    ],
  },
};

describe('Masakari notification intake', () => {
  it('has an expectation for every fixture in test/events/masakari', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual(fixtureNames('masakari'));
  });

  it.each(fixtureNames('masakari'))('turns %s into its expected outcome', (name) => {
    expectOutcome(parseAlarms(load('masakari', name)), EXPECTED[name]);
  });

  it.each(fixtureNames('masakari').filter((n) => n.includes('host-') || n.includes('compute-host')))(
    'takes no fence evidence from host_status alone (%s)',
    (name) => {
      for (const incident of parseAlarms(load('masakari', name)).incidents)
        expect(incident).not.toHaveProperty('fence');
    },
  );

  it.each(['power-off', 'isolated'] as const)('takes an explicit payload.fenced (%s) as fence evidence', (method) => {
    const n = load('masakari', 'run1-compute-host.json');
    n.notification.payload.fenced = { by: 'ipmi-watchdog', method, at: '2026-11-23T01:54:50Z' };
    const [incident] = parseAlarms(n).incidents;
    expect(incident.fence).toEqual({ by: 'ipmi-watchdog', method, at: '2026-11-23T01:54:50.000Z' });
    expect(incident.summary).toMatch(new RegExp(`fenced by ipmi-watchdog \\(${method}\\)`));
  });

  it.each([
    ['an unknown type', 'run1-compute-host.json', 'notification.type', (n: any) => (n.notification.type = 'NODE')],
    [
      'a host name with a space',
      'run1-compute-host.json',
      'notification.hostname',
      (n: any) => (n.notification.hostname = 'compute 1'),
    ],
    [
      'no generated_time',
      'run1-compute-host.json',
      'notification.generated_time',
      (n: any) => delete n.notification.generated_time,
    ],
    [
      'an unknown host event',
      'run1-compute-host.json',
      'notification.payload.event',
      (n: any) => (n.notification.payload.event = 'CRASHED'),
    ],
    [
      'a fence claim with another method',
      'run1-compute-host.json',
      'notification.payload.fenced.method',
      (n: any) => (n.notification.payload.fenced = { by: 'me', method: 'hope', at: '2026-11-23T01:54:50Z' }),
    ],
    [
      'a VM event without instance_uuid',
      'generated-vm-io-error-report.json',
      'notification.payload.instance_uuid',
      (n: any) => delete n.notification.payload.instance_uuid,
    ],
    [
      'a process event without process_name',
      'generated-process-nova-compute-stopped.json',
      'notification.payload.process_name',
      (n: any) => delete n.notification.payload.process_name,
    ],
  ])('refuses %s, naming %s', (_case, file, path, mutate) => {
    const n = load('masakari', file);
    mutate(n);
    const error = issuesOf(() => parseAlarms(n));
    expect(error.what).toBe('Masakari notification');
    expect(error.issues.map((i) => i.path)).toContain(path);
  });
});
