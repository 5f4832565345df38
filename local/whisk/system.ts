/**
 * The built-in `whisk.system` entities a deploy touches: the alarms feed package. (The API
 * gateway's route listing, `GET /api/v1/web/whisk.system/apimgmt/getApi`, is answered by the
 * server directly: there is no API gateway here, so the list is always empty.)
 */
import type { EntityStore } from './store';
import type { AlarmScheduler } from './feeds';
import { SYSTEM_NAMESPACE } from './names';

export function installSystemActions(store: EntityStore, alarms: AlarmScheduler): void {
  const ns = SYSTEM_NAMESPACE;
  store.putPackage(
    { namespace: ns, name: 'alarms' },
    { publish: true, annotations: [{ key: 'description', value: 'periodic triggers (interval, alarm, once)' }] },
    true,
  );
  for (const [name, handler] of Object.entries(alarms.feedActions())) {
    store.putInProcessAction(
      { namespace: ns, name: `alarms/${name}` },
      { handler, parameters: [], annotations: [{ key: 'feed', value: true }] },
    );
  }
}
