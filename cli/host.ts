/**
 * `stackmend host restore <host> [--wait-sec N] [--dry-run]`: a repaired host back into service
 * (cli/host-restore.ts), with its progress on stderr and Ctrl-C stopping it between two calls.
 * Who ran it is recorded as the machine's user (`local-user`), as `stackmend maintenance` does.
 */
import * as os from 'node:os';
import { RuntimeConfigSchema } from '../core/runtime/config';
import { depsFactory } from '../functions/_shared/deps';
import { parametersFrom, parse, UsageError } from './args';
import { restoreHost } from './host-restore';
import { sayer } from './output';

const HOST = /^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$/;

export async function host(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { 'wait-sec': { type: 'string' } });
  const [sub, name] = positionals;
  if (sub !== 'restore' || !name) throw new UsageError('host restore <host>');
  if (!HOST.test(name)) throw new UsageError(`"${name}" is not a host name`);
  const waitSec = Number(values['wait-sec'] ?? 180);
  if (!Number.isInteger(waitSec) || waitSec <= 0) throw new UsageError('--wait-sec is a whole number of seconds');
  const config = RuntimeConfigSchema.parse(parametersFrom(values));
  const d = depsFactory()(config, { dryRun: config.dry_run });
  const say = sayer('host restore', values);
  let interrupted = false;
  let wake: (() => void) | undefined;
  const onInt = () => {
    interrupted = true;
    say.info('interrupted: stopping before the next call');
    wake?.();
  };
  process.on('SIGINT', onInt);
  try {
    const res = await restoreHost(d, name, {
      say: (l) => say.info(l),
      sleep: (ms) => new Promise<void>((ok) => setTimeout((wake = ok), ms)),
      aborted: () => interrupted,
      waitSec,
      by: { via: 'local-user', name: os.userInfo().username },
    });
    process.stdout.write(`${JSON.stringify({ host: name, ...res }, null, 2)}\n`);
    return res.code;
  } finally {
    process.off('SIGINT', onInt);
    await d.store.close();
  }
}
