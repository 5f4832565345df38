import type { Incident } from '../../../core/domain/incident';
import { parseAlarms } from '../../../core/domain/intake';
import { decide } from '../../../core/policy/decide';
import type { Facts, HostFacts, ServerFacts } from '../../../core/policy/facts';
import { checkFenceEvidence, type FenceCheck, type FenceOffer } from '../../../core/policy/fence';
import { hostLiveness } from '../../../core/policy/host-liveness';
import { DEFAULT_POLICY, PolicySchema } from '../../../core/policy/policy';
import { load } from '../intake/support';
import { HEARTBEAT, forcedDownService, iso, listedService, sec } from './support';

const root = { name: 'grp', id: 'root-id' };
const nested = { name: 'grp-group-x', id: 'nested-id' };
const serverIncident: Incident = {
  key: 'aodh:a:m',
  source: 'aodh',
  transport: 'direct',
  kind: 'server-deleted',
  subject: { type: 'server', serverId: 's1' },
  observedAt: '2026-11-23T01:37:37Z',
  severity: 'critical',
  summary: 'deleted',
  labels: {},
};
const hostIncident: Incident = {
  ...serverIncident,
  key: 'masakari:h',
  source: 'masakari',
  kind: 'host-down',
  subject: { type: 'host', host: 'compute1' },
};
const cattle: ServerFacts = { id: 's1', metadata: {}, gone: true, owner: { root, stack: nested, resourceName: '1' } };
const pet: ServerFacts = {
  id: 'p1',
  name: 'db',
  metadata: { HA_Enabled: 'True' },
  gone: false,
  host: 'compute1',
  vcpus: 1,
  ramMb: 64,
};
const loner: ServerFacts = { id: 'l1', metadata: {}, gone: true, host: 'compute1' };
/** compute1 as Nova listed it, a minute after its last heartbeat: down. */
const SILENT = HEARTBEAT + sec(60);
const down = hostLiveness(listedService('compute1'), { now: SILENT }, DEFAULT_POLICY);
const alive = hostLiveness(listedService('compute1'), { now: HEARTBEAT + sec(2) }, DEFAULT_POLICY);
const late = (rechecks: number) =>
  hostLiveness(listedService('compute1'), { now: HEARTBEAT + sec(15), rechecks }, DEFAULT_POLICY);
const trusting = PolicySchema.parse({ trustedFencers: [{ via: 'keystone', name: 'hostmonitor' }] });
const checked = (offers: FenceOffer[], now = SILENT): FenceCheck =>
  checkFenceEvidence(offers, { incident: 'masakari:h', host: 'compute1', now, heartbeatAt: iso(HEARTBEAT) }, trusting);
const claimNow = { by: 'ipmi', method: 'power-off' as const, at: iso(SILENT - sec(5)) };
/** Fence evidence stackmend believes: Nova's own forced_down flag. */
const fence = { liveness: down, fenceCheck: checked([{ source: 'nova-forced-down', service: forcedDownService() }]) };
const host = (
  servers: ServerFacts[],
  spare = [{ host: 'compute2', freeVcpus: 100, freeRamMb: 100000 }],
): HostFacts => ({
  host: 'compute1',
  servers,
  spareHosts: spare,
  service: { id: 'svc', state: 'down', status: 'enabled', forcedDown: false },
});
const facts = (f: Partial<Facts>): Facts => ({
  incident: serverIncident,
  openIncidents: 1,
  repeats: 1,
  inMaintenance: false,
  ...f,
});

