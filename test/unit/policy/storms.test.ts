/**
 * A storm's transitions (core/policy/storms.ts): what one look at the blast radius does to a scope's
 * stored storm — started, calming, flared, resumed or none — and the audit entry each one is. Counts are
 * ScopeCounts as core/policy/blast.ts assessBlast makes them; assessBlast's own transitions are checked
 * on Nova's recorded compute services (test/fixtures/openstack/, via ./support).
 */
import { assessBlast, type BlastFacts, type StormState } from '../../../core/policy/blast';
import { PolicySchema } from '../../../core/policy/policy';
import { stormAudit, stormStep, stormSteps, type StormTransition } from '../../../core/policy/storms';
import { HEARTBEAT, forcedDownService, iso, listedService, sec } from './support';

const NOW = HEARTBEAT + sec(5);
const COOLDOWN = 30;
const over = { scope: 'cloud', failed: ['compute1', 'compute2'], total: 3, limit: '50%', tripped: true };
const under = { scope: 'cloud', failed: ['compute1'], total: 3, limit: '50%', tripped: false };
const storm = { since: iso(NOW - sec(60)), failed: ['compute1', 'compute2'], total: 3, limit: '50%' };
const cooling = (calm: number) => ({ ...storm, calmSince: iso(calm) });

describe('storm transitions', () => {
  it.each([
    ['no storm, over the limit', undefined, over, NOW, 'started'],
    ['no storm, under the limit', undefined, under, NOW, 'none'],
    ['a storm still over the limit', storm, over, NOW, 'none'],
    ['a storm back under the limit', storm, under, NOW, 'calming'],
    ['a cooldown not yet over', cooling(NOW), under, NOW + sec(COOLDOWN - 1), 'none'],
    ['a cooldown over', cooling(NOW), under, NOW + sec(COOLDOWN), 'resumed'],
    ['a cooldown, over the limit again', cooling(NOW), over, NOW + sec(10), 'flared'],
    ['a storm whose scope the policy no longer limits', storm, undefined, NOW, 'resumed'],
  ] as const)('%s → %s', (_, prev, count, at, want: StormTransition) => {
    expect(stormStep('cloud', prev, count, at, COOLDOWN).transition).toBe(want);
  });

  it('keeps when the storm started, and stores the new numbers while it goes on, logging nothing', () => {
    const more = { ...over, failed: ['compute1', 'compute2', 'compute3'] };
    const s = stormStep('cloud', storm, more, NOW, COOLDOWN);
    expect(s.next).toEqual({ since: storm.since, failed: more.failed, total: 3, limit: '50%' });
    expect(stormAudit(s, NOW, COOLDOWN)).toBeUndefined();
  });

  it('with stormCooldownSec 0 goes from the storm straight to resumed', () => {
    const s = stormStep('cloud', storm, under, NOW, 0);
    expect(s.transition).toBe('resumed');
    expect(s.next).toBeUndefined();
    expect(stormAudit(s, NOW, 0)).toMatchObject({ storm: 'resumed', calmSince: iso(NOW), until: iso(NOW) });
  });

  it('looks at every scope counted now or stormy before, in scope order', () => {
    const zone = { ...under, scope: 'zone:nova' };
    const steps = stormSteps({ 'aggregate:gone': storm }, [over, zone], NOW, COOLDOWN);
    expect(steps.map((s) => [s.scope, s.transition])).toEqual([
      ['aggregate:gone', 'resumed'],
      ['cloud', 'started'],
      ['zone:nova', 'none'],
    ]);
  });
});

describe('storm audit entries', () => {
  it('says which limit tripped, in which scope, with the counts', () => {
    const e = stormAudit(stormStep('cloud', undefined, over, NOW, COOLDOWN), NOW, COOLDOWN);
    expect(e).toMatchObject({
      at: iso(NOW),
      storm: 'started',
      scope: 'cloud',
      failed: ['compute1', 'compute2'],
      total: 3,
      limit: '50%',
      since: iso(NOW),
    });
    expect(e?.reason).toMatch(
      /^storm started in cloud: 2 of 3 hosts failed in cloud = 67 % \(compute1, compute2; limit 50%\)/,
    );
  });

  it('a calming storm says until when new host incidents stay held, with the count now', () => {
    const e = stormAudit(stormStep('cloud', storm, under, NOW, COOLDOWN), NOW, COOLDOWN);
    expect(e).toMatchObject({ storm: 'calming', failed: ['compute1'], calmSince: iso(NOW), until: iso(NOW + sec(30)) });
    expect(e?.reason).toMatch(/stay held until .* unless it goes over again/);
  });

  it('resumed says when the storm started, when it calmed and when its cooldown ended', () => {
    const at = NOW + sec(45); // the first look after the cooldown ended at NOW + 30 s
    const e = stormAudit(stormStep('cloud', cooling(NOW), under, at, COOLDOWN), at, COOLDOWN);
    expect(e).toMatchObject({
      at: iso(at),
      storm: 'resumed',
      since: storm.since,
      calmSince: iso(NOW),
      until: iso(NOW + sec(30)),
    });
  });

  it('a storm over its limit again during the cooldown says the cooldown is cancelled', () => {
    const e = stormAudit(stormStep('cloud', cooling(NOW), over, NOW + sec(10), COOLDOWN), NOW + sec(10), COOLDOWN);
    expect(e).toMatchObject({ storm: 'flared', since: storm.since, calmSince: iso(NOW) });
    expect(e?.reason).toMatch(/the cooldown is cancelled/);
  });
});

describe('assessBlast transitions', () => {
  const fleet = (n: number) =>
    Array.from({ length: n }, (_, i) => ({ ...listedService('compute1'), host: `compute${i + 1}` }));
  const forced = (host: string) => ({ ...forcedDownService(), host, zone: 'nova' });
  const facts = (storms: StormState): BlastFacts => ({
    at: NOW,
    services: [forced('compute1'), forced('compute2'), fleet(3)[2]],
    aggregates: [],
    incidentHosts: [],
    fencedThisCycle: [],
    storms,
  });
  const p = PolicySchema.parse({ blastRadius: { stormCooldownSec: COOLDOWN } });

  it('reports the storm it starts, and nothing on the next look that finds it stored', () => {
    const first = assessBlast('compute1', facts({}), p, false);
    expect(first.transitions.map((t) => [t.scope, t.transition])).toEqual([['cloud', 'started']]);
    expect(assessBlast('compute1', facts(first.next), p, false).transitions).toEqual([]);
  });
});
