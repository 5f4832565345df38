/**
 * evacuate fences the failed host itself when the policy names a driver for it (functions/evacuate/fence.ts):
 * Ironic on the in-memory cloud (recorded lab answers), Redfish against DMTF's published mockup served over
 * HTTP, and "already fenced" (an external agent's forced_down in Nova). Nothing is written to Nova before
 * the power reads back off; a fence that fails or never reads off pages the operator and evacuates nothing.
 */
import { apiErrorFor } from '../../../core/openstack/errors';
import { PolicySchema } from '../../../core/policy/policy';
import { fenceCycleKey } from '../../../functions/_shared/blast';
import { step as evacuate } from '../../../functions/evacuate';
import { recordedBody } from '../../support/fakes/records';
import { startRedfishBmc } from '../../support/fakes/redfish-bmc';
import { due, evacuation, invoke, novaTime, reconcile, record, world, type World } from '../../support/steps';

const PETS = ['pet-1', 'pet-2', 'pet-3'];
const RECHECK_MS = 2000; // the default policy's recheckAfterSec
const ironicPolicy = { fencing: { hosts: { compute1: { driver: 'ironic', node: 'compute1' } } } };

/** compute1 silent for a minute, nobody has fenced it; classify-alarm decided fence-then-evacuate. */
async function silentHost(policy: Record<string, unknown>, config: Record<string, unknown> = {}) {
  const w = world({ config: { policy, ...config } });
  w.cloud.nova.setService('compute1', { state: 'up', forced_down: false, updated_at: novaTime(w, 60) });
  const incident = await evacuation(w, PETS, {
    decision: { verdict: 'evacuate', rule: 'fence-then-evacuate', reason: 'compute1 is down and not yet fenced' },
  });
  return { w, incident };
}

/** What evacuate writes to Nova once the host is fenced: fence_compute's force-down and disable, then the pets. */
const FENCED_THEN = [
  'nova.forceDown',
  'nova.disableService',
  ...PETS.map(() => 'nova.lock'),
  ...PETS.map(() => 'nova.evacuate'),
];
const novaWrites = (w: World) => w.cloud.writes().filter((c) => c.method.startsWith('nova.'));
const later = async (w: World) => {
  w.cloud.tick();
  w.advance(RECHECK_MS);
  return reconcile(w, evacuate);
};

