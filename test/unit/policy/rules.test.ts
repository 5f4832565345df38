/**
 * The policy's rules (core/policy/rules.ts) as decide() applies them: the first rule whose match holds
 * bounds the decision, its name and why are recorded. Incidents come from recorded alarms
 * (test/events/aodh/event-webhook.json: a ResourceGroup member deleted; masakari/run1-compute-host.json:
 * compute1 down; masakari/generated-process-nova-compute-stopped.json: its nova-compute stopped).
 */
import type { Incident } from '../../../core/domain/incident';
import { parseAlarms } from '../../../core/domain/intake';
import { decide } from '../../../core/policy/decide';
import type { Facts, HostFacts, ServerFacts } from '../../../core/policy/facts';
import { checkFenceEvidence } from '../../../core/policy/fence';
import { hostLiveness } from '../../../core/policy/host-liveness';
import { PolicySchema, policyOfRule, reservedHostsOf } from '../../../core/policy/policy';
import { explainRules, firstMatch } from '../../../core/policy/rules';
import { load } from '../intake/support';
import { forcedDownService, HEARTBEAT, iso, listedService, sec } from './support';

const incidentOf = (file: string): Incident =>
  parseAlarms(load(...(file.split('/') as [string, string]))).incidents[0]!;
const deleted = incidentOf('aodh/event-webhook.json');
const hostDown = incidentOf('masakari/run1-compute-host.json');
const processDown = incidentOf('masakari/generated-process-nova-compute-stopped.json');
const serverId = deleted.subject.type === 'server' ? deleted.subject.serverId : '';

const root = { name: 'web', id: 'root-id' };
const member: ServerFacts = {
  id: serverId,
  metadata: {},
  gone: true,
  host: 'compute2',
  owner: { root, stack: { name: 'web-group-x', id: 'nested-id' }, resourceName: '0' },
};
const pet = (id: string, metadata: Record<string, string> = {}): ServerFacts => ({
  id,
  name: id,
  metadata: { HA_Enabled: 'True', ...metadata },
  gone: false,
  host: 'compute1',
  vcpus: 1,
  ramMb: 64,
});
const SILENT = HEARTBEAT + sec(60);
const policy = (rules: unknown[], flat: Record<string, unknown> = {}) => PolicySchema.parse({ ...flat, rules });

const base = { openIncidents: 1, repeats: 1, inMaintenance: false };
const serverFacts = (server: ServerFacts = member): Facts => ({ ...base, incident: deleted, server });
/** compute1 down and forced down by a fencing agent (Nova's record, test/fixtures/openstack/), with `servers`. */
function hostFacts(servers: ServerFacts[], incident = hostDown): Facts {
  const host: HostFacts = {
    host: 'compute1',
    servers,
    spareHosts: [{ host: 'compute2', freeVcpus: 100, freeRamMb: 100_000 }],
    service: { id: 'svc', state: 'down', status: 'enabled', forcedDown: true },
  };
  const fenceCheck = checkFenceEvidence(
    [{ source: 'nova-forced-down', service: forcedDownService() }],
    { incident: incident.key, host: 'compute1', now: SILENT, heartbeatAt: iso(HEARTBEAT) },
    PolicySchema.parse({}),
  );
  const liveness = hostLiveness(listedService('compute1'), { now: SILENT }, PolicySchema.parse({}));
  return { ...base, incident, host, liveness, fenceCheck };
}

/** A pet booted from an image marked evacuable, on a pinned-CPU flavor (as functions/_shared/facts.ts reads them). */
const imaged: ServerFacts = {
  ...pet('img'),
  image: { id: 'i1', name: 'fake-img', properties: { evacuable: 'true' }, tags: [] },
  flavor: { name: 'm1.tiny', extraSpecs: { 'hw:cpu_policy': 'dedicated' } },
};
/** compute1 in zone nova and in aggregate ha-hosts (metadata evacuable=true). */
const zoned: Facts = (() => {
  const f = hostFacts([pet('a')]);
  const aggregates: HostFacts['aggregates'] = [
    { name: 'rack-2', metadata: {} },
    { name: 'ha-hosts', metadata: { evacuable: 'true', availability_zone: 'nova' } },
  ];
  return { ...f, host: { ...f.host!, availabilityZone: 'nova', aggregates } };
})();

