/** The commit classify-alarm makes for a host alarm (keys as in functions/_shared/incidents.ts). */
import type { Commit } from '../../../../core/state';

export const BREAKER = 'breaker';

export function decision(
  alarm: string,
  host: string,
  incident: string,
  opts: { holder?: string; token?: string; limit?: number } = {},
): Commit {
  const subject = `open-host:${host}`;
  return {
    token: opts.token,
    requires: [
      { kind: 'absent', key: `seen:${alarm}` },
      opts.holder === undefined
        ? { kind: 'absent', key: subject }
        : { kind: 'equals', key: subject, value: opts.holder },
    ],
    writes: [
      { kind: 'put', key: `seen:${alarm}`, value: { at: 't0' }, ttlSeconds: 7 * 86400 },
      { kind: 'put', key: subject, value: incident, ttlSeconds: 86400 },
      { kind: 'reserve', set: BREAKER, member: incident, limit: opts.limit ?? 5 },
      { kind: 'put', key: `incident:${incident}`, value: { key: incident, status: 'acting' } },
      { kind: 'schedule', queue: 'evacuate', id: incident, dueAt: 1_000 },
      { kind: 'append', list: 'audit', value: { incident, step: 'classified' } },
    ],
  };
}
