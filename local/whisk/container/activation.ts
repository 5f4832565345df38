/**
 * One activation in a container, as OpenWhisk's ContainerProxy runs it: take a container from the
 * action's pool; when it is cold, `/init` it with the code and the `__OW_*` environment of this
 * first activation; `/run` with the parameters and the per-activation fields the proxy turns into
 * `__OW_*` variables (namespace, action_name, action_version, activation_id, transaction_id,
 * deadline, and api_key only for an action annotated `provide-api-key: true`); cut its logs; give
 * the container back or destroy it.
 */
import type { ActionEntity, CodeExec, KeyValue } from '../types';
import { annotation } from '../types';
import { isBase64Zip } from '../unzip';
import { answered, keepsContainer, type Answered } from './answer';
import type { ContainerPool } from './pool';

/** How long the logs may trail the answer (both sentinels) before they are cut. */
const LOG_GRACE_MS = 2_000;

export interface ActivationContext {
  activationId: string;
  transactionId: string;
  /** `/guest/stackmend/notify` */
  actionPath: string;
  namespace: string;
  apiKey: string;
}

export interface ContainerRun extends Answered {
  logs: string[];
  annotations: KeyValue[];
}

export async function runInContainer(
  pool: ContainerPool,
  action: ActionEntity,
  exec: CodeExec,
  params: Record<string, unknown>,
  context: ActivationContext,
): Promise<ContainerRun> {
  const timeout = action.limits.timeout;
  const container = await pool.acquire();
  const fields = () => activationFields(action, context, Date.now() + timeout);
  const annotations: KeyValue[] = [];
  if (!container.initialized) {
    const started = Date.now();
    const env = Object.fromEntries(Object.entries(fields()).map(([k, v]) => [`__OW_${k.toUpperCase()}`, v]));
    const value = { name: action.name, main: exec.main ?? 'main', code: exec.code, binary: binary(exec), env };
    const init = answered(await container.post('/init', { value }, timeout), timeout, true);
    annotations.push({ key: 'initTime', value: Date.now() - started });
    if (!keepsContainer(init)) {
      const logs = await container.logs.take(LOG_GRACE_MS);
      await pool.discard(container);
      return { ...init, logs, annotations: [...annotations, { key: 'timeout', value: isTimeout(init) }] };
    }
    container.initialized = true;
  }
  const answer = await container.post('/run', { value: params, ...fields() }, timeout);
  const run = answered(answer, timeout);
  const logs = await container.logs.take(answer.kind === 'answered' ? LOG_GRACE_MS : 0);
  if (keepsContainer(run)) pool.release(container);
  else await pool.discard(container); // the record exists once the process is gone
  return { ...run, logs, annotations: [...annotations, { key: 'timeout', value: answer.kind === 'timeout' }] };
}

function activationFields(action: ActionEntity, c: ActivationContext, deadline: number): Record<string, string> {
  return {
    namespace: c.namespace,
    action_name: c.actionPath,
    action_version: action.version,
    activation_id: c.activationId,
    transaction_id: c.transactionId,
    deadline: String(deadline),
    ...(annotation(action, 'provide-api-key') === true ? { api_key: c.apiKey } : {}),
  };
}

/** The controller marks a base64 zip as binary, whatever the deployer sent. */
const binary = (exec: CodeExec) => exec.binary === true || isBase64Zip(exec.code);
const isTimeout = (a: Answered) => String(a.result.error).includes('exceeded its time limits');
