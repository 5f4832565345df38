/**
 * decide for VM and process failures (core/policy/decide-server.ts), from recorded alarms: a pet that
 * stopped or went to ERROR on its own starts the escalation ladder; cattle are replaced through Heat; a
 * nova-compute process failure is told, and calls the restart hook only when the policy names one.
 */
import type { Incident } from '../../../core/domain/incident';
import { parseAlarms } from '../../../core/domain/intake';
import { decide } from '../../../core/policy/decide';
import type { Facts, ServerFacts } from '../../../core/policy/facts';
import { PolicySchema } from '../../../core/policy/policy';
import { load } from '../intake/support';

const first = (body: unknown): Incident => {
  const i = parseAlarms(body).incidents[0];
  if (!i) throw new Error('the recorded alarm made no incident');
  return i;
};
const STOPPED = first(load('masakari', 'generated-vm-lifecycle-stopped-failed.json'));
const ERRORED = first(load('aodh', 'generated-event-instance-update-error.json'));
const PROCESS = first(load('masakari', 'generated-process-nova-compute-stopped.json'));

const server = (i: Incident, o: Partial<ServerFacts>): ServerFacts => ({
  id: i.subject.type === 'server' ? i.subject.serverId : 'x',
  metadata: {},
  gone: false,
  host: 'compute1',
  ...o,
});
const pet = { metadata: { HA_Enabled: 'True' } };
const cattle = {
  owner: { root: { name: 'grp', id: 'r' }, stack: { name: 'grp-n', id: 'n' }, resourceName: '0' },
  heat: { rootStatus: 'UPDATE_COMPLETE', currentServerId: undefined as string | undefined },
};
const facts = (incident: Incident, o: Partial<Facts> = {}): Facts => ({
  incident,
  openIncidents: 1,
  repeats: 1,
  inMaintenance: false,
  ...o,
});
const policy = (p: Record<string, unknown> = {}) => PolicySchema.parse(p);

describe('decide, for a VM failure', () => {
  it.each([
    [
      'a pet stopped on its own (Masakari VM notification)',
      STOPPED,
      { ...pet, status: 'SHUTOFF' },
      'restart',
      'pet-vm-recovery',
    ],
    ['a pet in ERROR (Aodh event alarm)', ERRORED, { ...pet, status: 'ERROR' }, 'restart', 'pet-vm-recovery'],
    ['a stopped pet that is running again by now', STOPPED, { ...pet, status: 'ACTIVE' }, 'ignore', 'stale-alarm'],
    ['a server neither pet nor cattle', STOPPED, { status: 'SHUTOFF' }, 'notify', 'not-managed'],
  ])('%s', (_n, incident, s, verdict, rule) => {
    const { decision, plan } = decide(facts(incident, { server: server(incident, s) }), policy());
    expect(decision).toMatchObject({ verdict, rule });
    if (verdict === 'restart')
      expect(plan).toEqual({
        action: 'restart',
        target: { kind: 'server', serverId: server(incident, s).id, host: 'compute1' },
      });
  });

  it('replaces cattle in ERROR through Heat, even with HA metadata', () => {
    const s = server(ERRORED, { ...pet, ...cattle, status: 'ERROR' });
    s.heat!.currentServerId = s.id;
    expect(decide(facts(ERRORED, { server: s }), policy()).decision).toMatchObject({
      verdict: 'replace',
      rule: 'cattle-in-heat-stack',
    });
  });

  it('holds a pet that failed as often as the repeat threshold, for a human', () => {
    const f = facts(STOPPED, { server: server(STOPPED, { ...pet, status: 'SHUTOFF' }), repeats: 3 });
    expect(decide(f, policy()).decision).toMatchObject({ verdict: 'hold', rule: 'repeat-threshold' });
  });

  it('only tells the operator when serverRecovery is off, and holds when the ladder starts with a human', () => {
    const f = facts(STOPPED, { server: server(STOPPED, { ...pet, status: 'SHUTOFF' }) });
    expect(decide(f, policy({ serverRecovery: { enabled: false } })).decision.rule).toBe('server-recovery-off');
    expect(decide(f, policy({ serverRecovery: { ladder: [{ rung: 'human' }] } })).decision).toMatchObject({
      verdict: 'hold',
      rule: 'server-recovery-human',
    });
  });

  it('holds a restart while an operator paused automation', () => {
    const f = facts(STOPPED, { server: server(STOPPED, { ...pet, status: 'SHUTOFF' }), paused: true });
    expect(decide(f, policy()).decision).toMatchObject({ verdict: 'hold', rule: 'automation-paused' });
  });
});

describe('decide, for a process failure', () => {
  const host = { host: 'compute1', servers: [server(STOPPED, pet)], spareHosts: [] };

  it('tells the operator without a hook and never evacuates (core/policy/decide-host.ts)', () => {
    const { decision, plan } = decide(facts(PROCESS, { host }), policy());
    expect(decision).toMatchObject({ verdict: 'notify', rule: 'host-service-unwell' });
    expect(plan).toEqual({ action: 'notify' });
  });

  it('calls the restart hook the policy names for nova-compute, with the host', () => {
    const p = policy({ processRestartHook: { url: 'http://127.0.0.1:9/restart' } });
    const { decision, plan } = decide(facts(PROCESS, { host }), p);
    expect(decision).toMatchObject({ verdict: 'restart', rule: 'process-restart-hook' });
    expect(plan).toEqual({ action: 'restart', target: { kind: 'process', host: 'compute1', process: 'nova-compute' } });
  });

  it('holds a process that keeps failing for a human instead of calling the hook again (the repeat threshold)', () => {
    const p = policy({ processRestartHook: { url: 'http://127.0.0.1:9/restart' } });
    expect(decide(facts(PROCESS, { host, repeats: 3 }), p).decision).toMatchObject({
      verdict: 'hold',
      rule: 'repeat-threshold',
    });
  });

  it('rejects a hook that is not a URL', () => {
    expect(PolicySchema.safeParse({ processRestartHook: { url: 'not a url' } }).success).toBe(false);
  });
});
