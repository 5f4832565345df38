/**
 * Progress of long work on stderr, read from the incident record the steps keep (core/domain/plan.ts
 * `progress`): an evacuation as `n/m servers ACTIVE` (confirmed by evacuate's check in Nova), said
 * when it changes and once at the end.
 */
import { openStore } from '../core/state';
import { evacuateTargets } from '../functions/_shared/progress';
import { Incidents } from '../functions/_shared/incidents';
import type { Say } from './output';

export function evacuationProgress(stateUrl: string, key: string, say: Say) {
  const store = openStore(stateUrl);
  const incidents = new Incidents(store, Date.now);
  let last = '';
  let pending: Promise<void> = Promise.resolve();
  const read = async () => {
    const r = await incidents.get(key);
    if (!r) return;
    const servers = evacuateTargets(r);
    const done = servers.filter((s) => r.progress[s.serverId] === 'confirmed').length;
    const failed = servers.filter((s) => r.progress[s.serverId] === 'failed').length;
    const line = `evacuate: ${done}/${servers.length} servers ACTIVE${failed ? `, ${failed} failed` : ''} (${r.status})`;
    if (line !== last) say.info((last = line));
  };
  return {
    report: () => (pending = pending.then(read, read)),
    close: async () => {
      await pending.then(read, read).catch(() => undefined);
      await store.close();
    },
  };
}
