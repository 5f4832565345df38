/**
 * stackmend's own fencing, decided: a down host the policy names a driver for is evacuated only after
 * that driver reads its power back off (core/policy/decide-host.ts, core/policy/fencing.ts).
 */
import type { FenceRun } from '../../../core/domain/fencing';
import { parseAlarms } from '../../../core/domain/intake';
import { decide } from '../../../core/policy/decide';
import type { Facts, ServerFacts } from '../../../core/policy/facts';
import { checkFenceEvidence } from '../../../core/policy/fence';
import { fenceVerdict, ownFenceClaim } from '../../../core/policy/fencing';
import { hostLiveness } from '../../../core/policy/host-liveness';
import { PolicySchema } from '../../../core/policy/policy';
import { recordedEvent } from '../../support/steps';
import { HEARTBEAT, iso, listedService, sec } from './support';

const SILENT = HEARTBEAT + sec(60);
/** The recorded host monitor notification about compute1 (test/events/masakari/run1-compute-host.json). */
const [incident] = parseAlarms(recordedEvent('masakari/run1-compute-host.json'), {
  receivedAt: new Date(SILENT),
}).incidents;
const pet: ServerFacts = { id: 'p1', metadata: { HA_Enabled: 'True' }, gone: false, host: 'compute1', vcpus: 1 };
const fencing = PolicySchema.parse({ fencing: { hosts: { compute1: { driver: 'ironic', node: 'compute1' } } } });
const unfenced = (f: Partial<Facts> = {}): Facts => ({
  incident,
  host: { host: 'compute1', servers: [pet], spareHosts: [{ host: 'compute2', freeVcpus: 8, freeRamMb: 8192 }] },
  liveness: hostLiveness(listedService('compute1'), { now: SILENT }, fencing),
  fenceCheck: checkFenceEvidence([], { incident: incident.key, host: 'compute1', now: SILENT }, fencing),
  openIncidents: 1,
  repeats: 1,
  inMaintenance: false,
  ...f,
});

describe('decide with a fencing driver in the policy', () => {
  it('evacuates a down, unfenced host through its driver: rule fence-then-evacuate', () => {
    const { decision, plan } = decide(unfenced(), fencing);
    expect(decision).toMatchObject({ verdict: 'evacuate', rule: 'fence-then-evacuate' });
    expect(decision.reason).toMatch(/powers it off through ironic node compute1 and, once that reads back off/);
    expect(plan).toMatchObject({ action: 'evacuate', host: 'compute1', servers: [{ serverId: 'p1' }] });
  });

  it('still holds a down host without a driver', () => {
    const other = PolicySchema.parse({ fencing: { hosts: { compute2: { driver: 'ironic', node: 'compute2' } } } });
    expect(decide(unfenced(), other).decision).toMatchObject({ verdict: 'hold', rule: 'no-fence-evidence' });
  });

  it('fences nothing on a host Nova shows heartbeating', () => {
    const alive = hostLiveness(listedService('compute1'), { now: HEARTBEAT + sec(2) }, fencing);
    expect(decide(unfenced({ liveness: alive }), fencing).decision).toMatchObject({ rule: 'host-alive' });
  });

  it('rejects a policy whose driver names no node', () => {
    const r = PolicySchema.safeParse({ fencing: { hosts: { compute1: { driver: 'ironic' } } } });
    expect(r.success).toBe(false);
  });
});

describe('fenceVerdict', () => {
  const run: FenceRun = {
    host: 'compute1',
    target: { driver: 'ironic', node: 'compute1' },
    requestedAt: iso(SILENT),
    readings: 0,
  };
  const at = (s: number) => SILENT + sec(s);

  it.each<[string, Parameters<typeof fenceVerdict>[1], number, string]>([
    ['power read back off → fenced', { off: true, state: 'power off' }, 1, 'fenced'],
    ['still on within the timeout → read again', { off: false, state: 'power on' }, 5, 'wait'],
    ['unreadable within the timeout → read again', { error: 'ironic is unreachable' }, 5, 'wait'],
    ['still on at the timeout (30 s) → the fence failed', { off: false, state: 'power on' }, 30, 'failed'],
    ['off even after the timeout → fenced', { off: true, state: 'power off' }, 45, 'fenced'],
  ])('%s', (_name, reading, afterSec, verdict) => {
    expect(fenceVerdict(run, reading, at(afterSec), fencing).verdict).toBe(verdict);
  });

  it('says what failed and what the operator does next', () => {
    const v = fenceVerdict(run, { off: false, state: 'power on' }, at(31), fencing);
    expect(v.reason).toMatch(/ironic node compute1 still reads power on 31 s after.*Nothing was evacuated/);
  });

  it('gives stackmend-fence evidence only once read back off, never for an external agent', () => {
    expect(ownFenceClaim(run)).toBeUndefined();
    expect(ownFenceClaim({ ...run, offAt: iso(at(1)) })).toEqual({
      by: 'stackmend via ironic node compute1',
      method: 'power-off',
      at: iso(at(1)),
    });
    expect(ownFenceClaim({ ...run, target: { driver: 'nova-forced-down' }, offAt: iso(at(1)) })).toBeUndefined();
  });
});
