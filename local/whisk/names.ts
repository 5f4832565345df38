/**
 * OpenWhisk entity names. A reference is one of
 *   name · pkg/name · /ns/name · /ns/pkg/name · ns/pkg/name
 * and the namespace `_` means "the caller's default namespace".
 */
import type { EntityRef } from './types';
import { WhiskBadRequestError } from './errors';

export const SYSTEM_NAMESPACE = 'whisk.system';

const segment = /^[\w@.\- ]+$/;

export function resolveRef(reference: string, defaultNamespace: string): EntityRef {
  const parts = reference.split('/');
  const absolute = reference.startsWith('/');
  if (absolute) parts.shift();
  if (parts.some((p) => !segment.test(p))) {
    throw new WhiskBadRequestError(
      `"${reference}" is not a valid entity name; use name, pkg/name or /namespace/pkg/name`,
    );
  }
  if (absolute && parts.length < 2)
    throw new WhiskBadRequestError(`"${reference}" names no namespace; use /namespace/name`);
  if (!absolute && parts.length <= 2) return { namespace: defaultNamespace, name: parts.join('/') };
  if (parts.length === 2 || parts.length === 3) {
    const [ns, ...rest] = parts;
    return { namespace: ns === '_' ? defaultNamespace : ns, name: rest.join('/') };
  }
  throw new WhiskBadRequestError(`"${reference}" has too many parts; use /namespace/pkg/name at most`);
}

/** `pkg/name` → { pkg: 'pkg', short: 'name' }; `name` → { pkg: undefined, short: 'name' } */
export function splitPackage(name: string): { pkg?: string; short: string } {
  const slash = name.indexOf('/');
  return slash < 0 ? { short: name } : { pkg: name.slice(0, slash), short: name.slice(slash + 1) };
}

/** `guest/stackmend/notify` — the `path` OpenWhisk puts in activation annotations and rule bodies. */
export function qualifiedPath(ref: EntityRef): string {
  return `${ref.namespace}/${ref.name}`;
}

/** The `namespace` field of a listed entity: `guest` or, inside a package, `guest/stackmend`. */
export function listedNamespace(ref: EntityRef): string {
  const { pkg } = splitPackage(ref.name);
  return pkg ? `${ref.namespace}/${pkg}` : ref.namespace;
}

export function sameRef(a: EntityRef, b: EntityRef): boolean {
  return a.namespace === b.namespace && a.name === b.name;
}