describe('policy rules: which rule matches', () => {
  it.each<[string, unknown, Facts, boolean]>([
    ['no criteria: every incident', {}, serverFacts(), true],
    ['the incident kind', { kind: 'server-deleted' }, serverFacts(), true],
    ['one of several kinds', { kind: ['host-down', 'server-error'] }, serverFacts(), false],
    ['the root stack by name', { stack: 'web' }, serverFacts(), true],
    ['the nested stack by id', { stack: 'nested-id' }, serverFacts(), true],
    ['another stack', { stack: 'batch' }, serverFacts(), false],
    ['server metadata, every key', { metadata: { HA_Enabled: 'True', role: 'db' } }, hostFacts([pet('a')]), false],
    [
      'server metadata of one server on the host',
      { metadata: { role: 'db' } },
      hostFacts([pet('a'), pet('b', { role: 'db' })]),
      true,
    ],
    ['the host by a * pattern', { host: 'compute*' }, hostFacts([pet('a')]), true],
    ['the host of the server the alarm names', { host: ['compute2'] }, serverFacts(), true],
    ['another host', { host: 'edge-*' }, hostFacts([pet('a')]), false],
    ['all criteria given', { kind: 'host-down', host: 'compute1', stack: 'web' }, hostFacts([pet('a')]), false],
    ['an image property of a server on the host', { image: { evacuable: 'true' } }, hostFacts([imaged]), true],
    ['a flavor extra spec', { flavor: { 'hw:cpu_policy': 'dedicated' } }, hostFacts([imaged]), true],
    ['a flavor extra spec with another value', { flavor: { 'hw:cpu_policy': 'shared' } }, hostFacts([imaged]), false],
    ['the availability zone of the host', { availabilityZone: ['edge', 'nova'] }, zoned, true],
    ['an aggregate of the host by name', { aggregate: 'ha-hosts' }, zoned, true],
    ['aggregate metadata', { aggregateMetadata: { evacuable: 'true' } }, zoned, true],
    ['aggregate metadata no aggregate has', { aggregateMetadata: { evacuable: 'false' } }, zoned, false],
    // facts stackmend did not read (a server incident has no image or zone read): never a match
    ['an image property stackmend has not read', { image: { evacuable: 'true' } }, serverFacts(), false],
    ['an availability zone stackmend has not read', { availabilityZone: 'nova' }, hostFacts([pet('a')]), false],
  ])('%s', (_what, match, facts, expected) => {
    const p = policy([{ name: 'r', match }]);
    expect(!!firstMatch(p.rules, facts)).toBe(expected);
  });

  it('takes the first rule that matches, and says why each rule did or did not', () => {
    const p = policy([
      { name: 'batch', match: { stack: 'batch' }, action: 'ignore' },
      { name: 'web-members', match: { stack: 'web', kind: 'server-deleted' }, action: 'hold' },
      { name: 'everything', action: 'notify' },
    ]);
    expect(firstMatch(p.rules, serverFacts())?.rule.name).toBe('web-members');
    expect(explainRules(p.rules, serverFacts())).toEqual([
      { rule: 'batch', action: 'ignore', ok: false, why: 'stack web is not batch' },
      { rule: 'web-members', action: 'hold', ok: true, why: 'kind server-deleted, stack web' },
      { rule: 'everything', action: 'notify', ok: true, why: 'matches every incident' },
    ]);
  });
});

