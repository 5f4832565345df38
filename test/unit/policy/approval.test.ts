/** An approval is bound to one incident and one host, and expires. */
import { type Approval, approvalSchema, approvalValid, newApproval } from '../../../core/domain/approval';
import { mayApprove } from '../../../core/policy/approvers';
import { DEFAULT_POLICY, PolicySchema } from '../../../core/policy/policy';

const NOW = Date.parse('2026-11-23T02:00:00Z');
const INCIDENT = 'masakari:COMPUTE_HOST:compute1:2026-11-23T01:54:56.603Z';
const approved = newApproval(
  {
    incident: INCIDENT,
    host: 'compute1',
    approvedBy: { via: 'keystone', name: 'alice', roles: ['admin'] },
    fencedBy: 'alice',
    method: 'power-off',
  },
  NOW,
  DEFAULT_POLICY.approvalTtlSec,
);

describe('approvals', () => {
  it('expire after the policy approvalTtlSec (15 min by default)', () => {
    expect(approved).toMatchObject({ approvedAt: '2026-11-23T02:00:00.000Z', expiresAt: '2026-11-23T02:15:00.000Z' });
    expect(approvalSchema.parse(approved)).toEqual(approved);
  });

  it.each<[string, Partial<Approval>, string, string, number]>([
    ['for this incident and host, in time', {}, INCIDENT, 'compute1', NOW + 60_000],
    ['a moment before it expires', {}, INCIDENT, 'compute1', NOW + 899_999],
    ['dated within the clock skew', { approvedAt: '2026-11-23T02:00:04Z' }, INCIDENT, 'compute1', NOW],
  ])('holds %s', (_name, over, incident, host, now) => {
    expect(approvalValid({ ...approved, ...over }, incident, host, now)).toEqual({ valid: true });
  });

  it.each<[string, Partial<Approval>, string, string, number, RegExp]>([
    ['for another incident', {}, 'aodh:other', 'compute1', NOW, /is for incident masakari.*, not aodh:other/],
    ['for another host', {}, INCIDENT, 'compute2', NOW, /is for host compute1, not compute2/],
    ['once it expired', {}, INCIDENT, 'compute1', NOW + 900_000, /expired at 2026-11-23T02:15:00.000Z/],
    ['dated in the future', { approvedAt: '2026-11-23T02:01:00Z' }, INCIDENT, 'compute1', NOW, /in the future/],
    ['with an unreadable expiry', { expiresAt: 'soon' }, INCIDENT, 'compute1', NOW, /no readable approval and expiry/],
    ['expiring before it was given', { expiresAt: '2026-11-23T01:00:00Z' }, INCIDENT, 'compute1', NOW, /expiry/],
  ])('is refused %s', (_name, over, incident, host, now, reason) => {
    const check = approvalValid({ ...approved, ...over }, incident, host, now);
    expect(check).toEqual({ valid: false, reason: expect.stringMatching(reason) });
    expect(check).toEqual({ valid: false, reason: expect.stringMatching(/by alice .*Approve again$/) });
  });
});

describe('who may approve (policy approverRoles, approverUsers)', () => {
  const user = (roles: string[], name = 'bob') => ({ via: 'keystone', name, id: `${name}-id`, roles });

  it.each<[string, ReturnType<typeof user>, object]>([
    ['a Keystone user with the admin role, by default', user(['member', 'admin']), {}],
    ['a Keystone user holding a role the policy names', user(['ha-operator']), { approverRoles: ['ha-operator'] }],
    ['a Keystone user the policy names, by name', user(['member']), { approverUsers: ['bob'] }],
    ['a Keystone user the policy names, by id', user(['member']), { approverUsers: ['bob-id'] }],
  ])('lets %s approve', (_name, who, policy) => {
    expect(mayApprove(who, PolicySchema.parse(policy))).toEqual({ valid: true });
  });

  it.each<[string, Parameters<typeof mayApprove>[0], object, RegExp]>([
    [
      'a project member, by default',
      user(['member', 'reader']),
      {},
      /roles member, reader\) holds none of the approver roles \(admin\)/,
    ],
    [
      'an admin when the policy names other roles only',
      user(['admin']),
      { approverRoles: ['ha-operator'] },
      /\(ha-operator\)/,
    ],
    ['a user with no roles', user([]), {}, /roles none/],
    [
      'a caller authenticated by a shared secret',
      { via: 'bearer', name: 'webhook' },
      {},
      /not authenticated by Keystone/,
    ],
  ])('refuses %s', (_name, who, policy, reason) => {
    expect(mayApprove(who, PolicySchema.parse(policy))).toEqual({
      valid: false,
      reason: expect.stringMatching(reason),
    });
  });
});
