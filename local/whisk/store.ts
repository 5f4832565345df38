/**
 * The entities of the local runtime, per namespace: packages, actions, triggers, rules.
 * The configured namespace is writable (`_` is an alias of it); `whisk.system` holds the built-in
 * actions (alarm feeds, apimgmt stub) and is read-only over REST. Any other namespace is refused.
 */
import type { ActionEntity, EntityRef, PackageEntity, RuleEntity, TriggerEntity, KeyValue, RuleStatus } from './types';
import type { ActionPut, PackagePut, RulePut, TriggerPut } from './types';
import { DEFAULT_LIMITS } from './types';
import { WhiskConflictError, WhiskForbiddenError, WhiskNotFoundError, WhiskBadRequestError } from './errors';
import { SYSTEM_NAMESPACE, resolveRef, splitPackage, sameRef } from './names';

type Base = { namespace: string; name: string; version: string };

export class Collection<T extends Base> {
  private readonly items = new Map<string, T>();
  constructor(readonly kind: string) {}

  find(ref: EntityRef): T | undefined {
    return this.items.get(`${ref.namespace}/${ref.name}`);
  }
  get(ref: EntityRef): T {
    const found = this.find(ref);
    if (!found) throw new WhiskNotFoundError(`${this.kind} /${ref.namespace}/${ref.name}`);
    return found;
  }
  put(ref: EntityRef, overwrite: boolean, build: (existing: T | undefined, version: string) => T): T {
    const existing = this.find(ref);
    if (existing && !overwrite) {
      throw new WhiskConflictError(
        `${this.kind} /${ref.namespace}/${ref.name} already exists; PUT with ?overwrite=true to update it`,
      );
    }
    const entity = build(existing, existing ? nextVersion(existing.version) : '0.0.1');
    this.items.set(`${ref.namespace}/${ref.name}`, entity);
    return entity;
  }
  delete(ref: EntityRef): T {
    const entity = this.get(ref);
    this.items.delete(`${ref.namespace}/${ref.name}`);
    return entity;
  }
  list(namespace: string): T[] {
    return [...this.items.values()].filter((e) => e.namespace === namespace);
  }
}

function nextVersion(version: string): string {
  const [major = 0, minor = 0, patch = 0] = version.split('.').map(Number);
  return `${major}.${minor}.${patch + 1}`;
}

const common = (
  ref: EntityRef,
  version: string,
  body: { parameters?: KeyValue[]; annotations?: KeyValue[]; publish?: boolean },
  old?: { parameters: KeyValue[]; annotations: KeyValue[]; publish: boolean },
) => ({
  namespace: ref.namespace,
  name: ref.name,
  version,
  publish: body.publish ?? old?.publish ?? false,
  parameters: body.parameters ?? old?.parameters ?? [],
  annotations: body.annotations ?? old?.annotations ?? [],
  updated: Date.now(),
});

export class EntityStore {
  readonly packages = new Collection<PackageEntity>('package');
  readonly actions = new Collection<ActionEntity>('action');
  readonly triggers = new Collection<TriggerEntity>('trigger');
  readonly rules = new Collection<RuleEntity>('rule');

  constructor(readonly namespace: string) {}

  /** OpenWhisk keys every entity by namespace/name, so a trigger cannot share a rule's name. */
  private claim(ref: EntityRef, kind: Collection<Base>): void {
    for (const other of [this.packages, this.actions, this.triggers, this.rules] as Collection<Base>[]) {
      if (other !== kind && other.find(ref)) {
        throw new WhiskConflictError(
          `/${ref.namespace}/${ref.name} already exists as a ${other.kind}; names are unique across packages, actions, triggers and rules`,
        );
      }
    }
  }

  /** Maps `_` to the default namespace; refuses foreign namespaces and writes to whisk.system. */
  namespaceFor(requested: string, access: 'read' | 'write'): string {
    const ns = requested === '_' ? this.namespace : requested;
    if (ns === this.namespace) return ns;
    if (ns === SYSTEM_NAMESPACE && access === 'read') return ns;
    throw new WhiskForbiddenError(`namespace "${requested}" is not writable here; use "${this.namespace}" or "_"`);
  }

