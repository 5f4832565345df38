/**
 * Host liveness from Nova's own compute service record: down only on Nova's word or after a silence
 * longer than hostDownAfterSec; late in between, checked again a bounded number of times.
 */
import type { ComputeServiceState } from '../../../core/domain/host-liveness';
import { hostLiveness } from '../../../core/policy/host-liveness';
import { DEFAULT_POLICY, PolicySchema } from '../../../core/policy/policy';
import { FORCED_AT, HEARTBEAT, forcedDownService, iso, listedService, sec } from './support';

const up = listedService('compute1');

describe('hostLiveness', () => {
  it.each<[string, ComputeServiceState, number, object]>([
    ['a heartbeat 2 s old is alive', up, sec(2), { verdict: 'alive', heartbeatAt: iso(HEARTBEAT) }],
    ['a heartbeat one report interval old is alive', up, sec(10), { verdict: 'alive' }],
    [
      'a heartbeat 15 s old is late: checked again when it would count as down',
      up,
      sec(15),
      { verdict: 'late', then: 'recheck', recheck: 1, recheckAfterSec: 5 },
    ],
    [
      'a heartbeat just past the report interval is late',
      up,
      sec(10.5),
      { verdict: 'late', then: 'recheck', recheckAfterSec: 10 },
    ],
    ['a heartbeat 21 s old is down, though Nova still says up', up, sec(21), { verdict: 'down', novaSaysDown: false }],
    [
      'a heartbeat exactly 20 s old is still late',
      up,
      sec(20),
      { verdict: 'late', then: 'recheck', recheckAfterSec: 1 },
    ],
    ['a clock behind Nova (heartbeat in the future) is alive', up, -sec(3), { verdict: 'alive' }],
    [
      'Nova reporting the host forced down is down at once',
      forcedDownService(),
      FORCED_AT - HEARTBEAT + sec(1),
      { verdict: 'down', novaSaysDown: true, reason: expect.stringMatching(/forced down/) },
    ],
    [
      'Nova reporting the host down (its service_down_time passed) is down',
      { ...up, state: 'down' },
      sec(5),
      { verdict: 'down', novaSaysDown: true },
    ],
    [
      'a service Nova never heard from is late, checked again after one report interval',
      { ...up, updated_at: null },
      sec(5),
      { verdict: 'late', then: 'recheck', recheckAfterSec: 10, reason: expect.stringMatching(/no heartbeat/) },
    ],
  ])('%s', (_name, service, age, expected) => {
    const verdict = hostLiveness(service, { now: HEARTBEAT + age }, DEFAULT_POLICY);
    expect(verdict).toMatchObject(expected);
    expect(verdict.reason).toMatch(/compute1/);
  });

  it.each([
    [0, 'checked again (recheck 1 of 3)', { then: 'recheck', recheck: 1 }],
    [2, 'checked again (recheck 3 of 3)', { then: 'recheck', recheck: 3 }],
    [3, 'held for a human', { then: 'hold', reason: expect.stringMatching(/after 3 rechecks/) }],
  ])('after %i rechecks a late host is %s', (rechecks, _what, expected) => {
    const verdict = hostLiveness(up, { now: HEARTBEAT + sec(15), rechecks }, DEFAULT_POLICY);
    expect(verdict).toMatchObject({ verdict: 'late', ...expected });
  });

  it.each<[string, number, number, object]>([
    [
      'a heartbeat after the fence claim proves the claim wrong',
      -sec(5),
      sec(2),
      { verdict: 'alive', refutedClaimAt: iso(HEARTBEAT - sec(5)), reason: expect.stringMatching(/claim is wrong/) },
    ],
    ['a heartbeat after the claim refutes it even when late', -sec(1), sec(15), { verdict: 'alive' }],
    ['a claim after the last heartbeat of a silent host stands', sec(1), sec(25), { verdict: 'down' }],
    ['a claim after the last heartbeat of a fresh host does not make it down', sec(1), sec(2), { verdict: 'alive' }],
  ])('%s', (_name, claimOffset, age, expected) => {
    const verdict = hostLiveness(up, { now: HEARTBEAT + age, claimAt: iso(HEARTBEAT + claimOffset) }, DEFAULT_POLICY);
    expect(verdict).toMatchObject(expected);
  });

  it("takes Nova's forced down over a claim its own update made look refuted", () => {
    const verdict = hostLiveness(
      forcedDownService(),
      { now: FORCED_AT + sec(1), claimAt: iso(HEARTBEAT) },
      DEFAULT_POLICY,
    );
    expect(verdict).toMatchObject({ verdict: 'down', novaSaysDown: true });
  });

  it('follows the policy: report every 30 s, down after 60 s', () => {
    const p = PolicySchema.parse({ reportIntervalSec: 30 });
    expect(hostLiveness(up, { now: HEARTBEAT + sec(25) }, p)).toMatchObject({ verdict: 'alive' });
    expect(hostLiveness(up, { now: HEARTBEAT + sec(45) }, p)).toMatchObject({ verdict: 'late', recheckAfterSec: 15 });
    expect(hostLiveness(up, { now: HEARTBEAT + sec(61) }, p)).toMatchObject({ verdict: 'down' });
  });
});
