/** Flags shared by the commands, and the runtime parameters they build. */
import * as fs from 'node:fs';
import { parseArgs } from 'node:util';
import { readPolicyArg } from './policy-file';

export const COMMON = {
  cloud: { type: 'string' }, // clouds.yaml entry (default: OS_CLOUD, then OS_* variables)
  'os-cloud': { type: 'string' }, // the same, as the openstack CLI spells it
  state: { type: 'string' }, // state store URL (default file:.stackmend/state)
  token: { type: 'string' }, // webhook token classify-alarm requires (default: STACKMEND_WEBHOOK_TOKEN)
  'notify-webhook': { type: 'string' },
  'notify-queue': { type: 'string' },
  policy: { type: 'string' }, // the policy file (YAML or JSON; cli/policy-file.ts), or inline JSON
  'dry-run': { type: 'boolean' },
  json: { type: 'boolean' }, // = -f json
  format: { type: 'string', short: 'f' }, // json | table | value (cli/output.ts)
  quiet: { type: 'boolean', short: 'q' },
  verbose: { type: 'boolean', short: 'v' },
  help: { type: 'boolean', short: 'h' },
} as const;

export class UsageError extends Error {
  override name = 'UsageError';
}

export function parse<O extends Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }>>(
  argv: string[],
  options: O,
) {
  try {
    return parseArgs({ args: argv, options: { ...COMMON, ...options }, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/**
 * A number flag: `dflt` when it is absent, else its value, which must be at least `min` (and whole unless
 * `fraction`); a UsageError naming the flag otherwise.
 */
export function numberArg(
  flag: string,
  arg: string | undefined,
  dflt: number,
  o: { min?: number; fraction?: boolean } = {},
): number {
  if (arg === undefined) return dflt;
  const n = Number(arg);
  const min = o.min ?? 0;
  if (arg.trim() === '' || !Number.isFinite(n) || n < min || (!o.fraction && !Number.isInteger(n)))
    throw new UsageError(`--${flag} ${JSON.stringify(arg)}: ${o.fraction ? 'a number' : 'a whole number'} ≥ ${min}`);
  return n;
}

/** JSON inline or from `@file`; a UsageError naming the flag when it is neither. */
export function readJsonArg(flag: string, arg: string): unknown {
  try {
    return JSON.parse(arg.startsWith('@') ? fs.readFileSync(arg.slice(1), 'utf8') : arg);
  } catch (e) {
    throw new UsageError(`--${flag} is not JSON: ${(e as Error).message}`);
  }
}

/** Runtime parameters (the same keys a deployed action gets as defaults). */
export function parametersFrom(v: Record<string, unknown>, env = process.env): Record<string, unknown> {
  const notify: Record<string, string> = {};
  if (v['notify-webhook']) notify.webhook_url = String(v['notify-webhook']);
  if (v['notify-queue']) notify.zaqar_queue = String(v['notify-queue']);
  const cloud = (v['os-cloud'] as string | undefined) ?? (v.cloud as string | undefined) ?? env.OS_CLOUD;
  const token = (v.token as string | undefined) ?? env.STACKMEND_WEBHOOK_TOKEN;
  const policy = (v.policy as string | undefined) ?? env.STACKMEND_POLICY_FILE;
  return {
    ...(cloud ? { cloud } : {}),
    state_url: (v.state as string | undefined) ?? env.STACKMEND_STATE_URL ?? 'file:.stackmend/state',
    ...(token ? { webhook_token: token } : {}),
    ...(policy ? { policy: readPolicyArg(policy) } : {}),
    notify,
    dry_run: !!v['dry-run'],
  };
}
