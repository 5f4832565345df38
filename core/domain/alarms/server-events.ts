/**
 * What a Nova server notification means, shared by the Nova mapping and Aodh event alarms
 * (Ceilometer keeps Nova's legacy event names and payload fields as traits).
 */
import type { IncidentKind, ServerSubject } from '../incident';

export const SERVER_DELETED_EVENTS = ['compute.instance.delete.end', 'instance.delete.end'] as const;
export const SERVER_UPDATE_EVENTS = ['compute.instance.update', 'instance.update'] as const;

/** Nova vm_state after an update → the incident it means. Every other state is not an incident. */
export const SERVER_STATE_KINDS = { error: 'server-error', stopped: 'server-stopped' } as const satisfies Record<
  string,
  IncidentKind
>;

export const SERVER_KIND_WORDS = {
  'server-deleted': 'was deleted',
  'server-error': 'went to ERROR',
  'server-stopped': 'stopped',
} as const;
export type ServerKind = keyof typeof SERVER_KIND_WORDS;

/**
 * An update is an incident only when it moves the server into error or stopped: Nova repeats
 * `instance.update` for every task-state change, and a server already in ERROR is no news.
 */
export function kindOfStateChange(
  state: string | undefined,
  oldState?: string | null,
): ServerKind | { reason: string } {
  const known = state !== undefined && Object.hasOwn(SERVER_STATE_KINDS, state);
  const kind = known ? SERVER_STATE_KINDS[state as keyof typeof SERVER_STATE_KINDS] : undefined;
  if (!kind) return { reason: `server state is now "${state ?? '(none)'}", not error or stopped` };
  if (oldState === state) return { reason: `server was already "${state}" (task-state update, not a new failure)` };
  return kind;
}

/** `server ev-vm1 (3bd67d07-…) was deleted on compute2` */
export function describeServer(kind: ServerKind, subject: ServerSubject, displayName?: string | null): string {
  const name = displayName ? `${displayName} (${subject.serverId})` : subject.serverId;
  return `server ${name} ${SERVER_KIND_WORDS[kind]}${subject.host ? ` on ${subject.host}` : ''}`;
}

/** Builds the subject without empty optional fields (Nova writes `null` for a server never scheduled). */
export function serverSubject(serverId: string, host?: string | null, projectId?: string | null): ServerSubject {
  return { type: 'server', serverId, ...(host ? { host } : {}), ...(projectId ? { projectId } : {}) };
}
