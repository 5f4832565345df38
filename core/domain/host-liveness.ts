/**
 * Is a compute host alive? The verdict core/policy/host-liveness.ts `hostLiveness` reaches from
 * Nova's own compute service record, read by stackmend (never taken from an alarm).
 */

/**
 * The fields of Nova's compute service that liveness reads (GET /v2.1/os-services, microversion 2.53;
 * recorded: test/fixtures/openstack/nova-services-list.json, nova-force-down-2.53.json). `updated_at` is
 * the last heartbeat in UTC without a zone (`2026-11-23T01:47:36.000000`); Nova also sets it when the
 * record is changed (forcing down). core/openstack/nova.ts `ComputeService` has these fields.
 */
export type ComputeServiceState = {
  host: string;
  state: 'up' | 'down';
  status: 'enabled' | 'disabled';
  forced_down: boolean;
  updated_at?: string | null;
};

/** When Nova last heard from the host (ISO-8601 UTC) and how long ago, if Nova recorded it. */
export type Heartbeat = { heartbeatAt?: string; heartbeatAgeSec?: number };

/**
 * `alive`: heard from recently, or after a fence claim (`refutedClaimAt`: that claim is wrong).
 * `late`: heard from longer ago than Nova's report interval, not yet long enough to count as down:
 * look again after `recheckAfterSec` (recheck number `recheck` of the policy's `lateRechecks`), or,
 * once those are used up, `hold` for a human.
 * `down`: silent for longer than the policy's `hostDownAfterSec`, or Nova itself reports it down.
 */
export type HostLiveness =
  | ({ verdict: 'alive'; reason: string; refutedClaimAt?: string } & Heartbeat)
  | ({ verdict: 'down'; reason: string; novaSaysDown: boolean } & Heartbeat)
  | ({ verdict: 'late'; reason: string } & Heartbeat &
      ({ then: 'recheck'; recheckAfterSec: number; recheck: number } | { then: 'hold' }));