describe('evacuate fences through Ironic first', () => {
  it('powers compute1 off, reads it back off, then forces down, disables and evacuates', async () => {
    const { w, incident } = await silentHost(ironicPolicy);
    const first = await reconcile(w, evacuate);
    expect(first.body.results).toEqual([expect.objectContaining({ outcome: 'RESCHEDULED', incident })]);
    expect(w.cloud.writes().map((c) => [c.method, ...c.args])).toEqual([['ironic.setPower', 'compute1', 'power off']]);
    expect(first.body.reason).toMatch(/ironic node compute1 reads power on: reading it again/);

    const second = await later(w);
    expect(second.body.results).toEqual([expect.objectContaining({ outcome: 'RESCHEDULED', incident })]);
    expect(w.cloud.ironic.power('compute1')).toBe('power off');
    expect(w.cloud.writes().map((c) => c.method)).toEqual(['ironic.setPower', ...FENCED_THEN]);
    const r = await record(w, incident);
    expect(r.fence).toMatchObject({
      source: 'stackmend-fence',
      method: 'power-off',
      by: 'stackmend via ironic node compute1',
      vouchedBy: 'stackmend',
    });
    expect(r.fencing).toMatchObject({ host: 'compute1', readings: 2, lastState: 'power off' });
    expect(r.timeline.map((e) => e.outcome)).toEqual([
      'DISPATCHED', // classify-alarm
      'DISPATCHED', // power-off asked
      'RESCHEDULED', // read back: still on
      'DONE', // read back: off
      'DONE', // host check, forced down, disabled
      'DISPATCHED', // evacuations requested
      'RESCHEDULED', // waiting for them to be ACTIVE elsewhere
    ]);
    expect(r.timeline[1].requestIds).toEqual([w.cloud.callsTo('ironic.setPower')[0].requestId]);

    expect((await later(w)).body.results).toEqual([expect.objectContaining({ outcome: 'RESOLVED' })]);
    expect(w.cloud.callsTo('ironic.setPower')).toHaveLength(1); // fenced once
  });

  it('evacuates nothing when the power never reads back off within the timeout, and pages the operator', async () => {
    const { w, incident } = await silentHost(ironicPolicy);
    w.cloud.ironic.addNode('compute1', { stuck: true });
    let res = await reconcile(w, evacuate);
    for (let i = 0; i < 20 && res.body.results[0].outcome === 'RESCHEDULED'; i++) res = await later(w);
    expect(res.body.results).toEqual([expect.objectContaining({ outcome: 'HELD_FOR_APPROVAL', incident })]);
    expect(res.body.reason).toMatch(
      /fence of compute1 failed: ironic node compute1 still reads power on 3\d s after .*limit 30 s.*Nothing was evacuated/,
    );
    expect(novaWrites(w)).toEqual([]);
    expect((await record(w, incident)).status).toBe('held');
    expect(await due(w, 'notify')).toEqual([incident]);
    expect(await due(w, 'evacuate')).toEqual([]);
  });

  it('evacuates nothing when Ironic refuses the power-off, and pages the operator', async () => {
    const { w, incident } = await silentHost(ironicPolicy);
    const url = 'http://127.0.0.1:6385/v1/nodes/compute1/states/power';
    const refused = recordedBody('ironic-power-refused');
    w.cloud.failNext(
      'ironic.setPower',
      1,
      apiErrorFor({ service: 'ironic', status: 400, method: 'PUT', url, body: refused }),
    );
    const res = await reconcile(w, evacuate);
    expect(res.body.results).toEqual([expect.objectContaining({ outcome: 'HELD_FOR_APPROVAL', incident })]);
    expect(res.body.reason).toMatch(
      /ironic node compute1 refused the power-off: ironic answered 400 .*can not be performed/,
    );
    expect(novaWrites(w)).toEqual([]);
    expect(await due(w, 'notify')).toEqual([incident]);
  });

  it('never powers off a host Nova shows heartbeating', async () => {
    const { w, incident } = await silentHost(ironicPolicy);
    w.cloud.nova.setService('compute1', { updated_at: novaTime(w, 2) });
    const res = await reconcile(w, evacuate);
    expect(res.body.results).toEqual([expect.objectContaining({ outcome: 'HOST_ALIVE', incident })]);
    expect(w.cloud.writes()).toEqual([]);
    expect(w.cloud.ironic.power('compute1')).toBe('power on');
  });

  it('does not power off a host an external agent already forced down in Nova', async () => {
    const { w } = await silentHost(ironicPolicy);
    w.cloud.nova.setService('compute1', { forced_down: true, state: 'down' });
    await reconcile(w, evacuate);
    expect(w.cloud.callsTo('ironic.setPower')).toEqual([]);
    expect(w.cloud.callsTo('nova.evacuate')).toHaveLength(3);
  });

  it('answers a dry run without asking Ironic or Nova for anything', async () => {
    const { w, incident } = await silentHost(ironicPolicy);
    const res = await invoke(w, evacuate, { incident, dry_run: true });
    expect(res.body.results).toEqual([
      expect.objectContaining({ outcome: 'DRY_RUN', reason: 'would power compute1 off through ironic node compute1' }),
    ]);
    expect(w.cloud.writes()).toEqual([]);
  });
});

describe('evacuate fences through a Redfish BMC (DMTF mockup)', () => {
  it('resets the system with ForceOff at the target it advertises, then evacuates once PowerState reads Off', async () => {
    const bmc = await startRedfishBmc();
    try {
      const policy = {
        fencing: {
          hosts: { compute1: { driver: 'redfish', url: bmc.url, system: bmc.systemId, credential: 'bmc-1' } },
        },
      };
      const creds = { fencing_credentials: [{ name: 'bmc-1', username: 'admin', password: 'redfish-lab-pw' }] };
      const { w, incident } = await silentHost(policy, creds);
      const first = await reconcile(w, evacuate);
      expect(first.body.results).toEqual([expect.objectContaining({ outcome: 'RESCHEDULED', incident })]);
      expect(first.body.reason).toMatch(/redfish system 437XR1138R2 at .* reads On: reading it again/);
      const system = '/redfish/v1/Systems/437XR1138R2';
      expect(bmc.requests.map((q) => `${q.method} ${q.url}`)).toEqual([
        `GET ${system}`,
        `POST ${system}/Actions/ComputerSystem.Reset`,
        `GET ${system}`,
      ]);
      expect(bmc.requests[1].body).toEqual({ ResetType: 'ForceOff' });
      expect(bmc.requests[1].headers.authorization).toBe(
        `Basic ${Buffer.from('admin:redfish-lab-pw').toString('base64')}`,
      );
      expect(novaWrites(w)).toEqual([]);

      bmc.tick();
      await later(w);
      expect(bmc.powerState()).toBe('Off');
      expect(novaWrites(w).map((c) => c.method)).toEqual(FENCED_THEN);
      expect((await record(w, incident)).fence).toMatchObject({ source: 'stackmend-fence', method: 'power-off' });
    } finally {
      await bmc.close();
    }
  });

  it('evacuates nothing when the BMC accepts ForceOff but PowerState never reads Off', async () => {
    const bmc = await startRedfishBmc({ stuck: true });
    try {
      const policy = {
        fencing: {
          timeoutSec: 6,
          hosts: { compute1: { driver: 'redfish', url: bmc.url, system: bmc.systemId, credential: 'bmc-1' } },
        },
      };
      const creds = { fencing_credentials: [{ name: 'bmc-1', username: 'admin', password: 'redfish-lab-pw' }] };
      const { w, incident } = await silentHost(policy, creds);
      let res = await reconcile(w, evacuate);
      for (let i = 0; i < 10 && res.body.results[0].outcome === 'RESCHEDULED'; i++) res = await later(w);
      expect(res.body.results).toEqual([expect.objectContaining({ outcome: 'HELD_FOR_APPROVAL', incident })]);
      expect(res.body.reason).toMatch(/still reads On .*Nothing was evacuated/);
      expect(novaWrites(w)).toEqual([]);
    } finally {
      await bmc.close();
    }
  });
});

