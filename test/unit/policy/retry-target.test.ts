/**
 * The next target after a failed evacuation (core/policy/targets.ts retryTarget), per recovery method:
 * compute2 a spare host with room, compute3 and compute4 reserved hosts up with room.
 */
import type { Attempted } from '../../../core/domain/plan';
import type { RecoveryMethod } from '../../../core/policy/evacuation';
import type { ReservedHost } from '../../../core/policy/facts';
import { retryTarget } from '../../../core/policy/targets';

const ROOM = { freeVcpus: 8, freeRamMb: 16384 };
const spare = [{ host: 'compute2', ...ROOM }];
const reservedHost = (host: string): ReservedHost => ({
  host,
  ...ROOM,
  status: 'disabled',
  state: 'up',
  forcedDown: false,
});
const reserved = [reservedHost('compute3'), reservedHost('compute4')];
const need = { vcpus: 1, ramMb: 64 };
const AUTO: Attempted = { kind: 'auto' };
const rh = (host: string): Attempted => ({ kind: 'reserved', host });

describe('retryTarget', () => {
  it.each<[RecoveryMethod, Attempted[], string | undefined]>([
    ['auto', [AUTO], 'auto'],
    ['auto', [AUTO, AUTO], 'auto'], // the scheduler once more, as often as the retries allow
    ['reserved_host', [rh('compute3')], 'compute4'],
    ['reserved_host', [rh('compute3'), rh('compute4')], undefined],
    ['auto_priority', [AUTO], 'compute3'],
    ['auto_priority', [AUTO, rh('compute3')], 'compute4'],
    ['auto_priority', [rh('compute3')], 'auto'], // the reserved host was first: the scheduler had no room then
    ['rh_priority', [rh('compute3')], 'auto'],
    ['rh_priority', [rh('compute3'), AUTO], 'compute4'],
  ])('%s after %j failed (3 retries allowed) → %s', (method, tried, expected) => {
    const next = retryTarget(method, { tried, retries: 3, spare, reserved, need }).target;
    expect(next && (next.kind === 'auto' ? 'auto' : next.host)).toBe(expected);
  });

  it('gives up once the retries are spent, whatever target is left', () => {
    const choice = retryTarget('auto_priority', { tried: [AUTO, rh('compute3')], retries: 1, spare, reserved, need });
    expect(choice).toEqual({ reason: expect.stringMatching(/the 1 retry the policy allows is spent/) });
  });

  it('gives up when no target can take the server: every reserved host tried, the scheduler has no room', () => {
    const choice = retryTarget('rh_priority', {
      tried: [rh('compute3')],
      retries: 3,
      spare: [{ host: 'compute2', freeVcpus: 0, freeRamMb: 0 }],
      reserved: [reservedHost('compute3')],
      need,
    });
    expect(choice.target).toBeUndefined();
    expect(choice.reason).toMatch(/no enabled, up host has room.*every reserved host was tried/);
  });
});
