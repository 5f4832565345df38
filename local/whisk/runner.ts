/**
 * Calls an action's main once, with OpenWhisk's Node runtime semantics
 * (core/nodejsActionBase/runner.js and src/service.js):
 * - a synchronous throw                   → action developer error "An error has occurred: …"
 * - a rejected promise                    → application error {error: <serialized error>}
 * - `undefined`                           → success {}
 * - a non-object                          → action developer error "The action did not return a dictionary."
 * - an object with an `error` property    → application error
 * - running past `limits.timeout`         → action developer error (the code cannot be killed
 *                                           in-process: the runtime stops waiting for it)
 * Params and results cross a JSON boundary, as they do over the container's HTTP interface.
 * The `__OW_*` variables are set just before main is called, as service.js does per /run.
 */
import type { ActivationOutcome, UserMain } from './types';
import { ActivationStatus, isDictionary } from './types';
import * as vm from 'node:vm';
import { withLogCapture } from './console-capture';

export interface RunContext {
  activationId: string;
  /** `/guest/stackmend/notify` */
  actionPath: string;
  namespace: string;
  deadline: number;
  apiHost: string;
  /** only for actions annotated `provide-api-key: true` */
  apiKey?: string;
}

export interface RunOutcome {
  outcome: ActivationOutcome;
  result: Record<string, unknown>;
  logs: string[];
}

export async function runAction(
  main: UserMain,
  params: Record<string, unknown>,
  context: RunContext,
  timeoutMs: number,
): Promise<RunOutcome> {
  const buffer = { lines: [] as string[], open: true };
  const execution = withLogCapture(buffer, () => {
    setActivationEnvironment(context);
    return callMain(main, jsonCopy(params) as Record<string, unknown>);
  });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Omit<RunOutcome, 'logs'>>((resolve) => {
    timer = setTimeout(
      () => resolve(developerError(`The action exceeded its time limits of ${timeoutMs} milliseconds.`)),
      timeoutMs,
    );
  });
  const settled = await Promise.race([execution, timeout]);
  clearTimeout(timer);
  buffer.open = false;
  return { ...settled, logs: buffer.lines };
}

async function callMain(main: UserMain, params: Record<string, unknown>): Promise<Omit<RunOutcome, 'logs'>> {
  let returned: unknown;
  try {
    returned = main(params);
  } catch (error) {
    console.error(error);
    return developerError(`An error has occurred: ${String(error)}`);
  }
  let value: unknown;
  try {
    value = await returned;
  } catch (error) {
    return { outcome: ActivationStatus.applicationError, result: { error: error ? serializeError(error) : {} } };
  }
  if (value === undefined) value = {};
  const result = typeof value === 'object' && value !== null ? jsonCopy(value) : undefined;
  if (!isDictionary(result)) {
    console.error(`Result must be of type object but has type "${typeof value}":`, value);
    return developerError('The action did not return a dictionary.');
  }
  return { outcome: 'error' in result ? ActivationStatus.applicationError : ActivationStatus.success, result };
}

function developerError(message: string): Omit<RunOutcome, 'logs'> {
  return { outcome: ActivationStatus.developerError, result: { error: message } };
}

const ENVIRONMENT = [
  '__OW_ACTION_NAME',
  '__OW_ACTIVATION_ID',
  '__OW_NAMESPACE',
  '__OW_DEADLINE',
  '__OW_API_HOST',
  '__OW_API_KEY',
] as const;

/** Bundles run in Node's main context, whose `process` differs from this module's under jest. */
const processes = [...new Set<NodeJS.Process>([process, vm.runInThisContext('process') as NodeJS.Process])];

function setActivationEnvironment(context: RunContext): void {
  const values: Record<(typeof ENVIRONMENT)[number], string | undefined> = {
    __OW_ACTION_NAME: context.actionPath,
    __OW_ACTIVATION_ID: context.activationId,
    __OW_NAMESPACE: context.namespace,
    __OW_DEADLINE: String(context.deadline),
    __OW_API_HOST: context.apiHost,
    __OW_API_KEY: context.apiKey,
  };
  for (const { env } of processes) {
    for (const key of ENVIRONMENT) {
      if (values[key] === undefined) delete env[key];
      else env[key] = values[key];
    }
  }
}

/** Like the `serialize-error` package the Node runtime uses: name, message, stack and own fields. */
function serializeError(error: unknown): unknown {
  if (typeof error !== 'object' || error === null) return error;
  const fields: Record<string, unknown> = {};
  for (const key of ['name', 'message', 'stack'] as const)
    if (key in error) fields[key] = (error as Record<string, unknown>)[key];
  return jsonCopy({ ...fields, ...(error as Record<string, unknown>) });
}

function jsonCopy(value: unknown): unknown {
  try {
    return JSON.parse(JSON.stringify(value));
  } catch {
    return undefined;
  }
}
