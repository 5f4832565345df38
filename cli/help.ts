/** What `stackmend <command> --help` prints (cli/main.ts answers it before the command runs: no side effects). */

export const COMMON_HELP = `Common options:
  --os-cloud NAME, --cloud NAME   clouds.yaml entry (default: OS_CLOUD, then the OS_* variables)
  --state URL                     state store: file:<dir> (default file:.stackmend/state), redis://host:6379/<db>
  --policy FILE|JSON              the policy file, YAML (docs/policy.md; default: STACKMEND_POLICY_FILE)
  --token T                       webhook token classify-alarm accepts (default: STACKMEND_WEBHOOK_TOKEN)
  --notify-webhook URL, --notify-queue Q
  --dry-run                       change nothing, say what would be done
  -f, --format json|table|value   output of commands that print data (--json = -f json)
  -q, --quiet / -v, --verbose     less / more on stderr (colour only on a terminal; NO_COLOR turns it off)
  -h, --help                      this help; nothing is run
Exit codes: 0 handled, 2 bad usage or bad input (nothing changed), 3 a human is needed, 1 an error.`;

type Help = { usage: string; summary: string; details?: string };

export const HELP = {
  serve: {
    usage: 'serve [--port 3233] [--namespace guest] [--keystone-user U]… [--keystone-role R]… [--insecure-no-auth]',
    summary: 'host the five functions as web actions on 127.0.0.1 (OpenWhisk paths), /ui and /metrics',
    details:
      'classify-alarm needs a credential: --token, Keystone callers (--keystone-user/--keystone-role, for the\n' +
      'trust+http:// alarms `arm` creates) or --insecure-no-auth (a lab). Runs until Ctrl-C.',
  },
  invoke: {
    usage: "invoke <function> --data @file.json|'<json>' [--chain] [--dry-run]",
    summary: 'run one function once and print its JSON result',
    details:
      'functions: classify-alarm, mark-unhealthy, stack-update, evacuate, restart, notify. --chain runs the hand-offs too.',
  },
  arm: {
    usage: 'arm <stack> --url URL [--via keystone|http|zaqar] [--queue Q] [--subscriber URL]',
    summary: 'create the Aodh event alarms for every server of a Heat stack',
    details:
      'keystone (default): the alarms call trust+<url> with a Keystone token of your user, no secret in them;\n' +
      'http: the URL as given; zaqar: a trust+zaqar:// queue whose subscription pushes to --subscriber.',
  },
  disarm: { usage: 'disarm <stack>', summary: "delete the stack's stackmend alarms" },
  approve: {
    usage:
      'approve <incident> --fenced-by WHO [--method power-off|isolated|stonith|forced-down|operator] [--no-evacuate] [--chain]',
    summary: 'approve a held evacuation as the Keystone user of --os-cloud, then evacuate',
    details:
      'Only an approver (policy approverRoles, default admin; approverUsers) may approve. The approval is bound\n' +
      'to the incident and its host and expires (approvalTtlSec); evacuate checks the host in Nova again\n' +
      '(exit 3 if it is up or unproven). Progress (n/m servers ACTIVE) on stderr.',
  },
  incidents: { usage: 'incidents [-f json|table|value]', summary: 'incidents and their timelines' },
  audit: {
    usage: 'audit [--limit N] [-f json|table|value]',
    summary: "the audit log: incidents' steps, operators' switches, host commands, blast-radius storms",
  },
  dismiss: {
    usage: 'dismiss <incident> --reason "…"',
    summary: 'close an incident held open (it counts toward the circuit breaker)',
  },
  maintenance: {
    usage: 'maintenance on|off <host|stack:<id>|aggregate:<name>|all> | --host H | --aggregate A',
    summary: 'stop (or resume) healing a host, a host aggregate, a stack or everything',
  },
  pause: {
    usage: 'pause [--host H | --aggregate A]',
    summary: 'pause automation (everywhere, of a host or of a host aggregate): what would act is held',
    details: 'Alarms are still decided and recorded; repairs wait for `resume` or an approval. Audited with who.',
  },
  resume: { usage: 'resume [--host H | --aggregate A]', summary: 'resume automation paused by `pause`' },
  doctor: {
    usage: 'doctor [--config-dir /etc] [--strict] [-f json|table|value]',
    summary: 'check the configuration and the cloud for traps that make self-healing silently not work',
    details:
      'Reads the cloud through its APIs and the OpenStack configuration files under --config-dir it can read.\n' +
      'Each finding says how to fix it. Exit 3 when a finding fails (or warns, with --strict), else 0.',
  },
  host: {
    usage: 'host restore <host> [--wait-sec 180] [--dry-run]',
    summary: 'bring a repaired host back: power on, wait for its compute service, un-force, enable',
    details:
      "Refused (exit 3) while an incident still acts on the host. Powers the host on through the policy's\n" +
      'fencing driver (ironic, redfish; none for nova-forced-down), waits until its nova-compute reports to\n' +
      'Nova again, then un-forces and enables its compute service, reading it from Nova before each write.\n' +
      'Progress on stderr; at most --wait-sec in all (exit 3 when it runs out, or on Ctrl-C: nothing more is\n' +
      'done, what was done is said). Recorded in the audit log. Exit 2: Nova has no compute service there.',
  },
  policy: {
    usage: 'policy check <file> | policy explain --data @alarm.json [--policy FILE] [-f json|table|value]',
    summary: 'check a policy file; explain which rule an alarm matches and what would be done',
    details:
      'check: exit 0 valid, 2 invalid, each problem as file:line:col: path: message (docs/policy.md).\n' +
      'explain: reads Nova, Heat, Glance and the state store as a dry run does, changes nothing; `seen` is ' +
      'what the rules matched on (image, flavor, zone, aggregates); -v shows every rule; -f json adds the facts.',
  },
  demo: { usage: 'demo', summary: 'bring the lab up and heal a real cloud end to end' },
  bench: { usage: 'bench', summary: 'benchmarks (stackmend vs the Mistral chain and Masakari)' },
} as const satisfies Record<string, Help>;
export type CommandName = keyof typeof HELP;

export const isCommand = (c: string): c is CommandName => Object.hasOwn(HELP, c);

export function commandHelp(c: CommandName): string {
  const h: Help = HELP[c];
  return `Usage: stackmend ${h.usage}\n\n${h.summary}\n${h.details ? `\n${h.details}\n` : ''}\n${COMMON_HELP}\n`;
}

export const USAGE = `stackmend — self-healing for OpenStack, as serverless functions

Usage: stackmend <command> [options]      stackmend <command> --help: that command's options

${Object.entries(HELP)
  .map(([name, h]) => `  ${name.padEnd(12)} ${h.summary}`)
  .join('\n')}

${COMMON_HELP}
`;
