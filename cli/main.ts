/**
 * stackmend — the command line. Exit codes: 0 handled; 2 bad usage or bad input (nothing
 * changed); 3 a human is needed (held for approval, repair failed); 1 an error.
 */
import { UsageError } from './args';

export const USAGE = `stackmend — self-healing for OpenStack, as serverless functions

Usage: stackmend <command> [options]

  serve                      host the five functions as web actions on 127.0.0.1:3233 (OpenWhisk paths)
        [--keystone-user U] [--keystone-role R] [--insecure-no-auth]
                             classify-alarm needs a credential: --token, Keystone callers, or --insecure-no-auth
  invoke <function> --data @file.json|'<json>' [--dry-run] [--chain]
                             run one function once and print its JSON result
  arm <stack> [--via http|zaqar] [--url URL] [--queue Q]
                             create the Aodh event alarms for every server of a Heat stack
  disarm <stack>             delete them
  approve <incident> --fenced-by WHO [--method power-off|isolated|stonith|forced-down|operator]
          [--no-evacuate] [--chain]
                             approve a held evacuation as the Keystone user of --cloud: stored on the
                             incident, bound to its host, expiring (policy approvalTtlSec); evacuate
                             then checks the host in Nova again (exit 3 if it is up or still unproven)
  incidents [--json]         incidents and their timelines; audit [--json]: the audit log
  dismiss <incident> --reason "…"
                             close an incident held open (it counts toward the circuit breaker)
  maintenance on|off <host|stack:<id>|all>
  demo                       bring the lab up and heal a real cloud end to end
  bench                      benchmarks (stackmend vs the Mistral chain and Masakari)

Common options: --cloud NAME (clouds.yaml; default OS_CLOUD) --state URL (file:.stackmend/state | redis://…)
  --token T (webhook token) --notify-webhook URL --notify-queue Q --policy JSON|@file --dry-run --json
`;

type Command = (argv: string[]) => Promise<number>;
const COMMANDS: Record<string, () => Promise<Command>> = {
  serve: async () => (require('./serve') as typeof import('./serve')).serve,
  invoke: async () => (require('./invoke') as typeof import('./invoke')).invoke,
  arm: async () => (require('./arm') as typeof import('./arm')).armCommand,
  disarm: async () => (require('./arm') as typeof import('./arm')).disarmCommand,
  approve: async () => (require('./approve') as typeof import('./approve')).approve,
  incidents: async () => (require('./incidents') as typeof import('./incidents')).incidents,
  audit: async () => (require('./incidents') as typeof import('./incidents')).audit,
  maintenance: async () => (require('./incidents') as typeof import('./incidents')).maintenance,
  dismiss: async () => (require('./incidents') as typeof import('./incidents')).dismiss,
  demo: async () => (require('./demo') as typeof import('./demo')).demo,
  bench: async () => (require('./bench') as typeof import('./bench')).bench,
};

export async function run(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === 'help' || cmd === '--help' || cmd === '-h') {
    process.stdout.write(USAGE);
    return cmd ? 0 : 2;
  }
  const load = COMMANDS[cmd];
  if (!load) {
    process.stderr.write(`stackmend: unknown command "${cmd}"\n\n${USAGE}`);
    return 2;
  }
  try {
    return await (
      await load()
    )(rest);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`stackmend ${cmd}: ${e.message}\n\n${USAGE}`);
      return 2;
    }
    process.stderr.write(`stackmend ${cmd}: ${(e as Error).name}: ${(e as Error).message}\n`);
    return 1;
  }
}
