/**
 * Firing a trigger, as OpenWhisk does: the trigger's parameters merged with the fired payload go to
 * the action of every active rule (each its own non-blocking activation); the trigger itself gets an
 * activation whose logs list, per rule, the activation it started.
 */
import type { ActivationRecord, EntityRef, LogSink } from './types';
import { ActivationStatus, toDictionary } from './types';
import type { EntityStore } from './store';
import type { Invoker } from './invoker';
import { type ActivationLog, activationRecord, newActivationId } from './activations';
import { qualifiedPath } from './names';

export interface TriggerDeps {
  store: EntityStore;
  invoker: Invoker;
  activations: ActivationLog;
  log: LogSink;
}

export function fireTrigger(deps: TriggerDeps, ref: EntityRef, payload: Record<string, unknown>): ActivationRecord {
  const trigger = deps.store.triggers.get(ref);
  const start = Date.now();
  const activationId = newActivationId();
  const params = { ...toDictionary(trigger.parameters), ...payload };
  const logs = deps.store
    .rulesFor(trigger)
    .filter((rule) => rule.status === 'active')
    .map((rule) => {
      const entry = { rule: qualifiedPath(rule), action: qualifiedPath(rule.action) };
      if (!deps.store.actions.find(rule.action)) {
        return JSON.stringify({
          statusCode: 1,
          success: false,
          error: 'The requested resource does not exist.',
          ...entry,
        });
      }
      const started = deps.invoker.start(rule.action, params, { cause: activationId });
      return JSON.stringify({ statusCode: 0, success: true, activationId: started, ...entry });
    });
  const record = activationRecord({
    activationId,
    entity: trigger,
    subject: deps.store.namespace,
    start,
    outcome: ActivationStatus.success,
    result: params,
    logs,
  });
  deps.activations.add(record);
  deps.log({ level: 'info', msg: 'trigger fired', trigger: qualifiedPath(trigger), activationId, rules: logs.length });
  return record;
}
