/**
 * Incidents follow the world, on the real lab (functions/classify-alarm/revisit.ts): a host reported
 * down without fence evidence is held, and ends `recovered` once its nova-compute reports again; a
 * member of a group on it is then replaced like any other; when the host dies again and an external
 * fencing agent forces it down in Nova, the held incident is decided again and its pet evacuated.
 * And two members of one ResourceGroup deleted a moment apart are both replaced, with no update of
 * Heat failed or cancelled. Counted from Heat's stack events and Nova's instance actions and migrations.
 */
import { fenceInNova, hostDownNotification } from '../../bench/scenario';
import type { StackRef } from '../../core/domain/plan';
import { bootServer } from '../e2e/support';
import {
  createGroup,
  deleteMember,
  harness,
  heatRecord,
  heatSince,
  lab,
  novaView,
  postAlarm,
  resetLab,
  settledServers,
  settledStatus,
  waitFor,
  waitIncident,
  waitSilent,
  type Harness,
} from './support';

let h: Harness;
let stack: StackRef;
let pet: string;
const HOST = 'compute2'; // the group template's members run there (examples/heat/group.yaml)

beforeAll(async () => {
  resetLab();
  h = await harness({ policy: { heldRecheckSec: 2 } });
  stack = await createGroup(h.cloud, 'faults-world', 3);
  pet = await bootServer(h.cloud, 'faults-pet', HOST, { HA_Enabled: 'True' });
});
afterAll(async () => {
  await h?.close();
  resetLab(); // computes up, enabled, not forced down; stacks and servers gone
});

const aboutServer = (id: string) => (r: { incident: { subject: { type: string; serverId?: string } } }) =>
  r.incident.subject.type === 'server' && r.incident.subject.serverId === id;

describe('two members of one ResourceGroup deleted a moment apart', () => {
  it('are both replaced, with one or two stack updates and none failed or cancelled', async () => {
    const before = await heatRecord(stack);
    const servers = await h.cloud.heat.listServers(stack);
    const a = await deleteMember(h, stack, '0');
    const first = postAlarm(h.rt.alarmUrl, a.alarm);
    await new Promise((r) => setTimeout(r, 300));
    const b = await deleteMember(h, stack, '1');
    const answers = await Promise.all([first, postAlarm(h.rt.alarmUrl, b.alarm)]);
    expect(answers.map((x) => x.data.outcome)).toEqual(['DISPATCHED', 'DISPATCHED']);
    for (const v of [a.victim, b.victim]) {
      const r = await waitIncident(h.rt, (x) => aboutServer(v.serverId)(x) && settledStatus(x), 180);
      expect(r.status).toBe('resolved');
    }
    const after = await settledServers(h, stack);
    const replaced = after.filter((s) => !servers.some((o) => o.serverId === s.serverId)).map((s) => s.resourceName);
    expect(replaced.sort()).toEqual(['0', '1']);
    const heat = await heatSince(stack, before);
    expect(heat.failedOrCancelled).toEqual([]);
    expect(heat.updates).toBeGreaterThanOrEqual(1);
    expect(heat.updates).toBeLessThanOrEqual(2);
    expect(heat.marked).toEqual({ '0': 1, '1': 1 });
    expect((await h.cloud.heat.getStack(stack)).stack_status).toBe('UPDATE_COMPLETE');
  });
});

/** HOST's nova-compute killed, then reported down by a monitor with no fence evidence: the incident is held. */
async function killAndReportWithoutEvidence() {
  lab(['kill-host', HOST], { quiet: true });
  await waitSilent(h, HOST);
  const res = await postAlarm(h.rt.alarmUrl, hostDownNotification(HOST));
  expect(res.data).toMatchObject({
    outcome: 'HELD_FOR_APPROVAL',
    details: { decision: { rule: 'no-fence-evidence' } },
  });
  return res;
}

describe('a held host incident follows the world', () => {
  let held: string;

  it('ends recovered once the host reports to Nova again: nothing is written to Nova', async () => {
    const res = await killAndReportWithoutEvidence();
    held = res.data.incident;
    lab(['revive-host', HOST], { quiet: true });
    const r = await waitIncident(h.rt, (x) => x.key === held && x.status === 'recovered', 60);
    expect(r.timeline.map((e) => e.outcome)).toEqual(['HELD_FOR_APPROVAL', 'RECOVERED']);
    expect(await novaView(h, HOST, pet)).toMatchObject({
      service: { forced_down: false, status: 'enabled' },
      serverHost: HOST,
      migrations: 0,
      actions: ['create'],
    });
  });

  it('then replaces a deleted member of a group on that host, as its own incident', async () => {
    const before = await heatRecord(stack);
    const { victim, alarm } = await deleteMember(h, stack, '2');
    const res = await postAlarm(h.rt.alarmUrl, alarm);
    expect(res.data).toMatchObject({ outcome: 'DISPATCHED', details: { decision: { verdict: 'replace' } } });
    expect(res.data.incident).not.toBe(held);
    const r = await waitIncident(h.rt, (x) => aboutServer(victim.serverId)(x) && settledStatus(x), 120);
    expect(r.status).toBe('resolved');
    await settledServers(h, stack);
    expect(await heatSince(stack, before)).toEqual({ updates: 1, failedOrCancelled: [], marked: { '2': 1 } });
  });

  it('is decided again and evacuates the pet when the host dies and a fencing agent forces it down in Nova', async () => {
    await h.cloud.heat.deleteStack(stack); // only the pet is left on the host: its members would be re-created there
    await waitFor('group deleted', async () => !(await h.cloud.heat.listStacks()).some((s) => s.id === stack.id), 90);
    const res = await killAndReportWithoutEvidence();
    const key = res.data.incident;
    expect(key).not.toBe(held);
    await fenceInNova(h.cloud, HOST); // what fence_compute does once the host is powered off
    const r = await waitIncident(h.rt, (x) => x.key === key && settledStatus(x), 90);
    expect(r.status).toBe('resolved');
    expect(r.fence).toMatchObject({ source: 'nova-forced-down' });
    expect(r.timeline.map((e) => e.outcome)).toEqual(
      expect.arrayContaining(['HELD_FOR_APPROVAL', 'DISPATCHED', 'RESOLVED']),
    );
    const nova = await novaView(h, HOST, pet);
    expect(nova).toMatchObject({ service: { forced_down: true, status: 'disabled' }, serverHost: 'compute1' });
    expect(nova.migrations).toBe(1);
    expect(nova.actions.filter((a) => a === 'evacuate')).toHaveLength(1);
  });
});
