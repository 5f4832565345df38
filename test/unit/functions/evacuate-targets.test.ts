/**
 * evacuate's targets, locks and bounds on the in-memory cloud (policy `evacuation`, core/policy/evacuation.ts):
 * compute1 failed and is forced down in Nova (an external fencing agent), its pets planned for evacuation as
 * classify-alarm plans them; compute3 is a reserved host, disabled like the lab's.
 */
import { step as evacuate } from '../../../functions/evacuate';
import { due, forcedDownEvacuation, invoke, reconcile, record, world } from '../../support/steps';
import { failedHost as failedHostWith, later, targetsOfEvacuations } from './support/reserve';

const PETS = ['pet-1', 'pet-2', 'pet-3'];
const failedHost = (evacuationPolicy: Record<string, unknown>, o: { compute3?: 'up' | 'down' } = {}) =>
  failedHostWith(evacuationPolicy, PETS, o);

describe('evacuate to a reserved host', () => {
  it('enables the reserved host, evacuates every pet to it by name, and confirms them ACTIVE there', async () => {
    const { w, incident } = await failedHost({ recoveryMethod: 'reserved_host', reservedHosts: ['compute3'] });
    await reconcile(w, evacuate);
    const writes = w.cloud.writes().map((c) => c.method);
    expect(writes.indexOf('nova.enableService')).toBeLessThan(writes.indexOf('nova.evacuate'));
    expect(w.cloud.nova.service('compute3')).toMatchObject({ status: 'enabled' });
    expect(targetsOfEvacuations(w)).toEqual(['compute3', 'compute3', 'compute3']);
    const done = await later(w);
    expect(done.body.results).toEqual([expect.objectContaining({ outcome: 'RESOLVED', incident })]);
    expect(
      w.cloud.nova
        .serversOn('compute3')
        .map((s) => s.id)
        .sort(),
    ).toEqual(PETS);
    expect((await record(w, incident)).timeline.map((e) => e.reason)).toEqual(
      expect.arrayContaining([expect.stringMatching(/reserved host compute3 enabled/)]),
    );
  });

  it('rh_priority falls back to the scheduler when the reserved host is down', async () => {
    const { w } = await failedHost(
      { recoveryMethod: 'rh_priority', reservedHosts: ['compute3'] },
      { compute3: 'down' },
    );
    await reconcile(w, evacuate);
    expect(w.cloud.callsTo('nova.enableService')).toEqual([]);
    expect(targetsOfEvacuations(w)).toEqual([undefined, undefined, undefined]);
  });

  it('auto_priority uses the reserved host when no enabled host can take the servers', async () => {
    const { w } = await failedHost({ recoveryMethod: 'auto_priority', reservedHosts: ['compute3'] });
    w.cloud.nova.setService('compute2', { status: 'disabled' });
    await reconcile(w, evacuate);
    expect(targetsOfEvacuations(w)).toEqual(['compute3', 'compute3', 'compute3']);
  });

  it('holds, writing nothing more, when reserved_host has no usable reserved host', async () => {
    const { w, incident } = await failedHost(
      { recoveryMethod: 'reserved_host', reservedHosts: ['compute3'] },
      { compute3: 'down' },
    );
    const res = await reconcile(w, evacuate);
    expect(res.body.results).toEqual([expect.objectContaining({ outcome: 'HELD_FOR_APPROVAL', incident })]);
    expect(res.body.results[0].reason).toMatch(/compute3 is down/);
    expect(w.cloud.callsTo('nova.evacuate')).toEqual([]);
  });
});

