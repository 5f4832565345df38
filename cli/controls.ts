/**
 * `stackmend pause | resume [--host H | --aggregate A]`: the operator's pause of automation — of
 * everything, one compute host, or one host aggregate (functions/_shared/controls.ts). What would act there
 * is held for a human at the next decision; every change is in the audit log with who made it.
 */
import * as os from 'node:os';
import { openStore } from '../core/state';
import { Controls, EVERYTHING } from '../functions/_shared/controls';
import { parametersFrom, parse, UsageError } from './args';

const NAME = /^[A-Za-z0-9_.-][A-Za-z0-9 _.-]{0,254}$/;

/**
 * The subject of --host / --aggregate (at most one), `all` without either. An empty name (`--host "$HOST"` with
 * HOST unset) is refused, not read as "everything".
 */
export function controlSubject(values: { host?: string; aggregate?: string }, command: string): string {
  const { host, aggregate } = values;
  if (host !== undefined && aggregate !== undefined)
    throw new UsageError(`${command} takes --host or --aggregate, not both`);
  if (host !== undefined) return named('host', host);
  if (aggregate !== undefined) return named('aggregate', aggregate);
  return EVERYTHING;
}

function named(kind: 'host' | 'aggregate', name: string): string {
  if (!NAME.test(name)) throw new UsageError(`--${kind} "${name}" is not ${kind === 'host' ? 'a' : 'an'} ${kind} name`);
  return `${kind}:${name}`;
}

/** Who ran the command, as the machine knows them. */
export const localUser = () => ({ via: 'local-user', name: os.userInfo().username });

async function setPause(argv: string[], on: boolean): Promise<number> {
  const command = on ? 'pause' : 'resume';
  const { values, positionals } = parse(argv, { host: { type: 'string' }, aggregate: { type: 'string' } });
  if (positionals.length) throw new UsageError(`${command} takes no arguments besides --host or --aggregate`);
  const subject = controlSubject(values, command);
  const store = openStore(String(parametersFrom(values).state_url));
  try {
    await new Controls(store, Date.now).set('pause', on, localUser(), subject);
  } finally {
    await store.close();
  }
  const what = subject === EVERYTHING ? 'automation' : `automation of ${subject}`;
  process.stdout.write(`${what} ${on ? 'paused: what would act is held for a human' : 'resumed'}\n`);
  return 0;
}

export const pause = (argv: string[]) => setPause(argv, true);
export const resume = (argv: string[]) => setPause(argv, false);
