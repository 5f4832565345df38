/**
 * Alertmanager webhook v4: one incident per firing alert, subject from the label conventions;
 * resolved alerts and alerts about neither a server nor a host are not incidents. A host failed only
 * when the alert rule says so (`stackmend_kind: host-down`); a host label alone is a host unwell.
 */
import { parseAlarms } from '../../../core/domain/intake';
import { type Expected, expectOutcome, fixtureNames, issuesOf, load } from './support';

const STARTS = '2026-11-23T03:19:38.237Z';
const vm = (fingerprint: string, serverId: string) => ({
  key: `alertmanager:${fingerprint}:${STARTS}`,
  kind: 'server-unhealthy' as const,
  source: 'alertmanager' as const,
  transport: 'direct' as const,
  severity: 'critical' as const,
  observedAt: STARTS,
  subject: { type: 'server' as const, serverId },
  alarm: { id: fingerprint, name: 'InstanceDown' },
  labels: expect.objectContaining({ alertname: 'InstanceDown', instance_id: serverId }),
});
const VM1 = vm('073dc1a9d252e7f5', '3bd67d07-7f0a-477c-a869-964e212f5c8d');
const VM2 = vm('8c24368490e3633b', 'd1756b9c-562c-43b0-be4c-665c388acc03');

const EXPECTED: Record<string, Expected> = {
  'InstanceDown-firing.json': { incidents: [VM1, VM2] },
  'InstanceDown-vm2-resolved.json': { incidents: [VM1], ignored: [/InstanceDown is resolved/] },
  'InstanceDown-resolved.json': { ignored: [/InstanceDown is resolved/, /InstanceDown is resolved/] },
  'HostDown-firing.json': {
    incidents: [
      {
        key: `alertmanager:8e7ddef9b76907d0:${STARTS}`,
        kind: 'process-down', // its rule does not set stackmend_kind: host-down
        subject: { type: 'host', host: 'compute1' },
        summary: 'Alertmanager alert HostDown firing for host compute1: Compute host compute1 is unreachable.',
      },
    ],
  },
  'HostDown-resolved.json': { ignored: [/HostDown is resolved/] },
};

const firstAlertWith = (labels: Record<string, string>) => {
  const hook = load('alertmanager', 'HostDown-firing.json');
  hook.alerts[0].labels = { alertname: 'Probe', severity: 'warning', ...labels };
  return hook;
};

/** A Nova server id (test/events/aodh/event-webhook-2.json): label values here must be real shapes. */
const SERVER = 'd1756b9c-562c-43b0-be4c-665c388acc03';

describe('Alertmanager webhook intake', () => {
  it('has an expectation for every fixture in test/events/alertmanager', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual(fixtureNames('alertmanager'));
  });

  it.each(fixtureNames('alertmanager'))('turns %s into its expected outcome', (name) => {
    expectOutcome(parseAlarms(load('alertmanager', name)), EXPECTED[name]);
  });

  it('keeps the key of an alert that a later group notification repeats', () => {
    const first = parseAlarms(load('alertmanager', 'InstanceDown-firing.json')).incidents[0];
    const again = parseAlarms(load('alertmanager', 'InstanceDown-vm2-resolved.json')).incidents[0];
    expect(again.key).toBe(first.key);
  });

  it.each([
    [{ server_id: SERVER }, { type: 'server', serverId: SERVER }],
    [
      { openstack_instance_id: SERVER, hypervisor: 'compute2' },
      { type: 'server', serverId: SERVER, host: 'compute2' },
    ],
    [{ hypervisor: 'compute2' }, { type: 'host', host: 'compute2' }],
    [{ nodename: 'compute3' }, { type: 'host', host: 'compute3' }],
  ])('takes the subject from labels %j', (labels, subject) => {
    const [incident] = parseAlarms(firstAlertWith(labels)).incidents;
    expect(incident.subject).toEqual(subject);
    expect(incident.severity).toBe('moderate'); // severity=warning
  });

  it.each<[string, Record<string, string>, object]>([
    ['a host label alone', { host: 'compute1' }, { kind: 'process-down', subject: { type: 'host', host: 'compute1' } }],
    [
      'stackmend_kind: host-down and a host label',
      { host: 'compute1', stackmend_kind: 'host-down' },
      { kind: 'host-down', subject: { type: 'host', host: 'compute1' } },
    ],
    [
      'stackmend_kind: host-down with a server label too (the host is the subject)',
      { nodename: 'compute3', instance_id: SERVER, stackmend_kind: 'host-down' },
      { kind: 'host-down', subject: { type: 'host', host: 'compute3' } },
    ],
    [
      'another stackmend_kind on a host',
      { host: 'compute1', stackmend_kind: 'host-unwell' },
      { kind: 'process-down', subject: { type: 'host', host: 'compute1' } },
    ],
    [
      'a server label alone',
      { instance_id: SERVER, host: 'compute1' },
      { kind: 'server-unhealthy', subject: { type: 'server', serverId: SERVER, host: 'compute1' } },
    ],
  ])('classifies an alert with %s', (_case, labels, expected) => {
    const [incident] = parseAlarms(firstAlertWith(labels)).incidents;
    expect(incident).toMatchObject(expected);
  });

  it('classifies the recorded HostDown alert as a host failure once its rule sets stackmend_kind', () => {
    const hook = load('alertmanager', 'HostDown-firing.json');
    hook.alerts[0].labels.stackmend_kind = 'host-down';
    expectOutcome(parseAlarms(hook), {
      incidents: [{ kind: 'host-down', subject: { type: 'host', host: 'compute1' }, severity: 'critical' }],
    });
  });

  it('ignores an alert that says a host failed but names no host', () => {
    expectOutcome(parseAlarms(firstAlertWith({ instance_id: SERVER, stackmend_kind: 'host-down' })), {
      ignored: [/Probe says a host failed but names no host \(labels host, hypervisor, nodename\)/],
    });
  });

  it('ignores a firing alert that names neither a server nor a host', () => {
    expectOutcome(parseAlarms(firstAlertWith({ job: 'node' })), { ignored: [/Probe names no server or host/] });
  });

  it.each([
    ['a version 3 webhook', 'version', (h: any) => (h.version = '3')],
    ['an alert without a fingerprint', 'alerts.0.fingerprint', (h: any) => delete h.alerts[0].fingerprint],
    ['an alert in an unknown status', 'alerts.0.status', (h: any) => (h.alerts[0].status = 'pending')],
    ['a label that is not a string', 'alerts.0.labels.severity', (h: any) => (h.alerts[0].labels.severity = 3)],
    ['an unreadable start time', 'alerts.0.startsAt', (h: any) => (h.alerts[0].startsAt = 'now')],
  ])('refuses %s, naming %s', (_case, path, mutate) => {
    const hook = load('alertmanager', 'InstanceDown-firing.json');
    mutate(hook);
    const error = issuesOf(() => parseAlarms(hook));
    expect(error.what).toBe('Alertmanager webhook');
    expect(error.issues.map((i) => i.path)).toContain(path);
  });
});