describe('evacuate waits for an external fencing agent (driver nova-forced-down)', () => {
  const policy = { fencing: { timeoutSec: 10, hosts: { compute1: { driver: 'nova-forced-down' } } } };

  it('evacuates once the agent has forced the service down in Nova', async () => {
    const { w, incident } = await silentHost(policy);
    expect((await reconcile(w, evacuate)).body.results).toEqual([
      expect.objectContaining({ outcome: 'RESCHEDULED', incident }),
    ]);
    expect(novaWrites(w)).toEqual([]);
    w.cloud.nova.setService('compute1', { forced_down: true, state: 'down' }); // fence_compute ran
    await later(w);
    expect(novaWrites(w).map((c) => c.method)).toEqual([
      'nova.disableService',
      ...PETS.map(() => 'nova.lock'),
      ...PETS.map(() => 'nova.evacuate'),
    ]);
    expect((await record(w, incident)).fence).toMatchObject({ source: 'nova-forced-down' });
  });

  it('pages the operator when no agent forces it down within the timeout', async () => {
    const { w, incident } = await silentHost(policy);
    let res = await reconcile(w, evacuate);
    for (let i = 0; i < 10 && res.body.results[0].outcome === 'RESCHEDULED'; i++) res = await later(w);
    expect(res.body.results).toEqual([expect.objectContaining({ outcome: 'HELD_FOR_APPROVAL', incident })]);
    expect(res.body.reason).toMatch(/external fencing agent .*still reads not forced down/);
    expect(novaWrites(w)).toEqual([]);
  });
});

describe("evacuate fences through the driver of the host's aggregate", () => {
  const policy = {
    fencing: {
      aggregates: { 'rack-a': { driver: 'ironic', node: '{host}' }, edge: { driver: 'nova-forced-down' } },
    },
  };

  it("powers compute1 off through rack-a's Ironic entry, then evacuates", async () => {
    const { w, incident } = await silentHost(policy);
    w.cloud.nova.addAggregate({ name: 'rack-a', hosts: ['compute1', 'compute2'] });

    await reconcile(w, evacuate);
    // counted as a fence of this cycle by the blast radius's gate (functions/_shared/blast.ts)
    expect(await w.store.get(fenceCycleKey(PolicySchema.parse(policy), w.now()))).toEqual(['compute1']);
    await later(w);

    expect(w.cloud.callsTo('ironic.setPower').map((c) => c.args)).toEqual([['compute1', 'power off']]);
    expect(w.cloud.writes().map((c) => c.method)).toEqual(['ironic.setPower', ...FENCED_THEN]);
    expect((await record(w, incident)).fence).toMatchObject({ by: 'stackmend via ironic node compute1' });
  });

  it('powers nothing off and evacuates nothing when two of its aggregates name different drivers', async () => {
    const { w, incident } = await silentHost(policy);
    w.cloud.nova.addAggregate({ name: 'rack-a', hosts: ['compute1'] });
    w.cloud.nova.addAggregate({ name: 'edge', hosts: ['compute1'] });

    const res = await reconcile(w, evacuate);

    expect(res.body.results).toEqual([expect.objectContaining({ outcome: 'HELD_FOR_APPROVAL', incident })]);
    expect(res.body.reason).toMatch(
      /compute1 is in aggregates edge .* and rack-a \(ironic node compute1\), whose fencing entries differ.*Nothing was evacuated/,
    );
    expect(w.cloud.writes()).toEqual([]);
    expect(await due(w, 'notify')).toEqual([incident]);
  });
});