describe('evacuate: locks, stopped servers and bounds', () => {
  it('leaves a server an operator locked locked, and a SHUTOFF pet SHUTOFF where it lands', async () => {
    const { w, incident } = await failedHost({});
    Object.assign(w.cloud.nova.server('pet-1')!, { locked: true, locked_reason: 'operator: forensics' });
    Object.assign(w.cloud.nova.server('pet-2')!, { status: 'SHUTOFF', 'OS-EXT-STS:vm_state': 'stopped' });
    await w.incidents.patch(incident, (r) => ({
      plan:
        r.plan?.action === 'evacuate'
          ? {
              ...r.plan,
              servers: r.plan.servers.map((s) => (s.serverId === 'pet-2' ? { ...s, status: 'SHUTOFF' } : s)),
            }
          : r.plan,
    }));
    await reconcile(w, evacuate);
    expect(w.cloud.callsTo('nova.lock').map((c) => c.args[0])).toEqual(['pet-2', 'pet-3']);
    const done = await later(w);
    expect(done.body.results).toEqual([expect.objectContaining({ outcome: 'RESOLVED', incident })]);
    expect(w.cloud.nova.server('pet-2')).toMatchObject({
      status: 'SHUTOFF',
      'OS-EXT-SRV-ATTR:host': 'compute2',
      locked: false,
    });
    expect(w.cloud.nova.server('pet-1')).toMatchObject({
      status: 'ACTIVE',
      locked: true,
      locked_reason: 'operator: forensics',
    });
    expect(
      w.cloud
        .callsTo('nova.unlock')
        .map((c) => c.args[0])
        .sort(),
    ).toEqual(['pet-2', 'pet-3']);
  });

  it('keeps no more evacuations in flight than parallelPerHost, in the order of the plan', async () => {
    const { w, incident } = await failedHost({ parallelPerHost: 2 });
    const first = await reconcile(w, evacuate);
    expect(first.body.results).toEqual([expect.objectContaining({ outcome: 'RESCHEDULED', incident })]);
    expect(w.cloud.callsTo('nova.evacuate').map((c) => c.args[0])).toEqual(['pet-1', 'pet-2']);
    expect(await due(w, 'evacuate')).toEqual([incident]);
    await later(w); // pet-1 and pet-2 landed: room for pet-3
    expect(w.cloud.callsTo('nova.evacuate').map((c) => c.args[0])).toEqual(['pet-1', 'pet-2', 'pet-3']);
    const done = await later(w);
    expect(done.body.results).toEqual([expect.objectContaining({ outcome: 'RESOLVED', incident })]);
  });

  it('keeps the cloud-wide bound parallelPerCloud (here the only incident)', async () => {
    const { w, incident } = await failedHost({ parallelPerCloud: 1 });
    await invoke(w, evacuate, { incident });
    expect(w.cloud.callsTo('nova.evacuate')).toHaveLength(1);
  });
});

describe("evacuate by the rule the incident's decision matched", () => {
  const RULE = 'compute1-to-the-reserve';
  async function failedHostUnderRule(matched?: string) {
    const rule = {
      name: RULE,
      match: { host: 'compute1' },
      action: 'auto',
      settings: { evacuation: { recoveryMethod: 'reserved_host', reservedHosts: ['compute3'] } },
    };
    const w = world({ config: { policy: { rules: [rule], blastRadius: { cloud: '100%' } } } });
    w.cloud.nova.addService({ host: 'compute3', status: 'disabled', state: 'up' });
    const incident = await forcedDownEvacuation(w, PETS);
    if (matched)
      await w.incidents.patch(incident, (r) => ({
        decision: { ...r.decision!, matched: { rule: matched, why: 'host compute1' } },
      }));
    return w;
  }

  it("uses the matched rule's recovery method and reserved host over the flat policy's scheduler choice", async () => {
    const w = await failedHostUnderRule(RULE);
    await reconcile(w, evacuate);
    expect(w.cloud.nova.service('compute3')).toMatchObject({ status: 'enabled' });
    expect(targetsOfEvacuations(w)).toEqual(['compute3', 'compute3', 'compute3']);
  });

  it('keeps the flat policy when the decision matched no rule, or a rule the policy no longer has', async () => {
    for (const matched of [undefined, 'a-rule-since-removed']) {
      const w = await failedHostUnderRule(matched);
      await reconcile(w, evacuate);
      expect(w.cloud.callsTo('nova.enableService')).toEqual([]);
      expect(targetsOfEvacuations(w)).toEqual([undefined, undefined, undefined]);
    }
  });
});
