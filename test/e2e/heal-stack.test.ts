/**
 * The product, end to end on the real lab: a real Nova DELETE of a ResourceGroup member →
 * a real Aodh event alarm → classify-alarm → mark-unhealthy → stack-update → the member is
 * replaced (only it) → the operator is told and the audit log holds every step.
 */
import {
  aodhCacheWait,
  createGroup,
  harness,
  keystoneAlarmUrl,
  resetLab,
  settledStatus,
  waitIncident,
  type Harness,
} from './support';
import { arm } from '../../triggers/arm';
import { refOf } from '../../core/openstack/heat';

let h: Harness;
beforeAll(async () => {
  resetLab();
  h = await harness();
});
afterAll(async () => h?.close());

async function deleteMemberAndHeal(stackName: string, member: string, armVia: 'http' | 'zaqar') {
  const stack = await createGroup(h.cloud, stackName);
  const target =
    armVia === 'http'
      ? { via: 'http' as const, url: keystoneAlarmUrl(h) }
      : { via: 'zaqar' as const, queue: `${stackName}-alarms`, subscriber: h.rt.alarmUrl };
  const armed = await arm(h.cloud, h.rt.store, stack, target);
  expect(armed).toMatchObject({ servers: 3, created: expect.any(Array) });
  expect(armed.created).toHaveLength(9);
  const before = await h.cloud.heat.listServers(stack);
  const victim = before.find((s) => s.resourceName === member)!;
  await aodhCacheWait();
  await h.cloud.nova.deleteServer(victim.serverId);
  const incident = await waitIncident(
    h.rt,
    (r) => r.incident.subject.type === 'server' && r.incident.subject.serverId === victim.serverId && settledStatus(r),
  );
  const after = await h.cloud.heat.listServers(stack);
  return { incident, before, after, victim, stack };
}

describe('healing a Heat ResourceGroup member', () => {
  it('replaces exactly the deleted member when Aodh calls the web action directly', async () => {
    const { incident, before, after } = await deleteMemberAndHeal('e2e-direct', '1', 'http');
    expect(incident).toMatchObject({
      status: 'resolved',
      decision: { verdict: 'replace', rule: 'cattle-in-heat-stack' },
      incident: { source: 'aodh', transport: 'direct', kind: 'server-deleted' },
    });
    expect(incident.timeline.map((e) => `${e.step}:${e.outcome}`)).toEqual(
      expect.arrayContaining([
        'classify-alarm:DISPATCHED',
        'mark-unhealthy:DISPATCHED',
        'stack-update:DISPATCHED',
        'stack-update:DONE',
        'stack-update:RESOLVED',
      ]),
    );
    const changed = after.filter((a) => !before.some((b) => b.serverId === a.serverId)).map((s) => s.resourceName);
    expect(changed).toEqual(['1']);
    expect(after).toHaveLength(3);
    const replacement = after.find((s) => s.resourceName === '1')!;
    expect((await h.cloud.nova.getServer(replacement.serverId)).status).toBe('ACTIVE');
    const told = await h.hooks.next(
      (r) =>
        r.path === '/chat' && r.json?.stackmend?.incident === incident.key && r.json.stackmend.status === 'resolved',
      30_000,
    );
    expect(told.json.text).toMatch(/healed/);
    const audit = await h.rt.incidents.auditLog();
    expect(audit.filter((a) => a.incident === incident.key).map((a) => a.step)).toEqual(
      expect.arrayContaining(['classify-alarm', 'mark-unhealthy', 'stack-update']),
    );
  });

  it('heals the same way when the alarm travels through a Zaqar queue (trust+zaqar → subscription push)', async () => {
    const { incident, before, after } = await deleteMemberAndHeal('e2e-zaqar', '0', 'zaqar');
    expect(incident).toMatchObject({ status: 'resolved', incident: { transport: 'zaqar', source: 'aodh' } });
    expect(after.filter((a) => !before.some((b) => b.serverId === a.serverId)).map((s) => s.resourceName)).toEqual([
      '0',
    ]);
  });

  it('re-arms the stack after the replacement: the new member has its alarms, the old one has none', async () => {
    const alarms = await h.cloud.aodh.listAlarms('stackmend-');
    const servers = await h.cloud.heat.listServers(refOf(await h.cloud.heat.getStack('e2e-direct')));
    for (const s of servers) expect(alarms.some((a) => a.name.includes(s.serverId))).toBe(true);
  });
});
