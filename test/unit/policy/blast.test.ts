/**
 * The blast radius (core/policy/blast.ts): too many hosts failed at once → a storm that holds new host
 * incidents, and a cooldown after the count is back under the limit (medik8s NHC stormCooldownDuration).
 * Compute services are Nova's records as listed on the lab (test/fixtures/openstack/nova-services-list.json).
 */
import { assessBlast, type BlastFacts, type StormState } from '../../../core/policy/blast';
import { PolicySchema } from '../../../core/policy/policy';
import { HEARTBEAT, forcedDownService, iso, listedService, sec } from './support';

/** compute1..N as Nova lists them, all heartbeating at HEARTBEAT, in zone `nova`. */
const fleet = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ ...listedService('compute1'), host: `compute${i + 1}` }));
const NOW = HEARTBEAT + sec(5);
const forced = (host: string) => ({ ...forcedDownService(), host, zone: 'nova' });
const facts = (o: Partial<BlastFacts> = {}): BlastFacts => ({
  at: NOW,
  services: fleet(3),
  aggregates: [],
  incidentHosts: [],
  fencedThisCycle: [],
  storms: {},
  ...o,
});
const policy = (blastRadius: Record<string, unknown> = {}) => PolicySchema.parse({ blastRadius });
/** compute1 failed (the incident's host) and compute2 forced down by someone: 2 of 3. */
const twoOfThree = facts({ services: [forced('compute1'), forced('compute2'), fleet(3)[2]] });

