/**
 * Fence evidence: believed from Nova's own forced_down, stackmend's own fencing, a valid operator
 * approval, and a monitor's claim only when it came from a trusted fencer, fresh, and after the host's
 * last heartbeat.
 */
import { newApproval } from '../../../core/domain/approval';
import { acceptFenceEvidence, checkFenceEvidence, type FenceOffer } from '../../../core/policy/fence';
import { PolicySchema } from '../../../core/policy/policy';
import { HEARTBEAT, forcedDownService, iso, listedService, sec } from './support';

const NOW = HEARTBEAT + sec(60); // compute1 silent for a minute
const ctx = { incident: 'masakari:COMPUTE_HOST:compute1', host: 'compute1', now: NOW, heartbeatAt: iso(HEARTBEAT) };
const policy = PolicySchema.parse({ trustedFencers: [{ via: 'keystone', name: 'masakari-hostmonitor' }] });
const monitor = { via: 'keystone', name: 'masakari-hostmonitor' };
const claim = (at: string) => ({ by: 'ipmi-watchdog', method: 'power-off' as const, at });
const byMonitor = (at: string, principal = monitor): FenceOffer => ({
  source: 'monitor-claim',
  claim: claim(at),
  principal,
});
const alice = { via: 'keystone', name: 'alice', roles: ['admin'] };
const approval = (over: object = {}) => ({
  ...newApproval(
    { incident: ctx.incident, host: 'compute1', approvedBy: alice, fencedBy: 'alice at the BMC', method: 'power-off' },
    NOW - sec(30),
    900,
  ),
  ...over,
});

describe('acceptFenceEvidence', () => {
  it.each<[string, FenceOffer, object]>([
    [
      "Nova's own forced_down, read from Nova",
      { source: 'nova-forced-down', service: forcedDownService() },
      { source: 'nova-forced-down', method: 'forced-down', by: 'nova', vouchedBy: 'nova', at: iso(NOW) },
    ],
    [
      'a fresh claim from a trusted fencer',
      byMonitor(iso(NOW - sec(30))),
      { source: 'monitor-claim', method: 'power-off', by: 'ipmi-watchdog', vouchedBy: 'masakari-hostmonitor' },
    ],
    ['a claim a little ahead of our clock', byMonitor(iso(NOW + sec(3))), { source: 'monitor-claim' }],
    [
      "stackmend's own fencing",
      { source: 'stackmend-fence', fence: claim(iso(NOW - sec(5))) },
      { source: 'stackmend-fence', vouchedBy: 'stackmend' },
    ],
    [
      'a valid operator approval',
      { source: 'operator-approval', approval: approval() },
      { source: 'operator-approval', by: 'alice at the BMC', vouchedBy: 'operator alice', at: iso(NOW - sec(30)) },
    ],
  ])('accepts %s', (_name, offer, evidence) => {
    expect(acceptFenceEvidence(offer, ctx, policy)).toEqual({ accepted: expect.objectContaining(evidence) });
  });

  it.each<[string, FenceOffer, RegExp]>([
    [
      "Nova's record of a host that is not forced down",
      { source: 'nova-forced-down', service: listedService('compute1') },
      /does not report compute1 forced down/,
    ],
    [
      "Nova's record of another host",
      { source: 'nova-forced-down', service: { ...forcedDownService(), host: 'compute2' } },
      /of compute2, not compute1/,
    ],
    [
      'a claim without an authenticated sender',
      { source: 'monitor-claim', claim: claim(iso(NOW)) },
      /came from an unauthenticated sender/,
    ],
    [
      'a claim from a sender the policy does not trust',
      byMonitor(iso(NOW), { via: 'bearer', name: 'alertmanager' }),
      /alertmanager \(bearer\), which the policy does not name a trusted fencer/,
    ],
    [
      'a claim from a trusted name over another kind of credential',
      byMonitor(iso(NOW), { via: 'query-token', name: 'masakari-hostmonitor' }),
      /not name a trusted fencer/,
    ],
    ['a claim older than fenceMaxAgeSec', byMonitor(iso(NOW - sec(121))), /121 s old \(limit 120 s\)/],
    ['a claim dated in the future', byMonitor(iso(NOW + sec(60))), /dated in the future/],
    ['a claim with an unreadable time', byMonitor('yesterday'), /no readable time \(yesterday\)/],
    [
      'a claim older than the last heartbeat',
      byMonitor(iso(HEARTBEAT - sec(5))),
      /heartbeat at 2026-11-23T01:47:36.000Z, after it was claimed fenced/,
    ],
    [
      'an expired approval',
      { source: 'operator-approval', approval: approval({ expiresAt: iso(NOW - sec(1)) }) },
      /expired/,
    ],
    [
      'an approval for another host',
      { source: 'operator-approval', approval: approval({ host: 'compute2' }) },
      /for host compute2, not compute1/,
    ],
    [
      "an approval by a Keystone user holding none of the policy's approverRoles (as a console operator without admin)",
      {
        source: 'operator-approval',
        approval: approval({ approvedBy: { via: 'keystone', name: 'bob', roles: ['member'] } }),
      },
      /not an approver's: Keystone user bob \(roles member\) holds none of the approver roles \(admin\)/,
    ],
    [
      'an approval signed with the console operator credential, not by Keystone',
      { source: 'operator-approval', approval: approval({ approvedBy: { via: 'console-token', name: 'carol' } }) },
      /not an approver's: carol was not authenticated by Keystone/,
    ],
    [
      'an approval given before the host heartbeated again',
      { source: 'operator-approval', approval: approval({ approvedAt: iso(HEARTBEAT - sec(10)) }) },
      /heartbeat at .*after it was claimed fenced/,
    ],
  ])('refuses %s', (_name, offer, reason) => {
    expect(acceptFenceEvidence(offer, ctx, policy)).toEqual({
      refused: { source: offer.source, reason: expect.stringMatching(reason) },
    });
  });

  it('trusts no monitor by default', () => {
    const result = acceptFenceEvidence(byMonitor(iso(NOW)), ctx, PolicySchema.parse({}));
    expect(result).toMatchObject({ refused: { source: 'monitor-claim' } });
  });
});

describe('checkFenceEvidence', () => {
  it('takes the first accepted offer and says why the ones before it were refused', () => {
    const untrusted = byMonitor(iso(NOW), { via: 'bearer', name: 'alertmanager' });
    const nova: FenceOffer = { source: 'nova-forced-down', service: forcedDownService() };
    expect(checkFenceEvidence([untrusted, nova], ctx, policy)).toEqual({
      accepted: expect.objectContaining({ source: 'nova-forced-down' }),
      refused: [{ source: 'monitor-claim', reason: expect.stringMatching(/trusted fencer/) }],
    });
  });

  it('accepts nothing when nothing is offered', () => {
    expect(checkFenceEvidence([], ctx, policy)).toEqual({ refused: [] });
  });
});
