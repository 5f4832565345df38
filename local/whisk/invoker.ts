/**
 * Runs actions: merges parameters (package < action < invocation), runs deployed code in the
 * action's containers (./container/: a process per container, one activation at a time) or calls
 * an in-process handler (./runner.ts), runs sequences component by component, records one
 * activation per run and writes one structured log line for it. Tracks what is in flight so
 * callers can wait for quiet.
 */
import type { ActionEntity, ActivationRecord, CodeExec, EntityRef, KeyValue, LogSink, SequenceExec } from './types';
import { ActivationStatus, isSequence, outcomeOf, toDictionary } from './types';
import type { EntityStore } from './store';
import { type ActivationLog, activationRecord, newActivationId } from './activations';
import { runAction, type RunOutcome } from './runner';
import { WhiskError } from './errors';
import { qualifiedPath } from './names';
import { runInContainer, type Containers } from './container';

export interface InvokerDeps {
  store: EntityStore;
  containers: Containers;
  activations: ActivationLog;
  log: LogSink;
  /** handed to actions annotated `provide-api-key: true` as `__OW_API_KEY` */
  apiKey: string;
}
export interface InvokeOptions {
  activationId?: string;
  /** the request's id (the activation's `__OW_TRANSACTION_ID`); a fresh one when absent */
  transactionId?: string;
  cause?: string;
  depth?: number;
}

const MAX_SEQUENCE_DEPTH = 50;

export class Invoker {
  private readonly inFlight = new Set<Promise<unknown>>();
  constructor(private readonly deps: InvokerDeps) {}

  /** Runs the action to completion. Throws WhiskNotFoundError when it does not exist. */
  invoke(ref: EntityRef, params: Record<string, unknown>, options: InvokeOptions = {}): Promise<ActivationRecord> {
    const action = this.deps.store.actions.get(ref);
    const run = this.execute(action, params, options);
    this.inFlight.add(run);
    void run.finally(() => this.inFlight.delete(run)).catch(() => undefined);
    return run;
  }

  /** Starts the action and returns its activation id at once (non-blocking invoke, rule fan-out). */
  start(ref: EntityRef, params: Record<string, unknown>, options: InvokeOptions = {}): string {
    const activationId = options.activationId ?? newActivationId();
    this.invoke(ref, params, { ...options, activationId }).catch((error: unknown) =>
      this.deps.log({
        level: 'error',
        msg: 'activation could not run',
        action: qualifiedPath(ref),
        activationId,
        error: String(error),
      }),
    );
    return activationId;
  }

  /** Resolves once no activation is running (including those started while waiting). */
  async settled(): Promise<void> {
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
  }

  private async execute(
    action: ActionEntity,
    params: Record<string, unknown>,
    options: InvokeOptions,
  ): Promise<ActivationRecord> {
    const activationId = options.activationId ?? newActivationId();
    const start = Date.now();
    const pkg = this.deps.store.packageOf(action);
    const merged = { ...toDictionary(pkg?.parameters ?? []), ...toDictionary(action.parameters), ...params };
    const run: RunOutcome & { annotations?: KeyValue[] } = isSequence(action.exec)
      ? await this.runSequence(action.exec, merged, activationId, options.depth ?? 0)
      : await this.runCode(action, action.exec, merged, activationId, options.transactionId);
    const record = activationRecord({
      activationId,
      entity: action,
      subject: this.deps.store.namespace,
      start,
      outcome: run.outcome,
      result: run.result,
      logs: run.logs,
      annotations: [
        { key: 'kind', value: action.exec.kind },
        { key: 'limits', value: action.limits },
        ...(run.annotations ?? []),
      ],
      cause: options.cause,
    });
    this.deps.activations.add(record);
    this.deps.log({
      level: record.response.success ? 'info' : 'warn',
      msg: 'activation',
      action: qualifiedPath(action),
      activationId,
      duration: record.duration,
      success: record.response.success,
      status: record.response.status,
      ...(options.cause ? { cause: options.cause } : {}),
      ...(record.response.success ? {} : { error: summary(record.response.result.error) }),
    });
    return record;
  }

  private async runCode(
    action: ActionEntity,
    exec: CodeExec,
    params: Record<string, unknown>,
    activationId: string,
    transactionId = newActivationId(),
  ): Promise<RunOutcome & { annotations?: KeyValue[] }> {
    if (action.handler) return runAction(action.handler, params, action.limits.timeout);
    const context = {
      activationId,
      transactionId,
      actionPath: `/${qualifiedPath(action)}`,
      namespace: this.deps.store.namespace,
      apiKey: this.deps.apiKey,
    };
    try {
      return await runInContainer(this.deps.containers.poolFor(action), action, exec, params, context);
    } catch (error) {
      return {
        outcome: ActivationStatus.internalError,
        result: { error: `no container could be started for the action: ${String(error)}` },
        logs: [],
      };
    }
  }

  /** Each component gets the previous one's result; the first failure ends the sequence. */
  private async runSequence(
    exec: SequenceExec,
    params: Record<string, unknown>,
    activationId: string,
    depth: number,
  ): Promise<RunOutcome> {
    if (depth >= MAX_SEQUENCE_DEPTH)
      return failed(
        `Sequence is nested more than ${MAX_SEQUENCE_DEPTH} deep; check for a sequence that contains itself.`,
      );
    const ids: string[] = [];
    let last: ActivationRecord | undefined;
    let input = params;
    for (const component of exec.components) {
      try {
        last = await this.invoke(this.deps.store.ref(component), input, { cause: activationId, depth: depth + 1 });
      } catch (error) {
        if (!(error instanceof WhiskError)) throw error;
        return {
          ...failed(`Sequence component does not exist: ${component}. Deploy it or fix the sequence.`),
          logs: ids,
        };
      }
      ids.push(last.activationId);
      if (!last.response.success) break;
      input = last.response.result;
    }
    const response = last!.response;
    return { outcome: outcomeOf(response.statusCode), result: response.result, logs: ids };
  }
}

function failed(message: string): RunOutcome {
  return { outcome: ActivationStatus.applicationError, result: { error: message }, logs: [] };
}

function summary(error: unknown): string {
  const text = typeof error === 'string' ? error : JSON.stringify(error);
  return text && text.length > 300 ? `${text.slice(0, 300)}…` : String(text);
}
