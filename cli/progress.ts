/**
 * Progress of long work on stderr, read from the incident record the steps keep (core/domain/plan.ts
 * `progress`, `updates`): an evacuation as `n/m servers ACTIVE` (confirmed by evacuate's check in Nova), said
 * when it changes and once at the end; a stack update as its resource events, from Heat's events API
 * (`GET /v1/{project}/stacks/{name}/{id}/events?nested_depth=2`), each said once as it happens.
 * The CLI polls (it is no function: nothing here runs in a deployed step).
 */
import type { IncidentRecord, StackRef } from '../core/domain/plan';
import type { StackEvent } from '../core/openstack/heat';
import { evacuateTargets } from '../functions/_shared/progress';
import type { Say } from './output';

/**
 * `look`, run after the previous run ended; a failure goes to `failed`, the returned promise never rejects: the
 * CLI calls it from a step's log without waiting, and a failed look is no reason to stop the work it follows.
 */
function oneAtATime(look: () => Promise<void>, failed: (e: unknown) => void): () => Promise<void> {
  let pending: Promise<void> = Promise.resolve();
  return () => (pending = pending.then(look).catch(failed));
}

/** Where the progress reads an incident from (the Incidents repository of the state store the steps use). */
export type IncidentReader = { get(key: string): Promise<IncidentRecord | undefined> };

/** Follows incident `key`'s evacuation: at each `report`, `n/m servers ACTIVE` when it changed since last said. */
export function evacuationProgress(incidents: IncidentReader, key: string, say: Say) {
  let last = '';
  const read = async () => {
    const r = await incidents.get(key);
    if (!r) return;
    const servers = evacuateTargets(r);
    const done = servers.filter((s) => r.progress[s.serverId] === 'confirmed').length;
    const failed = servers.filter((s) => r.progress[s.serverId] === 'failed').length;
    const line = `evacuate: ${done}/${servers.length} servers ACTIVE${failed ? `, ${failed} failed` : ''} (${r.status})`;
    if (line !== last) say.info((last = line));
  };
  const run = oneAtATime(read, (e) => say.debug(`state store: ${e}`));
  return {
    report: run,
    /** Reads once more (what the last step did), then stops. */
    done: run,
  };
}

/** The Heat call a stack update's progress needs (HeatClient.events). */
export type StackEvents = {
  events(ref: StackRef, q: { limit?: number; sortDir?: 'asc' | 'desc'; nestedDepth?: number }): Promise<StackEvent[]>;
};

/** How many of a stack's newest events one look reads: more than one update of a large group makes at once. */
const EVENTS_PER_LOOK = 100;

export const eventLine = (stack: StackRef, e: StackEvent) =>
  `stack-update: ${stack.name} ${e.resource_name} ${e.resource_status}` +
  (e.resource_status_reason ? ` (${e.resource_status_reason})` : '');

/**
 * Follows the stack updates of the incidents it is told about (`follow`): at each `report`, the events of each
 * root stack stackmend updates for them, from the incident's creation on, not said before, oldest first.
 */
export function stackUpdateProgress(incidents: IncidentReader, heat: () => StackEvents, say: Say) {
  const keys = new Set<string>();
  const seen = new Set<string>();
  const look = async (stack: StackRef, since: number) => {
    const newest = await heat().events(stack, { nestedDepth: 2, sortDir: 'desc', limit: EVENTS_PER_LOOK });
    const fresh = newest.filter((e) => !seen.has(e.id) && Date.parse(e.event_time) >= since);
    for (const e of fresh.reverse()) {
      seen.add(e.id);
      say.info(eventLine(stack, e));
    }
  };
  const read = async () => {
    for (const key of keys) {
      const r = await incidents.get(key);
      if (!r) continue;
      const since = Math.floor(Date.parse(r.createdAt) / 1000) * 1000; // Heat's event_time has whole seconds
      for (const u of Object.values(r.updates)) await look(u.stack, since);
    }
  };
  const run = oneAtATime(read, (e) => say.debug(`heat events: ${e}`));
  return {
    follow: (key: string) => void keys.add(key),
    report: run,
    /** Reads once more (what the last step did), then stops. */
    done: run,
  };
}