describe('blast radius', () => {
  it('lets one failed host of three through under the default limit (50 % of the cloud)', () => {
    const v = assessBlast('compute1', facts({ services: [forced('compute1'), ...fleet(3).slice(1)] }), policy(), false);
    expect(v.verdict).toBe('clear');
    expect(v.next).toEqual({});
  });

  it('holds when 2 of 3 hosts are down (67 % > 50 %), with the numbers, and starts a storm', () => {
    const v = assessBlast('compute1', twoOfThree, policy(), false);
    expect(v.verdict).toBe('storm');
    expect(v.verdict !== 'clear' && v.reason).toMatch(
      /2 of 3 hosts failed in cloud = 67 % \(compute1, compute2; limit 50%\)/,
    );
    expect(v.next).toEqual({ cloud: { since: iso(NOW), failed: ['compute1', 'compute2'], total: 3, limit: '50%' } });
  });

  it('counts hosts still down from earlier incidents, and silent hosts, as failed', () => {
    const silent = { ...fleet(3)[2], updated_at: '2026-11-23T01:46:00.000000' }; // 101 s without a heartbeat
    const v = assessBlast(
      'compute1',
      facts({ services: [...fleet(2), silent], incidentHosts: ['compute2'] }),
      policy({ cloud: 1 }),
      false,
    );
    expect(v.counts.find((c) => c.scope === 'cloud')).toMatchObject({
      failed: ['compute1', 'compute2', 'compute3'],
      tripped: true,
    });
  });

  it.each([
    [{ cloud: 2 }, 'clear'],
    [{ cloud: '66%' }, 'storm'],
    [{ cloud: '67%' }, 'clear'],
    [{ cloud: '100%', zone: 1 }, 'storm'],
    [{ cloud: '100%', zones: { other: 0 } }, 'clear'],
    [{ cloud: '100%', zones: { nova: '50%' } }, 'storm'],
  ])('2 of 3 failed with limits %j → %s', (limits, verdict) => {
    expect(assessBlast('compute1', twoOfThree, policy(limits), false).verdict).toBe(verdict);
  });

  it('limits an aggregate on its own: a storm there holds its hosts, not the others', () => {
    const f = facts({
      services: [forced('compute1'), forced('compute2'), ...fleet(4).slice(2)],
      aggregates: [{ name: 'rack-a', hosts: ['compute1', 'compute2'] }],
    });
    const p = policy({ cloud: '100%', aggregates: { 'rack-a': 1 } });
    const inRack = assessBlast('compute1', f, p, false);
    expect(inRack.verdict !== 'clear' && inRack.reason).toMatch(
      /2 of 2 hosts failed in aggregate:rack-a \(compute1, compute2; limit 1\)/,
    );
    const other = { ...f, services: [...f.services.slice(0, 3), forced('compute4')], storms: inRack.next };
    expect(assessBlast('compute4', other, p, false).verdict).toBe('clear');
  });

  describe('storm cooldown (NHC stormCooldownDuration)', () => {
    const storm: StormState = {
      cloud: { since: iso(NOW - sec(60)), failed: ['compute1', 'compute2'], total: 3, limit: '50%' },
    };
    /** compute2 and compute3 heartbeating 2 s before `at` (Nova's updated_at: UTC without a zone). */
    const beating = (at: number) =>
      fleet(3)
        .slice(1)
        .map((s) => ({ ...s, updated_at: iso(at - sec(2)).replace('Z', '') }));
    const oneLeft = (at: number, storms: StormState) =>
      facts({ at, services: [forced('compute1'), ...beating(at)], storms });
    const p = policy({ stormCooldownSec: 30 });

    it('starts the cooldown when the count falls back under the limit, and holds new incidents meanwhile', () => {
      const v = assessBlast('compute1', oneLeft(NOW, storm), p, false);
      expect(v.verdict).toBe('cooldown');
      expect(v.verdict === 'cooldown' && v.until).toBe(iso(NOW + sec(30)));
      expect(v.next.cloud).toMatchObject({ since: storm.cloud.since, calmSince: iso(NOW) });
    });

    it('resumes automation once the cooldown has passed, and forgets the storm', () => {
      const cooling = { cloud: { ...storm.cloud, calmSince: iso(NOW) } };
      expect(assessBlast('compute1', oneLeft(NOW + sec(29), cooling), p, false).verdict).toBe('cooldown');
      const v = assessBlast('compute1', oneLeft(NOW + sec(30), cooling), p, false);
      expect(v.verdict).toBe('clear');
      expect(v.next).toEqual({});
    });

    it('a limit exceeded again during the cooldown ends the cooldown: the storm goes on', () => {
      const cooling = { cloud: { ...storm.cloud, calmSince: iso(NOW) } };
      const v = assessBlast('compute1', { ...twoOfThree, at: NOW + sec(10), storms: cooling }, p, false);
      expect(v.verdict).toBe('storm');
      expect(v.next.cloud).toEqual({
        since: storm.cloud.since,
        failed: ['compute1', 'compute2'],
        total: 3,
        limit: '50%',
      });
    });

    it('with stormCooldownSec 0 resumes as soon as the count is back under the limit', () => {
      expect(assessBlast('compute1', oneLeft(NOW, storm), policy({ stormCooldownSec: 0 }), false).verdict).toBe(
        'clear',
      );
    });
  });

  describe('hosts fenced per cycle (InstanceHA: 10)', () => {
    const p = policy({ maxFencedPerCycle: 2 });
    const cycle = (fenced: string[]) =>
      facts({ services: [forced('compute1'), ...fleet(5).slice(1)], fencedThisCycle: fenced });

    it('holds a host stackmend would fence when the cycle already fenced the most it may', () => {
      const v = assessBlast('compute1', cycle(['compute4', 'compute5']), p, true);
      expect(v.verdict).toBe('storm');
      expect(v.verdict !== 'clear' && v.reason).toMatch(
        /2 host\(s\) already fenced in this fence cycle \(compute4, compute5; limit 2 per cycle\)/,
      );
    });

    it('does not count against a host that needs no fence from stackmend, nor one already fenced in the cycle', () => {
      expect(assessBlast('compute1', cycle(['compute4', 'compute5']), p, false).verdict).toBe('clear');
      expect(assessBlast('compute1', cycle(['compute1', 'compute5']), p, true).verdict).toBe('clear');
    });
  });
});
