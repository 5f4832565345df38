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