describe('policy rules: what the matched rule lets decide() do', () => {
  it('auto: decides as without rules, and records the rule and why', () => {
    const d = decide(serverFacts(), policy([{ name: 'web', match: { stack: 'web' } }])).decision;
    expect(d).toMatchObject({ verdict: 'replace', rule: 'cattle-in-heat-stack' });
    expect(d.matched).toEqual({ rule: 'web', why: 'stack web' });
  });

  it('no rule matching: decides with the flat settings and records no rule', () => {
    const d = decide(serverFacts(), policy([{ name: 'batch', match: { stack: 'batch' }, action: 'ignore' }])).decision;
    expect(d).toMatchObject({ verdict: 'replace', rule: 'cattle-in-heat-stack' });
    expect(d.matched).toBeUndefined();
  });

  it('hold: a fenced host is not evacuated, the plan waits for a human', () => {
    const f = hostFacts([pet('a'), pet('b', { role: 'db' })]);
    const r = decide(f, policy([{ name: 'db-ask', match: { metadata: { role: 'db' } }, action: 'hold' }]));
    expect(r.decision).toMatchObject({ verdict: 'hold', rule: 'policy:db-ask', matched: { rule: 'db-ask' } });
    expect(r.decision.reason).toContain('would evacuate (rule fenced-host-failure');
    expect(r.plan).toMatchObject({
      action: 'evacuate',
      host: 'compute1',
      servers: [{ serverId: 'a' }, { serverId: 'b' }],
    });
  });

  it.each<[string, string, string, string]>([
    ['notify: a member is not replaced, the operator is told', 'notify', 'notify', 'policy:r'],
    ['ignore: nothing done, nobody told', 'ignore', 'ignore', 'policy:r'],
    ['evacuate only: a member is not replaced', 'evacuate', 'notify', 'policy:r'],
    ['replace only: a member is replaced', 'replace', 'replace', 'cattle-in-heat-stack'],
  ])('%s', (_what, action, verdict, rule) => {
    const r = decide(serverFacts(), policy([{ name: 'r', action }]));
    expect(r.decision).toMatchObject({ verdict, rule, matched: { rule: 'r' } });
    if (verdict !== 'replace') expect(r.plan).toEqual({ action: 'notify' });
  });

  it('replace only: a failed host is not evacuated, the operator is told', () => {
    const r = decide(hostFacts([pet('a')]), policy([{ name: 'r', match: { kind: 'host-down' }, action: 'replace' }]));
    expect(r.decision).toMatchObject({ verdict: 'notify', rule: 'policy:r' });
    expect(r.decision.reason).toContain('allows only replace: would evacuate');
  });

  it('a decision that changes nothing is kept whatever the action (a process failure is told)', () => {
    const f = hostFacts([pet('a')], processDown);
    const r = decide(f, policy([{ name: 'r', action: 'hold' }]));
    expect(r.decision).toMatchObject({ verdict: 'notify', rule: 'host-service-unwell', matched: { rule: 'r' } });
  });

  it("a rule's settings override the flat ones for what it matches", () => {
    const f = { ...serverFacts(), repeats: 4 };
    const stricter = policy([{ name: 'web', match: { stack: 'web' }, settings: { repeatThreshold: 5 } }]);
    expect(decide(f, PolicySchema.parse({})).decision.rule).toBe('repeat-threshold');
    expect(decide(f, stricter).decision).toMatchObject({ verdict: 'replace', matched: { rule: 'web' } });
    const ask = policy([{ name: 'ask', match: { kind: 'host-down' }, settings: { evacuatePets: false } }]);
    expect(decide(hostFacts([pet('a')]), ask).decision).toMatchObject({ rule: 'evacuation-needs-approval' });
  });

  it("a rule's evacuation fields override the flat section's field by field, the rest kept", () => {
    const plain: ServerFacts = { ...pet('plain'), metadata: {} };
    const everything = policy(
      [{ name: 'all-on-compute1', match: { host: 'compute1' }, settings: { evacuation: { select: 'all' } } }],
      { evacuation: { priorityKey: 'rank' } },
    );
    expect(decide(hostFacts([pet('a'), plain]), PolicySchema.parse({})).plan).toMatchObject({
      servers: [{ serverId: 'a' }],
      untouched: ['plain'],
    });
    expect(decide(hostFacts([pet('a'), plain]), everything).plan).toMatchObject({
      servers: [{ serverId: 'a' }, { serverId: 'plain' }],
      untouched: [],
    });
    const p = policyOfRule(everything, 'all-on-compute1');
    expect(p.evacuation).toMatchObject({ select: 'all', priorityKey: 'rank', recoveryMethod: 'auto' });
    expect(policyOfRule(everything, undefined).evacuation.select).toBe('ha-metadata');
    const reserve = { evacuation: { recoveryMethod: 'reserved_host', reservedHosts: ['spare-2', 'spare-1'] } };
    const reserving = policy([{ name: 'r', settings: reserve }], { evacuation: { reservedHosts: ['spare-1'] } });
    expect(reservedHostsOf(reserving)).toEqual(['spare-1', 'spare-2']); // facts read every reserved host
  });

  it('paused automation still holds, and keeps the rule that matched', () => {
    const r = decide({ ...serverFacts(), paused: true }, policy([{ name: 'web', match: { stack: 'web' } }]));
    expect(r.decision).toMatchObject({ verdict: 'hold', rule: 'automation-paused', matched: { rule: 'web' } });
  });
});
