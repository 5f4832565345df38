/**
 * Runs actions: merges parameters (package < action < invocation), loads the code or calls the
 * in-process handler, runs sequences component by component, records one activation per run and
 * writes one structured log line for it. Tracks what is in flight so callers can wait for quiet.
 */
import type { ActionEntity, ActivationRecord, CodeExec, EntityRef, LogSink, SequenceExec, UserMain } from './types';
import { ActivationStatus, annotation, isSequence, outcomeOf, toDictionary } from './types';
import type { EntityStore } from './store';
import type { ActionLoader } from './loader';
import { type ActivationLog, activationRecord, newActivationId } from './activations';
import { runAction, type RunOutcome } from './runner';
import { ActionInitError, WhiskError } from './errors';
import { qualifiedPath } from './names';

export interface InvokerDeps {
  store: EntityStore;
  loader: ActionLoader;
  activations: ActivationLog;
  log: LogSink;
  apiHost: string;
  apiKey: string;
}
export interface InvokeOptions {
  activationId?: string;
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
    const run = isSequence(action.exec)
      ? await this.runSequence(action.exec, merged, activationId, options.depth ?? 0)
      : await this.runCode(action, action.exec, merged, activationId, start);
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
    start: number,
  ): Promise<RunOutcome> {
    let main: UserMain;
    try {
      main = action.handler ?? this.deps.loader.load(action, exec);
    } catch (error) {
      if (!(error instanceof ActionInitError)) throw error;
      return { outcome: ActivationStatus.developerError, result: { error: error.message }, logs: [] };
    }
    const context = {
      activationId,
      actionPath: `/${qualifiedPath(action)}`,
      namespace: this.deps.store.namespace,
      deadline: start + action.limits.timeout,
      apiHost: this.deps.apiHost,
      apiKey: annotation(action, 'provide-api-key') === true ? this.deps.apiKey : undefined,
    };
    return runAction(main, params, context, action.limits.timeout);
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
