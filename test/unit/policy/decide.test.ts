import type { Incident } from '../../../core/domain/incident';
import { decide } from '../../../core/policy/decide';
import type { Facts, HostFacts, ServerFacts } from '../../../core/policy/facts';
import { DEFAULT_POLICY, PolicySchema } from '../../../core/policy/policy';

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
const fence = { by: 'operator', method: 'power-off' as const, at: '2026-11-23T01:40:00Z' };
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
      'a pet in ERROR on a healthy host is reported, not evacuated',
      { incident: { ...serverIncident, kind: 'server-error' }, server: { ...pet, status: 'ERROR' } },
      'notify',
      'pet-on-healthy-host',
    ],
    [
      'a server on a host already being handled is grouped',
      { server: cattle, coveringHostIncident: 'masakari:h' },
      'group',
      'grouped-under-host',
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
      'a fenced host with a pet and a cattle server is evacuated',
      { incident: hostIncident, host: host([pet, cattle, loner]), fence },
      'evacuate',
      'fenced-host-failure',
    ],
    [
      'an unfenced host failure is held: nothing is evacuated without fence evidence',
      { incident: hostIncident, host: host([pet]) },
      'hold',
      'no-fence-evidence',
    ],
    [
      'no spare capacity holds the evacuation',
      { incident: hostIncident, host: host([pet], []), fence },
      'hold',
      'no-spare-capacity',
    ],
    [
      'a host with nothing stackmend manages is reported',
      { incident: hostIncident, host: host([loner]), fence },
      'notify',
      'host-without-managed-servers',
    ],
  ])('%s', (_name, f, verdict, rule) => {
    const { decision } = decide(facts(f), DEFAULT_POLICY);
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
      facts({ incident: hostIncident, host: host([pet, { ...cattle, gone: false }, loner]), fence }),
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
    const { plan } = decide(facts({ incident: hostIncident, host: host([{ ...loner, name: 'db-2' }]), fence }), p);
    expect(plan).toMatchObject({ servers: [{ serverId: 'l1' }] });
  });

  it('asks a human when policy turns automatic evacuation off', () => {
    const p = PolicySchema.parse({ evacuatePets: false });
    expect(decide(facts({ incident: hostIncident, host: host([pet]), fence }), p).decision).toMatchObject({
      verdict: 'hold',
      rule: 'evacuation-needs-approval',
    });
  });
});
