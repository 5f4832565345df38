/**
 * Calls an in-process action's main once (a handler the host registered — `stackmend serve`'s
 * steps from source — or a built-in feed), with the outcomes of OpenWhisk's Node.js runtime: the
 * same user-code semantics as a container (./container/user-code.cjs) and the same response
 * mapping as the invoker's (./container/answer.ts). Code deployed over the REST API never runs
 * here: it runs in containers (./container/). Params and results cross a JSON boundary.
 * Running past `timeoutMs` is an action developer error; in-process code cannot be killed, so the
 * runtime only stops waiting for it. Its console output lands in the activation's logs
 * (./console-capture.ts); no `__OW_*` variable is set (this process is shared by every action).
 */
import type { ActivationOutcome, UserMain } from './types';
import { withLogCapture } from './console-capture';
import { run } from './container/user-code.cjs';
import { developerError, fromStatus, Messages } from './container/answer';

export interface RunOutcome {
  outcome: ActivationOutcome;
  result: Record<string, unknown>;
  logs: string[];
}

export async function runAction(
  main: UserMain,
  params: Record<string, unknown>,
  timeoutMs: number,
): Promise<RunOutcome> {
  const buffer = { lines: [] as string[], open: true };
  const execution = withLogCapture(buffer, () => run(main, jsonCopy(params) as Record<string, unknown>)).then((a) =>
    fromStatus(a.code, jsonCopy(a.response)),
  );
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<ReturnType<typeof developerError>>((resolve) => {
    timer = setTimeout(() => resolve(developerError(Messages.timedOut(timeoutMs, false))), timeoutMs);
  });
  const settled = await Promise.race([execution, timeout]);
  clearTimeout(timer);
  buffer.open = false;
  return { ...settled, logs: buffer.lines };
}

function jsonCopy(value: unknown): unknown {
  try {
    return JSON.parse(JSON.stringify(value));
  } catch {
    return undefined;
  }
}
