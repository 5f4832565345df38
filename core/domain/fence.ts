/**
 * Fence evidence: what says a failed host is powered off or isolated, who says so, and why stackmend
 * believes it. A FenceClaim is what an alarm carries; an AcceptedFence is a claim or a reading that
 * core/policy/fence.ts `acceptFenceEvidence` accepted, stored with its source and who vouched for it.
 */

/** How a host was fenced. The one list: schemas (core/domain/alarms/masakari.ts) derive from it. */
export const FENCE_METHODS = [
  'power-off', // its power was cut (IPMI/BMC, a PDU)
  'isolated', // it was cut off from the network and the storage
  'stonith', // a cluster fencing agent (STONITH) fenced it
  'forced-down', // Nova's compute service is forced down (os-services forced_down), as fence_compute sets it
  'operator', // an operator says it is off and names no method
] as const;
export type FenceMethod = (typeof FENCE_METHODS)[number];

/** The methods a monitor's notification may claim (the Masakari `payload.fenced` extension). */
export const CLAIMED_FENCE_METHODS = ['power-off', 'isolated'] as const satisfies readonly FenceMethod[];

/** What a notification or an operator asserts: `by` fenced the host with `method` at `at` (ISO-8601). */
export type FenceClaim = { by: string; method: FenceMethod; at: string };

/** Where accepted evidence came from, most trusted first. */
export const FENCE_SOURCES = [
  'nova-forced-down', // Nova's own forced_down flag, read from Nova by stackmend (an external agent set it)
  'stackmend-fence', // stackmend's own fencing action
  'operator-approval', // an operator's authenticated approval (core/domain/approval.ts)
  'monitor-claim', // a notification's claim, sent with a credential the policy names a trusted fencer
] as const;
export type FenceSource = (typeof FENCE_SOURCES)[number];

/**
 * Who sent a request, as the runtime authenticated it: `via` names the credential kind
 * (`bearer`, `basic`, `hmac`, `keystone`, `legacy-query-token`; core/runtime/auth.ts), `name` whom it identifies.
 */
export type Principal = { via: string; name: string };

/** Evidence stackmend accepted. `by` fenced the host; `vouchedBy` is whom stackmend believed. */
export type AcceptedFence = {
  source: FenceSource;
  method: FenceMethod;
  /** When the host was fenced, or when stackmend read Nova's flag (ISO-8601 UTC). */
  at: string;
  by: string;
  vouchedBy: string;
};
