/**
 * The scene of the evacuate tests with a reserved host (../evacuate-targets.test.ts, ../evacuate-retry.test.ts):
 * compute1 failed and is forced down in Nova (an external fencing agent), its pets planned for evacuation as
 * classify-alarm plans them; compute3 a reserved host, disabled like the lab's.
 */
import { step as evacuate } from '../../../../functions/evacuate';
import { forcedDownEvacuation, reconcile, world, type World } from '../../../support/steps';

/** The policy's recheckAfterSec (2 s by default), in ms. */
export const RECHECK_MS = 2000;

export async function failedHost(
  evacuationPolicy: Record<string, unknown>,
  pets: readonly string[],
  o: { compute3?: 'up' | 'down' } = {},
) {
  // the blast radius is not under test here (a down compute3 would make 2 of 3 hosts failed): its limit lifted
  const w = world({ config: { policy: { evacuation: evacuationPolicy, blastRadius: { cloud: '100%' } } } });
  w.cloud.nova.addService({ host: 'compute3', status: 'disabled', state: o.compute3 ?? 'up' });
  const incident = await forcedDownEvacuation(w, pets);
  return { w, incident };
}

/** Nova's evacuations end, the recheck delay passes, and evacuate's due work runs. */
export const later = async (w: World) => {
  w.cloud.tick();
  w.advance(RECHECK_MS);
  return reconcile(w, evacuate);
};

/** The host each evacuation named, in order (undefined: the scheduler's choice). */
export const targetsOfEvacuations = (w: World) => w.cloud.callsTo('nova.evacuate').map((c) => c.args[1]);
