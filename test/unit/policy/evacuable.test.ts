/** Which servers of a failed host are evacuated, in what order, and where to (core/policy/evacuable.ts, targets.ts). */
import type { ReservedHost, ServerFacts } from '../../../core/policy/facts';
import { evacuableBecause, evacuationOrder } from '../../../core/policy/evacuable';
import { PolicySchema, type Policy } from '../../../core/policy/policy';
import { chooseTarget } from '../../../core/policy/targets';

const policy = (evacuation: Record<string, unknown> = {}, rest: Record<string, unknown> = {}): Policy =>
  PolicySchema.parse({ evacuation, ...rest });
const server = (o: Partial<ServerFacts> = {}): ServerFacts => ({
  id: 's1',
  name: 's1',
  metadata: {},
  gone: false,
  ...o,
});
const image = (properties: Record<string, string>, tags: string[] = []) => ({ id: 'img', properties, tags });
const flavor = (extraSpecs: Record<string, string>) => ({ name: 'm1.ha', extraSpecs });
const TAG = policy({ select: 'evacuable-tag' });

describe('evacuable selection', () => {
  it.each([
    [
      'HA_Enabled=True metadata (the default)',
      server({ metadata: { HA_Enabled: 'True' } }),
      policy(),
      undefined,
      /metadata HA_Enabled=True/,
    ],
    ['no HA metadata (the default)', server(), policy(), undefined, undefined],
    [
      'an image property evacuable=true',
      server({ image: image({ evacuable: 'True' }) }),
      TAG,
      undefined,
      /image img property evacuable=true/,
    ],
    ['an image tag', server({ image: image({}, ['evacuable']) }), TAG, undefined, /image img tagged/],
    [
      'a flavor extra spec with a composite key',
      server({ flavor: flavor({ 'trait:CUSTOM_evacuable': 'true' }) }),
      TAG,
      undefined,
      /flavor m1.ha extra spec trait:CUSTOM_evacuable=true/,
    ],
    [
      'a host aggregate tagged evacuable',
      server(),
      TAG,
      [{ name: 'ha-rack', metadata: { evacuable: 'true' } }],
      /host aggregate ha-rack/,
    ],
    ['an image property evacuable=false', server({ image: image({ evacuable: 'false' }) }), TAG, undefined, undefined],
    ['HA metadata only, under evacuable-tag', server({ metadata: { HA_Enabled: 'True' } }), TAG, undefined, undefined],
    ['anything, under all', server(), policy({ select: 'all' }), undefined, /every server/],
  ])('%s', (_what, s, p, aggregates, expected) => {
    const why = evacuableBecause(s, p, { aggregates });
    if (expected) expect(why).toMatch(expected);
    else expect(why).toBeUndefined();
  });

  it('leaves Heat-managed servers to Heat under all', () => {
    const owned = server({ owner: { root: { id: 'r', name: 'r' }, stack: { id: 'r', name: 'r' }, resourceName: 'x' } });
    expect(evacuableBecause(owned, policy({ select: 'all' }))).toBeUndefined();
  });
});

describe('evacuation order', () => {
  it('puts higher priority first (metadata, then image, then flavor), servers without one last, by name', () => {
    const order = evacuationOrder(
      [
        server({ id: 'a', name: 'zeta' }),
        server({ id: 'b', name: 'beta', flavor: flavor({ priority: '1' }) }),
        server({ id: 'c', name: 'gamma', image: image({ priority: '5' }), metadata: { priority: '9' } }),
        server({ id: 'd', name: 'alpha' }),
        server({ id: 'e', name: 'delta', image: image({ priority: '5' }) }),
      ],
      policy(),
    );
    expect(order.map((s) => s.id)).toEqual(['c', 'e', 'b', 'd', 'a']);
  });
});

describe('recovery method targets (Masakari semantics)', () => {
  const spare = [{ host: 'compute2', freeVcpus: 4, freeRamMb: 4096 }];
  const reserved: ReservedHost[] = [
    { host: 'compute3', status: 'disabled', state: 'up', forcedDown: false, freeVcpus: 8, freeRamMb: 8192 },
  ];
  const need = { vcpus: 2, ramMb: 128 };
  const down: ReservedHost[] = [{ ...reserved[0], state: 'down' }];
  it.each([
    ['auto', spare, reserved, { kind: 'auto', onto: ['compute2'] }],
    ['reserved_host', spare, reserved, { kind: 'reserved', host: 'compute3' }],
    ['reserved_host', spare, down, undefined],
    ['auto_priority', spare, reserved, { kind: 'auto', onto: ['compute2'] }],
    ['auto_priority', [], reserved, { kind: 'reserved', host: 'compute3' }],
    ['rh_priority', spare, reserved, { kind: 'reserved', host: 'compute3' }],
    ['rh_priority', spare, down, { kind: 'auto', onto: ['compute2'] }],
    ['rh_priority', [], down, undefined],
  ] as const)('%s with %j spare and %j reserved', (method, s, r, expected) => {
    expect(chooseTarget(method, { spare: s, reserved: r, need }).target).toEqual(expected);
  });

  it('skips a reserved host without room for all the servers', () => {
    const small: ReservedHost[] = [{ ...reserved[0], host: 'small', freeVcpus: 1 }, reserved[0]];
    expect(chooseTarget('reserved_host', { spare, reserved: small, need }).target).toEqual({
      kind: 'reserved',
      host: 'compute3',
    });
  });
});
