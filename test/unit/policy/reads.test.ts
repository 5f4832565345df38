/**
 * Which reads a server incident's facts need (core/policy/reads.ts): the image and the host's aggregates
 * only when a rule that may match the incident, or an evacuation selection in force, looks at them.
 */
import type { IncidentKind } from '../../../core/domain/incident';
import { PolicySchema } from '../../../core/policy/policy';
import { serverReads } from '../../../core/policy/reads';

const NONE = { image: false, aggregates: false };
const BOTH = { image: true, aggregates: true };
const rule = (match: Record<string, unknown>, settings?: Record<string, unknown>) => ({
  name: 'r',
  match,
  ...(settings ? { settings } : {}),
});

describe('serverReads', () => {
  it.each<[string, Record<string, unknown>, IncidentKind, { image: boolean; aggregates: boolean }]>([
    ['the default policy needs neither', {}, 'server-error', NONE],
    [
      'rules on metadata, flavor, stack, host and zone need neither (they come with the server)',
      {
        rules: [
          rule({ metadata: { role: 'db' } }),
          rule({ flavor: { 'hw:cpu_policy': 'dedicated' } }),
          rule({ stack: 'web', host: 'compute*', availabilityZone: 'az1' }),
        ].map((r, i) => ({ ...r, name: `r${i}` })),
      },
      'server-error',
      NONE,
    ],
    [
      'a rule on image properties needs the image',
      { rules: [rule({ image: { os: 'windows' } })] },
      'server-stopped',
      {
        image: true,
        aggregates: false,
      },
    ],
    [
      'a rule on an aggregate name needs the aggregates',
      { rules: [rule({ aggregate: 'rack1' })] },
      'server-error',
      {
        image: false,
        aggregates: true,
      },
    ],
    [
      'a rule on aggregate metadata needs the aggregates',
      { rules: [rule({ aggregateMetadata: { ssd: 'true' } })] },
      'server-deleted',
      { image: false, aggregates: true },
    ],
    ['the flat evacuable-tag selection needs both', { evacuation: { select: 'evacuable-tag' } }, 'server-error', BOTH],
    [
      "a rule's evacuable-tag selection needs both",
      { rules: [rule({ metadata: { role: 'db' } }, { evacuation: { select: 'evacuable-tag' } })] },
      'server-error',
      BOTH,
    ],
    [
      'a rule for host incidents only needs nothing for a server incident',
      { rules: [rule({ kind: 'host-down', image: { os: 'windows' } }, { evacuation: { select: 'evacuable-tag' } })] },
      'server-error',
      NONE,
    ],
    [
      'a rule whose kinds include this one counts',
      { rules: [rule({ kind: ['host-down', 'server-error'], aggregate: 'rack1' })] },
      'server-error',
      { image: false, aggregates: true },
    ],
  ])('%s', (_, policy, kind, want) => {
    expect(serverReads(PolicySchema.parse(policy), kind)).toEqual(want);
  });
});
