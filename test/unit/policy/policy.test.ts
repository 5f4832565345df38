/** The trust keys of the policy: safe defaults, and no host counted down after one late heartbeat. */
import { DEFAULT_POLICY, PolicySchema } from '../../../core/policy/policy';

describe('policy', () => {
  it('defaults: heartbeat every 10 s, down after 20 s, 3 rechecks, claims 120 s fresh, no trusted fencer', () => {
    expect(DEFAULT_POLICY).toMatchObject({
      reportIntervalSec: 10,
      hostDownAfterSec: 20,
      lateRechecks: 3,
      fenceMaxAgeSec: 120,
      trustedFencers: [],
      approvalTtlSec: 900,
    });
  });

  it.each([
    [{ reportIntervalSec: 30 }, 60],
    [{ reportIntervalSec: 10, hostDownAfterSec: 15 }, 15],
    [{ hostDownAfterSec: 45 }, 45],
  ])('counts a host down after twice the report interval unless told (%j → %i s)', (given, after) => {
    expect(PolicySchema.parse(given).hostDownAfterSec).toBe(after);
  });

  it.each([
    ['a down threshold within one heartbeat of the interval', { hostDownAfterSec: 14 }, 'hostDownAfterSec'],
    ['a threshold below a longer report interval', { reportIntervalSec: 60, hostDownAfterSec: 30 }, 'hostDownAfterSec'],
    ['a trusted fencer without its credential kind', { trustedFencers: [{ name: 'masakari' }] }, 'trustedFencers'],
    ['a negative recheck count', { lateRechecks: -1 }, 'lateRechecks'],
  ])('refuses %s', (_name, given, key) => {
    const result = PolicySchema.safeParse(given);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path[0])).toContain(key);
  });
});
