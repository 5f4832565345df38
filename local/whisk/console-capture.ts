/**
 * Captures what an action writes with `console.*` into its activation's `logs`, as OpenWhisk
 * captures a container's stdout/stderr. Actions share this process, so the current activation is
 * tracked with AsyncLocalStorage: output written outside an activation passes through untouched,
 * and so does output of work an activation left running after it ended (e.g. past its timeout).
 *
 * Deployed bundles are loaded into Node's main context while code under jest runs in a sandbox
 * context with its own `console`; both consoles are patched (once, reference-counted).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { format } from 'node:util';
import * as vm from 'node:vm';

export interface LogBuffer {
  lines: string[];
  open: boolean;
}

const Streams = {
  log: 'stdout',
  info: 'stdout',
  debug: 'stdout',
  warn: 'stderr',
  error: 'stderr',
  trace: 'stderr',
} as const;
type Method = keyof typeof Streams;

const current = new AsyncLocalStorage<LogBuffer>();
let installs = 0;
let uninstall: (() => void) | undefined;

/** Runs `fn` so that console output made by it (and by what it awaits) lands in `buffer`. */
export function withLogCapture<T>(buffer: LogBuffer, fn: () => T): T {
  return current.run(buffer, fn);
}

/** Runs `fn` outside any activation (timers of feeds must not inherit the feed action's buffer). */
export function outsideActivation<T>(fn: () => T): T {
  return current.exit(fn);
}

/** Patches the consoles; returns the release function. Safe to call once per running runtime. */
export function installConsoleCapture(): () => void {
  if (installs++ === 0) uninstall = patchConsoles();
  let released = false;
  return () => {
    if (released) return;
    released = true;
    if (--installs === 0) uninstall?.();
  };
}

function patchConsoles(): () => void {
  const consoles = new Set<Console>([globalThis.console, vm.runInThisContext('console') as Console]);
  const restores: (() => void)[] = [];
  for (const target of consoles) {
    for (const method of Object.keys(Streams) as Method[]) {
      const original = target[method];
      target[method] = function captured(this: Console, ...args: unknown[]) {
        const buffer = current.getStore();
        if (!buffer?.open) return (original as (...a: unknown[]) => void).apply(this, args);
        buffer.lines.push(`${new Date().toISOString()} ${Streams[method]}: ${format(...args)}`);
      } as Console[Method];
      restores.push(() => {
        target[method] = original;
      });
    }
  }
  return () => restores.forEach((restore) => restore());
}
