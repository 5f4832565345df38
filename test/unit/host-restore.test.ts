/**
 * `stackmend host restore` (cli/host-restore.ts) on the in-memory cloud: a host stackmend fenced
 * (Ironic node powered off, compute service forced down and disabled) is powered on through the policy's
 * driver, waited for until its nova-compute reports, then un-forced and enabled — never while an incident
 * still acts on it, and with Redfish through DMTF's mockup system (test/fixtures/redfish/).
 */
import { restoreHost, type RestoreIo } from '../../cli/host-restore';
import type { Deps } from '../../functions/_shared/deps';
import { parseConfig } from '../../functions/_shared/deps';
import { AUDIT_LOG, type HostAudit } from '../../functions/_shared/incidents';
import { startRedfishBmc } from '../support/fakes/redfish-bmc';
import { evacuation, novaTime, world, type World } from '../support/steps';

const IRONIC = { fencing: { hosts: { compute1: { driver: 'ironic', node: 'compute1' } } } };

/** compute1 as evacuate leaves it: powered off, forced down, disabled, its last heartbeat 5 min ago. */
function fenced(w: World): void {
  w.cloud.ironic.addNode('compute1', { power: 'power off' });
  const stale = novaTime(w, 300);
  w.cloud.nova.setService('compute1', { forced_down: true, state: 'down', status: 'disabled', updated_at: stale });
}

const depsOf = (w: World, config: Record<string, unknown>, dryRun = false): Deps =>
  w.factory(parseConfig(config), { dryRun });

/** Each poll is a second on the clock; the host's nova-compute reports from the `bootsAfter`th poll on. */
function io(w: World, o: { bootsAfter?: number; waitSec?: number; abortAfter?: number; tick?: () => void } = {}) {
  let polls = 0;
  const said: string[] = [];
  const x: RestoreIo = {
    say: (l) => void said.push(l),
    sleep: async (ms) => {
      polls++;
      w.advance(ms);
      w.cloud.tick();
      o.tick?.();
      if (polls >= (o.bootsAfter ?? 3)) w.cloud.nova.setService('compute1', { updated_at: novaTime(w, 0) });
    },
    aborted: () => o.abortAfter !== undefined && polls >= o.abortAfter,
    waitSec: o.waitSec ?? 60,
    by: { via: 'local-user', name: 'alice' },
  };
  return { io: x, said };
}

const novaWrites = (w: World) =>
  w.cloud
    .writes()
    .map((c) => c.method)
    .filter((m) => m.startsWith('nova.'));

