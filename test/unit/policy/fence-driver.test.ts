/**
 * Which driver fences a host: its own entry in `fencing.hosts`, else its host aggregates' entries in
 * `fencing.aggregates` (`{host}` standing for its name), and entries that disagree fence nothing — the
 * failure is held (core/domain/fencing.ts fenceChoiceOf, core/policy/decide-host.ts).
 */
import { fenceChoiceOf } from '../../../core/domain/fencing';
import { parseAlarms } from '../../../core/domain/intake';
import { decide } from '../../../core/policy/decide';
import type { Facts, HostFacts } from '../../../core/policy/facts';
import { checkFenceEvidence } from '../../../core/policy/fence';
import { parsePolicyText } from '../../../core/policy/file';
import { hostLiveness } from '../../../core/policy/host-liveness';
import { PolicySchema } from '../../../core/policy/policy';
import { recordedEvent } from '../../support/steps';
import { HEARTBEAT, listedService, sec } from './support';

const policy = PolicySchema.parse({
  fencing: {
    hosts: { compute1: { driver: 'redfish', url: 'https://bmc-1.example', system: '1', credential: 'bmc-1' } },
    aggregates: {
      'rack-a': { driver: 'ironic', node: '{host}' },
      'rack-a-spare': { driver: 'ironic', node: '{host}' },
      'rack-b': { driver: 'redfish', url: 'https://{host}-bmc.example', system: '1', credential: 'rack-b' },
      edge: { driver: 'nova-forced-down' },
    },
  },
});

describe('the fencing driver of a host', () => {
  it("is the host's own entry, whatever its aggregates say", () => {
    expect(fenceChoiceOf(policy, 'compute1', ['rack-a', 'rack-b'])).toEqual({
      kind: 'target',
      target: { driver: 'redfish', url: 'https://bmc-1.example', system: '1', credential: 'bmc-1' },
      from: 'fencing.hosts.compute1',
    });
  });

  it("is its aggregate's entry, with {host} standing for the host", () => {
    expect(fenceChoiceOf(policy, 'compute2', ['rack-b', 'az-nova'])).toEqual({
      kind: 'target',
      target: { driver: 'redfish', url: 'https://compute2-bmc.example', system: '1', credential: 'rack-b' },
      from: 'fencing.aggregates.rack-b',
    });
  });

  it('is the one driver two aggregates agree on for the host', () => {
    expect(fenceChoiceOf(policy, 'compute2', ['rack-a', 'rack-a-spare'])).toEqual({
      kind: 'target',
      target: { driver: 'ironic', node: 'compute2' },
      from: 'fencing.aggregates.rack-a, rack-a-spare',
    });
  });

  it('is none for a host in no listed aggregate', () => {
    expect(fenceChoiceOf(policy, 'compute3', ['az-nova'])).toEqual({ kind: 'none' });
    expect(fenceChoiceOf(policy, 'compute3', [])).toEqual({ kind: 'none' });
  });

  it('is a conflict naming both aggregates and their drivers when they differ', () => {
    const choice = fenceChoiceOf(policy, 'compute2', ['rack-b', 'edge']);

    expect(choice).toEqual({ kind: 'conflict', reason: expect.any(String) });
    expect(choice.kind === 'conflict' && choice.reason).toBe(
      "compute2 is in aggregates edge (an external fencing agent (Nova's forced_down)) and rack-b " +
        '(redfish system 1 at https://compute2-bmc.example), whose fencing entries differ: stackmend fences it ' +
        'through neither. Give compute2 an entry in fencing.hosts',
    );
  });

  it('is a conflict when the aggregate entry makes no valid driver of this host name', () => {
    const long = 'c'.repeat(251); // node-<long> is 256 characters: over a name's 255
    const choice = fenceChoiceOf(
      PolicySchema.parse({ fencing: { aggregates: { rack: { driver: 'ironic', node: 'node-{host}' } } } }),
      long,
      ['rack'],
    );

    expect(choice).toMatchObject({
      kind: 'conflict',
      reason: expect.stringMatching(/^fencing.aggregates.rack gives no valid driver/),
    });
  });
});

describe('a policy file with aggregate fencing entries', () => {
  it('is refused, at the line, when an entry would fence every host of the aggregate by one machine', () => {
    const text = [
      'fencing:',
      '  aggregates:',
      "    rack-a: { driver: ironic, node: 'node-7' }",
      "    rack-b: { driver: redfish, url: 'https://bmc.example', system: '1', credential: c }",
      "    rack-c: { driver: redfish, url: 'https://{host}.bmc.example', system: '1', credential: c }",
      '',
    ].join('\n');

    const r = parsePolicyText(text, 'policy.yaml');

    expect(r.ok).toBe(false);
    expect(!r.ok && r.issues.map((i) => [i.line, i.path, i.message])).toEqual([
      [
        3,
        'fencing.aggregates.rack-a.node',
        'must hold {host}: the entry fences each host of the aggregate by its own machine',
      ],
      [
        4,
        'fencing.aggregates.rack-b.url',
        'url or system must hold {host}: the entry fences each host of the aggregate by its own machine',
      ],
    ]);
  });

  it('is refused when {host} leaves no URL', () => {
    const r = PolicySchema.safeParse({
      fencing: { aggregates: { r: { driver: 'redfish', url: 'bmc-{host}', system: '1', credential: 'c' } } },
    });
    expect(r.error?.issues.map((i) => i.message)).toEqual(['an http(s) URL; {host} stands for the host']);
  });
});

describe('decide, for a down host fenced by aggregate', () => {
  const SILENT = HEARTBEAT + sec(60);
  const [incident] = parseAlarms(recordedEvent('masakari/run1-compute-host.json'), {
    receivedAt: new Date(SILENT),
  }).incidents;
  const host = (aggregates: string[]): HostFacts => ({
    host: 'compute1',
    servers: [{ id: 'p1', metadata: { HA_Enabled: 'True' }, gone: false, host: 'compute1', vcpus: 1 }],
    spareHosts: [{ host: 'compute2', freeVcpus: 8, freeRamMb: 8192 }],
    aggregates: aggregates.map((name) => ({ name, metadata: {} })),
  });
  const byAggregate = PolicySchema.parse({ fencing: { aggregates: policy.fencing.aggregates } });
  const facts = (h: HostFacts): Facts => ({
    incident,
    host: h,
    liveness: hostLiveness(listedService('compute1'), { now: SILENT }, byAggregate),
    fenceCheck: checkFenceEvidence([], { incident: incident.key, host: 'compute1', now: SILENT }, byAggregate),
    openIncidents: 1,
    repeats: 1,
    inMaintenance: false,
  });

  it("fences through the aggregate's driver, then evacuates: fence-then-evacuate", () => {
    const { decision } = decide(facts(host(['rack-a'])), byAggregate);

    expect(decision).toMatchObject({ verdict: 'evacuate', rule: 'fence-then-evacuate' });
    expect(decision.reason).toMatch(/powers it off through ironic node compute1/);
  });

  it('holds, saying why, when two of its aggregates name different drivers', () => {
    const { decision, plan } = decide(facts(host(['rack-a', 'edge'])), byAggregate);

    expect(decision).toMatchObject({ verdict: 'hold', rule: 'fence-driver-conflict' });
    expect(decision.reason).toMatch(/compute1 is in aggregates edge .* and rack-a \(ironic node compute1\)/);
    expect(decision.reason).toMatch(/Give compute1 an entry in fencing.hosts.*Fence the host and approve/);
    expect(plan).toMatchObject({ action: 'evacuate', host: 'compute1' });
  });
});
