/**
 * `stackmend doctor`'s check of the state store: it answers (a probe key written, read back and deleted) and the
 * steps share it — `memory:` is private to one process, and `file:` to one machine, while the steps hand on
 * through a transport that may run the next one elsewhere (openwhisk, http, zaqar).
 */
import { randomUUID } from 'node:crypto';
import type { RuntimeConfig } from '../../core/runtime/config';
import { openStore, type StateStore } from '../../core/state';
import { why, type Finding } from './files';

/** The key the probe writes and deletes: the only change doctor makes. */
export const PROBE_PREFIX = 'doctor:probe:';

export async function checkStateStore(c: RuntimeConfig): Promise<Finding[]> {
  const check = 'state-store';
  const shared = c.dispatch.transport !== 'queue' && c.dispatch.transport !== 'inprocess';
  if (c.state_url.startsWith('memory:'))
    return [
      {
        check,
        level: 'fail',
        message: 'memory: is private to one process: the actions share no incidents, locks or breaker',
        fix: 'use redis://host:6379/<db>, reachable from every invoker',
      },
    ];
  const key = `${PROBE_PREFIX}${randomUUID()}`;
  let store: StateStore | undefined;
  try {
    store = openStore(c.state_url); // a file: store makes its directory here: that failure is a finding too
    await store.put(key, { at: new Date().toISOString() });
    const back = await store.get(key);
    await store.delete(key);
    if (!back) throw new Error('a key written was not read back');
  } catch (e) {
    return [
      {
        check,
        level: 'fail',
        message: `the state store ${c.state_url.replace(/\/\/[^@/]*@/, '//')} does not work: ${why(e)}`,
        fix: 'start it, or fix state_url',
      },
    ];
  } finally {
    await store?.close().catch(() => undefined);
  }
  if (c.state_url.startsWith('file:') && shared)
    return [
      {
        check,
        level: 'fail',
        message: `${c.state_url} is on this machine only, and the steps hand on through ${c.dispatch.transport}: other invokers do not see it`,
        fix: 'use redis://host:6379/<db>, reachable from every invoker',
      },
    ];
  return [{ check, level: 'ok', message: 'the state store answers (a probe key written, read and deleted)' }];
}