describe('decide', () => {
  it.each<[string, Partial<Facts>, string, string]>([
    [
      'a server unknown to Nova and Heat is not managed, however often it is reported',
      { openIncidents: 10, repeats: 5 },
      'notify',
      'unknown-server',
    ],
    [
      'a server stackmend does not manage is reported, never held by the repeat threshold',
      { server: loner, repeats: 5 },
      'notify',
      'not-managed',
    ],
    ['a deleted member of a Heat stack is replaced', { server: cattle }, 'replace', 'cattle-in-heat-stack'],
    ['a server no stack owns is reported, not touched', { server: loner }, 'notify', 'not-managed'],
    [
      'a "deleted" alarm for a server Nova still runs is stale: nothing done',
      { server: { ...cattle, gone: false, status: 'ACTIVE' } },
      'ignore',
      'stale-alarm',
    ],
    [
      'an "error" alarm for a server that is ACTIVE again is stale',
      { incident: { ...serverIncident, kind: 'server-error' }, server: { ...cattle, gone: false, status: 'ACTIVE' } },
      'ignore',
      'stale-alarm',
    ],
    [
      'a member of a stack being deleted is left alone',
      { server: { ...cattle, heat: { rootStatus: 'DELETE_IN_PROGRESS' } } },
      'ignore',
      'stack-being-deleted',
    ],
    [
      'a member Heat already replaced is not replaced twice',
      { server: { ...cattle, heat: { rootStatus: 'UPDATE_COMPLETE', currentServerId: 'new-one' } } },
      'ignore',
      'already-replaced',
    ],
    [
      'a member still held by its resource is replaced',
      { server: { ...cattle, heat: { rootStatus: 'CREATE_COMPLETE', currentServerId: 's1' } } },
      'replace',
      'cattle-in-heat-stack',
    ],
    [
      'a server still in ERROR is replaced',
      { incident: { ...serverIncident, kind: 'server-error' }, server: { ...cattle, gone: false, status: 'ERROR' } },
      'replace',
      'cattle-in-heat-stack',
    ],
    ['an unknown server is reported as not managed', {}, 'notify', 'unknown-server'],
    [
      'a pet in ERROR on a healthy host is restarted (Masakari VM recovery), not evacuated',
      { incident: { ...serverIncident, kind: 'server-error' }, server: { ...pet, status: 'ERROR' } },
      'restart',
      'pet-vm-recovery',
    ],
    [
      'a server on a host already being handled is grouped',
      { server: cattle, coveringHostIncident: 'masakari:h', coveringHostStatus: 'acting' },
      'group',
      'grouped-under-host',
    ],
    [
      'a member on a host whose incident is only held is replaced on its own',
      { server: cattle, coveringHostIncident: 'masakari:h', coveringHostStatus: 'held' },
      'replace',
      'cattle-in-heat-stack',
    ],
    [
      'too many open incidents trip the circuit breaker',
      { server: cattle, openIncidents: 6 },
      'hold',
      'circuit-breaker',
    ],
    [
      'a subject failing again and again is held for a human',
      { server: cattle, repeats: 3 },
      'hold',
      'repeat-threshold',
    ],
    ['a subject in maintenance is ignored', { server: cattle, inMaintenance: true }, 'ignore', 'maintenance'],
    [
      'while automation is paused, a fenced host failure is held with its evacuation plan',
      { incident: hostIncident, host: host([pet, cattle, loner]), ...fence, paused: true },
      'hold',
      'automation-paused',
    ],
    [
      'while automation is paused, cattle is held, not replaced',
      { server: cattle, paused: true },
      'hold',
      'automation-paused',
    ],
    [
      'a subject in maintenance is ignored, paused or not',
      { server: cattle, inMaintenance: true, paused: true },
      'ignore',
      'maintenance',
    ],
    [
      'a fenced host with a pet and a cattle server is evacuated',
      { incident: hostIncident, host: host([pet, cattle, loner]), ...fence },
      'evacuate',
      'fenced-host-failure',
    ],
    [
      'an unfenced host failure is held: nothing is evacuated without fence evidence',
      { incident: hostIncident, host: host([pet]), liveness: down, fenceCheck: checked([]) },
      'hold',
      'no-fence-evidence',
    ],
    [
      'a fence claim from a sender the policy does not trust is held',
      {
        incident: hostIncident,
        host: host([pet]),
        liveness: down,
        fenceCheck: checked([{ source: 'monitor-claim', claim: claimNow, principal: { via: 'bearer', name: 'x' } }]),
      },
      'hold',
      'no-fence-evidence',
    ],
    [
      'a fresh fence claim from a trusted fencer about a silent host is evacuated',
      {
        incident: hostIncident,
        host: host([pet]),
        liveness: down,
        fenceCheck: checked([
          { source: 'monitor-claim', claim: claimNow, principal: { via: 'keystone', name: 'hostmonitor' } },
        ]),
      },
      'evacuate',
      'fenced-host-failure',
    ],
    [
      'a fenced host that Nova shows heartbeating is alive: nothing done',
      { incident: hostIncident, host: host([pet]), ...fence, liveness: alive },
      'notify',
      'host-alive',
    ],
    [
      'a host whose heartbeat is late is checked again',
      { incident: hostIncident, host: host([pet]), ...fence, liveness: late(0) },
      'recheck',
      'host-heartbeat-late',
    ],
    [
      'a host still late after the last recheck is held for a human',
      { incident: hostIncident, host: host([pet]), ...fence, liveness: late(3) },
      'hold',
      'host-heartbeat-late',
    ],
    [
      'a host failure stackmend did not check with Nova is held',
      { incident: hostIncident, host: host([pet]), fenceCheck: fence.fenceCheck },
      'hold',
      'host-not-verified',
    ],
    [
      'a process down on a fenced, silent host is reported, never evacuated',
      { incident: { ...hostIncident, kind: 'process-down' }, host: host([pet]), ...fence },
      'notify',
      'host-service-unwell',
    ],
    [
      'a process down on a host is not held by the repeat threshold',
      { incident: { ...hostIncident, kind: 'process-down' }, host: host([pet]), repeats: 3 },
      'notify',
      'host-service-unwell',
    ],
    [
      'no spare capacity holds the evacuation',
      { incident: hostIncident, host: host([pet], []), ...fence },
      'hold',
      'no-spare-capacity',
    ],
    [
      'a host with nothing stackmend manages is reported',
      { incident: hostIncident, host: host([loner]), ...fence },
      'notify',
      'host-without-managed-servers',
    ],
  ])('%s', (_name, f, verdict, rule) => {
    const { decision } = decide(facts(f), trusting);
    expect(decision).toMatchObject({ verdict, rule });
    expect(decision.reason.length).toBeGreaterThan(10);
  });

  it('plans the replacement in the nested stack and the update on the root', () => {
    expect(decide(facts({ server: cattle }), DEFAULT_POLICY).plan).toEqual({
      action: 'replace',
      targets: [{ serverId: 's1', root, stack: nested, resourceName: '1' }],
    });
  });

  it('splits a failed host into pets to evacuate, cattle to replace and the rest left alone', () => {
    const { plan } = decide(
      facts({ incident: hostIncident, host: host([pet, { ...cattle, gone: false }, loner]), ...fence }),
      DEFAULT_POLICY,
    );
    expect(plan).toMatchObject({
      action: 'evacuate',
      host: 'compute1',
      servers: [{ serverId: 'p1' }],
      replace: [{ serverId: 's1' }],
      untouched: ['l1'],
    });
  });

  it('treats servers whose name matches the policy pattern as pets', () => {
    const p = PolicySchema.parse({ evacuateNamePattern: '^db' });
    const { plan } = decide(facts({ incident: hostIncident, host: host([{ ...loner, name: 'db-2' }]), ...fence }), p);
    expect(plan).toMatchObject({ servers: [{ serverId: 'l1' }] });
  });

  it('asks a human when policy turns automatic evacuation off', () => {
    const p = PolicySchema.parse({ evacuatePets: false });
    expect(decide(facts({ incident: hostIncident, host: host([pet]), ...fence }), p).decision).toMatchObject({
      verdict: 'hold',
      rule: 'evacuation-needs-approval',
    });
  });

  it("evacuates on an operator's approval even when policy turns automatic evacuation off", () => {
    const p = PolicySchema.parse({ evacuatePets: false });
    const approval = {
      incident: 'masakari:h',
      host: 'compute1',
      approvedBy: { via: 'keystone', name: 'alice', roles: ['admin'] },
      approvedAt: iso(SILENT - sec(10)),
      expiresAt: iso(SILENT + sec(890)),
      fencedBy: 'alice',
      method: 'power-off' as const,
    };
    const fenceCheck = checked([{ source: 'operator-approval', approval }]);
    const { decision } = decide(facts({ incident: hostIncident, host: host([pet]), liveness: down, fenceCheck }), p);
    expect(decision).toMatchObject({
      verdict: 'evacuate',
      reason: expect.stringMatching(/vouched for by operator alice/),
    });
  });

  it('checks a late host again when it would count as down', () => {
    const { decision, plan } = decide(
      facts({ incident: hostIncident, host: host([pet]), ...fence, liveness: late(0) }),
      DEFAULT_POLICY,
    );
    expect(decision).toMatchObject({ verdict: 'recheck', recheckAfterSec: 5 });
    expect(plan).toMatchObject({ action: 'evacuate', servers: [{ serverId: 'p1' }] });
  });

  it('says why the fence evidence offered was not believed', () => {
    const fenceCheck = checked([{ source: 'monitor-claim', claim: claimNow }]);
    const { decision } = decide(
      facts({ incident: hostIncident, host: host([pet]), liveness: down, fenceCheck }),
      trusting,
    );
    expect(decision.reason).toMatch(/that stackmend believes \(monitor-claim: .*unauthenticated sender/);
  });

  it('answers an alarm about an unknown server without paging anyone', () => {
    expect(decide(facts({}), DEFAULT_POLICY)).toMatchObject({ quiet: true, decision: { rule: 'unknown-server' } });
    expect(decide(facts({ server: loner }), DEFAULT_POLICY)).not.toHaveProperty('quiet');
  });
});

describe('decide, from recorded alarms', () => {
  const first = (body: unknown) => parseAlarms(body).incidents[0];

  it('reports a Masakari PROCESS notification (nova-compute down) and never evacuates for it', () => {
    const incident = first(load('masakari', 'generated-process-nova-compute-stopped.json'));
    const { decision, plan } = decide(facts({ incident, host: host([pet]), ...fence }), trusting);
    expect(decision).toMatchObject({ verdict: 'notify', rule: 'host-service-unwell' });
    expect(plan).toEqual({ action: 'notify' });
  });

  it('reports an Alertmanager alert that only carries a host label', () => {
    const incident = first(load('alertmanager', 'HostDown-firing.json'));
    const { decision } = decide(facts({ incident, host: host([pet]), ...fence }), trusting);
    expect(decision).toMatchObject({ verdict: 'notify', rule: 'host-service-unwell' });
  });

  it('answers host-alive to a trusted fence claim about a host Nova shows heartbeating', () => {
    const n = load('masakari', 'run1-compute-host.json');
    n.notification.payload.fenced = { by: 'ipmi', method: 'power-off', at: iso(HEARTBEAT + sec(1)) };
    const incident = first(n);
    const now = HEARTBEAT + sec(3);
    const principal = { via: 'keystone', name: 'hostmonitor' };
    const f = facts({
      incident,
      host: host([pet]),
      liveness: hostLiveness(listedService('compute1'), { now, claimAt: incident.fence!.at }, trusting),
      fenceCheck: checked([{ source: 'monitor-claim', claim: incident.fence!, principal }], now),
    });
    expect(f.fenceCheck?.accepted).toBeDefined(); // the claim itself is believable ...
    // ... but the host is not down
    expect(decide(f, trusting).decision).toMatchObject({ verdict: 'notify', rule: 'host-alive' });
  });
});