  ref(reference: string): EntityRef {
    return resolveRef(reference, this.namespace);
  }

  putPackage(ref: EntityRef, body: PackagePut, overwrite: boolean): PackageEntity {
    if (body.binding && Object.keys(body.binding).length)
      throw new WhiskBadRequestError(
        'package bindings are not supported by the local runtime; create a package with parameters instead',
      );
    this.claim(ref, this.packages);
    return this.packages.put(ref, overwrite, (old, version) => common(ref, version, body, old));
  }

  putAction(ref: EntityRef, body: ActionPut, overwrite: boolean): ActionEntity {
    const { pkg } = splitPackage(ref.name);
    if (pkg && !this.packages.find({ namespace: ref.namespace, name: pkg })) {
      throw new WhiskNotFoundError(
        `package /${ref.namespace}/${pkg} (create the package before the actions inside it)`,
      );
    }
    this.claim(ref, this.actions);
    return this.actions.put(ref, overwrite, (old, version) => {
      const exec = body.exec ?? old?.exec;
      if (!exec)
        throw new WhiskBadRequestError(
          `action /${ref.namespace}/${ref.name} has no exec; send exec.code (or exec.components for a sequence)`,
        );
      const entity = {
        ...common(ref, version, body, old),
        exec,
        limits: { ...DEFAULT_LIMITS, ...old?.limits, ...body.limits },
      };
      // as OpenWhisk's controller does on create (requireApiKeyAnnotation): no key unless asked for
      if (!old && !entity.annotations.some((a) => a.key === 'provide-api-key'))
        entity.annotations = [...entity.annotations, { key: 'provide-api-key', value: false }];
      return entity;
    });
  }

  /** An in-process action: `registerAction` (serve) and the built-in whisk.system actions. */
  putInProcessAction(
    ref: EntityRef,
    entity: Pick<ActionEntity, 'handler' | 'parameters' | 'annotations'> & { timeoutMs?: number },
  ): ActionEntity {
    const { pkg } = splitPackage(ref.name);
    if (pkg && !this.packages.find({ namespace: ref.namespace, name: pkg }))
      this.putPackage({ namespace: ref.namespace, name: pkg }, {}, true);
    return this.actions.put(ref, true, (_old, version) => ({
      ...common(ref, version, { parameters: entity.parameters, annotations: entity.annotations }),
      exec: { kind: 'nodejs:20', code: '', main: 'main', binary: false },
      limits: { ...DEFAULT_LIMITS, ...(entity.timeoutMs ? { timeout: entity.timeoutMs } : {}) },
      handler: entity.handler,
    }));
  }

  putTrigger(ref: EntityRef, body: TriggerPut, overwrite: boolean): TriggerEntity {
    this.claim(ref, this.triggers);
    return this.triggers.put(ref, overwrite, (old, version) => common(ref, version, body, old));
  }

  putRule(ref: EntityRef, body: RulePut, overwrite: boolean): RuleEntity {
    const trigger = this.ref(body.trigger);
    const action = this.ref(body.action);
    this.claim(ref, this.rules);
    return this.rules.put(ref, overwrite, (old, version) => ({
      ...common(ref, version, body, old),
      trigger,
      action,
      status: body.status ?? 'active',
    }));
  }

  setRuleStatus(ref: EntityRef, status: RuleStatus): RuleEntity {
    const rule = this.rules.get(ref);
    rule.status = status;
    return rule;
  }

  deletePackage(ref: EntityRef): PackageEntity {
    const inside = this.actions.list(ref.namespace).filter((a) => splitPackage(a.name).pkg === ref.name);
    if (inside.length)
      throw new WhiskConflictError(
        `package /${ref.namespace}/${ref.name} still has ${inside.length} action(s); delete them first`,
      );
    return this.packages.delete(ref);
  }

  rulesFor(trigger: EntityRef): RuleEntity[] {
    return this.rules.list(trigger.namespace).filter((r) => sameRef(r.trigger, trigger));
  }

  packageOf(action: EntityRef): PackageEntity | undefined {
    const { pkg } = splitPackage(action.name);
    return pkg ? this.packages.find({ namespace: action.namespace, name: pkg }) : undefined;
  }
}