describe('stackmend host restore', () => {
  it('powers the Ironic node on, waits for nova-compute to report, then un-forces and enables it', async () => {
    const w = world();
    fenced(w);
    const { io: x, said } = io(w);
    const res = await restoreHost(depsOf(w, { policy: IRONIC }), 'compute1', x);
    expect(res).toMatchObject({ code: 0, outcome: 'RESOLVED' });
    expect(w.cloud.writes().map((c) => [c.method, ...c.args])).toEqual([
      ['ironic.setPower', 'compute1', 'power on'],
      ['nova.unforceDown', '4001e822-7ca3-4a18-bb4d-7bd39e1bd030'],
      ['nova.enableService', '4001e822-7ca3-4a18-bb4d-7bd39e1bd030'],
    ]);
    expect(w.cloud.ironic.power('compute1')).toBe('power on');
    expect(w.cloud.nova.service('compute1')).toMatchObject({ forced_down: false, status: 'enabled' });
    expect(said.join('\n')).toMatch(/waiting for nova-compute on compute1 to report/);
    const audit = await w.store.readList<HostAudit>(AUDIT_LOG);
    expect(audit).toEqual([
      expect.objectContaining({ action: 'host-restore', subject: 'host:compute1', outcome: 'RESOLVED' }),
    ]);
  });

  it('un-forces nothing while nova-compute has not reported, and stops at --wait-sec (exit 3)', async () => {
    const w = world();
    fenced(w);
    const { io: x } = io(w, { bootsAfter: Infinity, waitSec: 10 });
    const res = await restoreHost(depsOf(w, { policy: IRONIC }), 'compute1', x);
    expect(res).toMatchObject({ code: 3, outcome: 'FAILED', reason: expect.stringMatching(/timed out .*powered on/) });
    expect(novaWrites(w)).toEqual([]);
    expect(w.cloud.nova.service('compute1')).toMatchObject({ forced_down: true, status: 'disabled' });
  });

  it('stops between two calls on Ctrl-C and says what it did', async () => {
    const w = world();
    fenced(w);
    const { io: x } = io(w, { bootsAfter: Infinity, abortAfter: 2 });
    const res = await restoreHost(depsOf(w, { policy: IRONIC }), 'compute1', x);
    expect(res).toMatchObject({ code: 3, reason: expect.stringMatching(/interrupted/) });
    expect(novaWrites(w)).toEqual([]);
  });

  it("powers on through the driver of the host's aggregate", async () => {
    const w = world();
    fenced(w);
    w.cloud.nova.addAggregate({ name: 'rack-a', hosts: ['compute1'] });
    const policy = { fencing: { aggregates: { 'rack-a': { driver: 'ironic', node: '{host}' } } } };

    const res = await restoreHost(depsOf(w, { policy }), 'compute1', io(w).io);

    expect(res).toMatchObject({ code: 0, outcome: 'RESOLVED' });
    expect(w.cloud.callsTo('ironic.setPower').map((c) => c.args)).toEqual([['compute1', 'power on']]);
  });

  it('refuses, changing nothing, when two aggregates of the host name different drivers (exit 3)', async () => {
    const w = world();
    fenced(w);
    w.cloud.nova.addAggregate({ name: 'rack-a', hosts: ['compute1'] });
    w.cloud.nova.addAggregate({ name: 'edge', hosts: ['compute1'] });
    const aggregates = { 'rack-a': { driver: 'ironic', node: '{host}' }, edge: { driver: 'nova-forced-down' } };

    const res = await restoreHost(depsOf(w, { policy: { fencing: { aggregates } } }), 'compute1', io(w).io);

    expect(res).toMatchObject({ code: 3, reason: expect.stringMatching(/aggregates edge .* and rack-a .* differ/) });
    expect(w.cloud.writes()).toEqual([]);
  });

  it('refuses while an incident still acts on the host, changing nothing (exit 3)', async () => {
    const w = world();
    fenced(w);
    await evacuation(w, ['pet-1'], { decision: { verdict: 'evacuate', rule: 'fenced-host-failure', reason: 'down' } });
    const res = await restoreHost(depsOf(w, { policy: IRONIC }), 'compute1', io(w).io);
    expect(res).toMatchObject({ code: 3, reason: expect.stringMatching(/still acting on compute1/) });
    expect(w.cloud.writes().filter((c) => !c.method.startsWith('nova.lock'))).toEqual([]);
  });

  it('says what it would do on --dry-run, and changes nothing', async () => {
    const w = world();
    fenced(w);
    const res = await restoreHost(depsOf(w, { policy: IRONIC }, true), 'compute1', io(w).io);
    expect(res).toMatchObject({
      code: 0,
      outcome: 'DRY_RUN',
      reason: 'dry run: would power-on → wait-report → un-force → enable',
    });
    expect(w.cloud.writes()).toEqual([]);
  });

  it('answers 0 for a host already in service, and 2 for a host Nova has no compute service on', async () => {
    const w = world();
    expect(await restoreHost(depsOf(w, {}), 'compute2', io(w).io)).toMatchObject({ code: 0, outcome: 'DONE' });
    expect(await restoreHost(depsOf(w, {}), 'compute9', io(w).io)).toMatchObject({ code: 2 });
    expect(w.cloud.writes()).toEqual([]);
  });

  it('powers a Redfish system On at the reset target it advertises (DMTF mockup)', async () => {
    const bmc = await startRedfishBmc();
    try {
      const w = world();
      fenced(w);
      const policy = {
        fencing: { hosts: { compute1: { driver: 'redfish', url: bmc.url, system: bmc.systemId, credential: 'b' } } },
      };
      const config = { policy, fencing_credentials: [{ name: 'b', username: 'admin', password: 'redfish-lab-pw' }] };
      const d = depsOf(w, config);
      // the host as stackmend fenced it: ForceOff, read back Off
      await (await import('../../functions/evacuate/fence')).fencePorts(d).redfish(bmc.url, 'b').forceOff(bmc.systemId);
      bmc.tick();
      expect(bmc.powerState()).toBe('Off');
      const res = await restoreHost(d, 'compute1', io(w, { tick: bmc.tick }).io);
      expect(res).toMatchObject({ code: 0, outcome: 'RESOLVED' });
      expect(bmc.powerState()).toBe('On');
      const resets = bmc.requests.filter((q) => q.method === 'POST').map((q) => [q.url, q.body]);
      expect(resets).toEqual([
        ['/redfish/v1/Systems/437XR1138R2/Actions/ComputerSystem.Reset', { ResetType: 'ForceOff' }],
        ['/redfish/v1/Systems/437XR1138R2/Actions/ComputerSystem.Reset', { ResetType: 'On' }],
      ]);
    } finally {
      await bmc.close();
    }
  });
});
