import { OpenStackUnreachableError } from '../core/openstack/errors';
/** Polling for the CLI and the tests (never inside a function). */
export class WaitTimeoutError extends Error {
  override name = 'WaitTimeoutError';
}

export async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  timeoutSec: number,
  everyMs = 500,
): Promise<void> {
  const deadline = Date.now() + timeoutSec * 1000;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new WaitTimeoutError(`timed out after ${timeoutSec} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/**
 * A check that counts an OpenStack API too slow or unreachable this time as "not yet" (the shared
 * lab machine runs at a load of 15+; nova-api then misses the clients' 10 s timeout now and then).
 */
export const softly = (check: () => Promise<boolean>) => async (): Promise<boolean> => {
  try {
    return await check();
  } catch (e) {
    if (e instanceof OpenStackUnreachableError) return false;
    throw e;
  }
};

/** A call an overloaded API missed (heat-api, zaqar at a load of 20), made again: `tries` in all, `gapMs` apart. */
export async function reading<T>(read: () => Promise<T>, tries = 5, gapMs = 1000): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await read();
    } catch (e) {
      if (!(e instanceof OpenStackUnreachableError) || attempt >= tries) throw e;
      await new Promise((r) => setTimeout(r, gapMs));
    }
  }
}
