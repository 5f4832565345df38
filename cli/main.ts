/**
 * stackmend — the command line. Exit codes: 0 handled; 2 bad usage or bad input (nothing
 * changed); 3 a human is needed (held for approval, repair failed); 1 an error.
 */
import { StackmendError } from '../core/domain/errors';
import { UsageError } from './args';
import { commandHelp, isCommand, USAGE, type CommandName } from './help';

export { USAGE };

type Command = (argv: string[]) => Promise<number>;
const COMMANDS: Record<CommandName, () => Promise<Command>> = {
  serve: async () => (require('./serve') as typeof import('./serve')).serve,
  invoke: async () => (require('./invoke') as typeof import('./invoke')).invoke,
  arm: async () => (require('./arm') as typeof import('./arm')).armCommand,
  disarm: async () => (require('./arm') as typeof import('./arm')).disarmCommand,
  approve: async () => (require('./approve') as typeof import('./approve')).approve,
  incidents: async () => (require('./incidents') as typeof import('./incidents')).incidents,
  audit: async () => (require('./incidents') as typeof import('./incidents')).audit,
  maintenance: async () => (require('./incidents') as typeof import('./incidents')).maintenance,
  dismiss: async () => (require('./incidents') as typeof import('./incidents')).dismiss,
  host: async () => (require('./host') as typeof import('./host')).host,
  pause: async () => (require('./controls') as typeof import('./controls')).pause,
  resume: async () => (require('./controls') as typeof import('./controls')).resume,
  demo: async () => (require('./demo') as typeof import('./demo')).demo,
  bench: async () => (require('./bench') as typeof import('./bench')).bench,
  doctor: async () => (require('./doctor') as typeof import('./doctor')).doctor,
  policy: async () => (require('./policy') as typeof import('./policy')).policy,
};

/** Bad input the command named (an unknown incident, a payload it cannot read): exit 2, as bad usage. */
const badInput = (e: unknown) => e instanceof StackmendError && e.status >= 400 && e.status < 500;

export async function run(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === 'help' || cmd === '--help' || cmd === '-h') {
    process.stdout.write(USAGE);
    return cmd ? 0 : 2;
  }
  if (!isCommand(cmd)) {
    process.stderr.write(`stackmend: unknown command "${cmd}"\n\n${USAGE}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(commandHelp(cmd));
    return 0;
  }
  try {
    return await (
      await COMMANDS[cmd]()
    )(rest);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`stackmend ${cmd}: ${e.message}\n\n${commandHelp(cmd)}`);
      return 2;
    }
    process.stderr.write(`stackmend ${cmd}: ${(e as Error).name}: ${(e as Error).message}\n`);
    return badInput(e) ? 2 : 1;
  }
}
