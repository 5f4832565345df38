/**
 * VM failures and back to service, on the real lab, judged from Nova and Ironic:
 * - a pet powered off behind Nova's back (Nova's os-server-external-events `power-update` POWER_OFF, the
 *   event Ironic sends when a node's power changes outside Nova; the lab's fake driver handles it with
 *   test/lab/patches/nova-fake-power-update.patch) → Nova notifies, Ceilometer → Aodh event alarm →
 *   classify-alarm → restart starts it again: ACTIVE in Nova, a `start` in its instance actions;
 * - the same pet stopped again within the repeat window → held for a human, the operator paged, left SHUTOFF;
 * - `stackmend host restore compute1` after a kill and a fence (Ironic off, forced down, disabled) → Ironic
 *   powers it on, its nova-compute reports, the service is un-forced and enabled.
 */
import { spawn } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import type { IncidentRecord } from '../../core/domain/plan';
import { openConnection } from '../../core/openstack/cloud';
import { loadCloudConfig } from '../../core/openstack/config';
import { novaHeaders } from '../../core/openstack/nova';
import { alarmsFor } from '../../core/runtime/arm/alarms';
import {
  aodhCacheWait,
  bootServer,
  CLOUD,
  harness,
  keystoneAlarmUrl,
  lab,
  resetLab,
  waitFor,
  waitIncident,
  type Harness,
} from './support';

/** Nova with the microversion of the power-update event (2.76). */
const nova = () => openConnection(loadCloudConfig({ cloud: CLOUD })).http('nova', 'compute', novaHeaders('2.76'));
const powerOffBehindNovasBack = (id: string) =>
  nova().post('os-server-external-events', { events: [{ name: 'power-update', server_uuid: id, tag: 'POWER_OFF' }] });
const instanceActions = async (id: string) =>
  (await nova().get<{ instanceActions: { action: string }[] }>(`servers/${id}/os-instance-actions`)).data
    .instanceActions;
const about = (id: string) => (r: IncidentRecord) =>
  r.incident.subject.type === 'server' && r.incident.subject.serverId === id;

let h: Harness | undefined;
beforeAll(() => resetLab());
afterEach(async () => {
  await h?.close();
  h = undefined;
  resetLab(); // deletes the servers and alarms, revives and re-enables the computes, powers Ironic nodes on
});

describe('a pet stopped behind Nova’s back', () => {
  it('is started again; stopped again within the repeat window, it is held for a human', async () => {
    h = await harness({ policy: { repeatThreshold: 2 } });
    const pet = await bootServer(h.cloud, 'e2e-vm-pet', 'compute1', { HA_Enabled: 'True' });
    const stopped = alarmsFor(pet, 'e2evm000', keystoneAlarmUrl(h))[2];
    await h.cloud.aodh.createEventAlarm({ ...stopped, repeatActions: true });
    await aodhCacheWait();

    await powerOffBehindNovasBack(pet);
    const first = await waitIncident(h.rt, (r) => about(pet)(r) && r.status === 'resolved', 90);
    expect(first.decision).toMatchObject({ verdict: 'restart', rule: 'pet-vm-recovery' });
    expect(first.timeline.map((e) => e.reason).join('\n')).toMatch(/started server/);
    expect((await h.cloud.nova.getServer(pet)).status).toBe('ACTIVE');
    expect((await instanceActions(pet)).map((a) => a.action)).toContain('start');
    const starts = (await instanceActions(pet)).filter((a) => a.action === 'start').length;

    await powerOffBehindNovasBack(pet);
    const second = await waitIncident(h.rt, (r) => about(pet)(r) && r.key !== first.key && r.status === 'held', 90);
    expect(second.decision).toMatchObject({ verdict: 'hold', rule: 'repeat-threshold' });
    const paged = await h.hooks.next((q) => q.path === '/chat' && q.json?.stackmend?.status === 'held', 30_000);
    expect(paged.json.text).toMatch(/failed 2 times/);
    expect((await h.cloud.nova.getServer(pet)).status).toBe('SHUTOFF');
    expect((await instanceActions(pet)).filter((a) => a.action === 'start')).toHaveLength(starts);
  });
});

describe('stackmend host restore', () => {
  it('brings compute1 back after a kill and a fence: Ironic on, compute up, un-forced, enabled', async () => {
    const c = (await import('./support')).cloud();
    const svc = async () => (await c.nova.listComputeServices('compute1'))[0];
    lab(['kill-host', 'compute1'], { quiet: true });
    await c.ironic.setPower('compute1', 'power off');
    await waitFor(
      'compute1 off',
      async () => (await c.ironic.getPowerStates('compute1')).power_state === 'power off',
      30,
      500,
    );
    await c.nova.forceDown((await svc()).id);
    await c.nova.disableService((await svc()).id, 'e2e: fenced');

    const policy = JSON.stringify({ fencing: { hosts: { compute1: { driver: 'ironic', node: 'compute1' } } } });
    const bin = path.join(__dirname, '..', '..', 'bin', 'stackmend.cjs');
    const state = `file:${path.join(os.tmpdir(), `stackmend-restore-${process.pid}`)}`;
    const child = spawn(
      process.execPath,
      [
        bin,
        'host',
        'restore',
        'compute1',
        '--os-cloud',
        CLOUD,
        '--state',
        state,
        '--policy',
        policy,
        '--wait-sec',
        '120',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let err = '';
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    const exited = new Promise<number>((ok) => child.on('exit', (code) => ok(code ?? 1)));

    // the host boots once it has power: its nova-compute starts again
    await waitFor(
      'Ironic powers compute1 on',
      async () => (await c.ironic.getPowerStates('compute1')).power_state === 'power on',
      60,
      500,
    );
    lab(['revive-host', 'compute1'], { quiet: true });
    expect(await exited).toBe(0);
    expect(err).toMatch(/waiting for nova-compute on compute1 to report/);
    expect((await c.ironic.getPowerStates('compute1')).power_state).toBe('power on');
    expect(await svc()).toMatchObject({ state: 'up', forced_down: false, status: 'enabled' });
  });
});
