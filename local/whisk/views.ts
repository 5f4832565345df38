/**
 * The JSON views of entities and activations that OpenWhisk's REST API answers with. Clients rely
 * on details: `osls info` reads a packaged action's package from `namespace: "guest/stackmend"`,
 * and `osls logs` reads full records only with `docs=true`.
 */
import type { ActionEntity, ActivationRecord, PackageEntity, RuleEntity, TriggerEntity, EntityRef } from './types';
import { isSequence } from './types';
import { listedNamespace, qualifiedPath, splitPackage } from './names';
import { isBase64Zip } from './unzip';

const base = (e: PackageEntity) => ({
  namespace: listedNamespace(e),
  name: splitPackage(e.name).short,
  version: e.version,
  publish: e.publish,
  annotations: e.annotations,
  updated: e.updated,
});

export function actionView(action: ActionEntity, withCode: boolean) {
  const exec = isSequence(action.exec)
    ? action.exec
    : {
        kind: action.exec.kind,
        main: action.exec.main ?? 'main',
        binary: isBase64Zip(action.exec.code),
        ...(withCode ? { code: action.exec.code } : {}),
      };
  return {
    ...base(action),
    exec,
    limits: action.limits,
    parameters: action.parameters,
    annotations: [
      ...action.annotations.filter((a) => a.key !== 'exec'),
      { key: 'exec', value: isSequence(action.exec) ? 'sequence' : 'nodejs' },
    ],
  };
}

export function packageView(pkg: PackageEntity, actions?: ActionEntity[]) {
  return {
    ...base(pkg),
    parameters: pkg.parameters,
    binding: {},
    ...(actions
      ? {
          actions: actions.map((a) => ({
            name: splitPackage(a.name).short,
            version: a.version,
            annotations: a.annotations,
          })),
        }
      : {}),
  };
}

const pathAndName = (ref: EntityRef) => ({ name: splitPackage(ref.name).short, path: listedNamespace(ref) });

export function triggerView(trigger: TriggerEntity, rules?: RuleEntity[]) {
  return {
    ...base(trigger),
    parameters: trigger.parameters,
    limits: {},
    ...(rules
      ? {
          rules: Object.fromEntries(
            rules.map((r) => [qualifiedPath(r), { action: pathAndName(r.action), status: r.status }]),
          ),
        }
      : {}),
  };
}

export function ruleView(rule: RuleEntity) {
  return { ...base(rule), status: rule.status, trigger: pathAndName(rule.trigger), action: pathAndName(rule.action) };
}

/** Without `docs=true` OpenWhisk lists activations without response and logs. */
export function activationView(record: ActivationRecord, docs: boolean) {
  if (docs) return record;
  const { response, logs: _logs, ...summary } = record;
  return { ...summary, statusCode: response.statusCode };
}
