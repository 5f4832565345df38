/**
 * The policy's `evacuation` section: which servers of a failed host are evacuated (./evacuable.ts),
 * where to (./targets.ts) and how many at once (functions/evacuate/). The defaults are stackmend's
 * behaviour before the section existed: servers with the HA metadata, scheduler's choice, 3 at a time;
 * and, since retries, one more target for a server whose evacuation failed (docs/policy.md says why one).
 */
import * as z from 'zod';

/** Masakari's recovery methods for a host failure (masakari/engine/drivers/taskflow/host_failure.py). */
export const RECOVERY_METHODS = ['auto', 'reserved_host', 'auto_priority', 'rh_priority'] as const;
export type RecoveryMethod = (typeof RECOVERY_METHODS)[number];

/**
 * `ha-metadata`: servers whose metadata carries the policy's haMetadata (Masakari's `HA_Enabled`), or
 * whose name matches evacuateNamePattern. `evacuable-tag`: servers whose image (property or tag), flavor
 * (extra spec) or host aggregate (metadata) carries `tag` set to true (Red Hat InstanceHA). `all`: every
 * server on the host that Heat does not replace.
 */
export const SELECTIONS = ['ha-metadata', 'evacuable-tag', 'all'] as const;
export type Selection = (typeof SELECTIONS)[number];

export const EvacuationPolicySchema = z.object({
  select: z
    .enum(SELECTIONS)
    .default('ha-metadata')
    .describe(
      'ha-metadata: servers with the policy haMetadata (or a name matching evacuateNamePattern); evacuable-tag: ' +
        'servers whose image (property or tag), flavor (extra spec) or host aggregate (metadata) carries `tag` ' +
        'set to true (Red Hat InstanceHA); all: every server on the host that Heat does not replace',
    ),
  tag: z
    .string()
    .min(1)
    .default('evacuable')
    .describe("InstanceHA's EVACUABLE_TAG: the key (or part of a composite key such as `trait:CUSTOM_evacuable`)"),
  priorityKey: z
    .string()
    .min(1)
    .default('priority')
    .describe(
      'the key of a number that orders the evacuations, higher first: server metadata, then image property, ' +
        'then flavor extra spec. Servers without it come last, by name',
    ),
  recoveryMethod: z
    .enum(RECOVERY_METHODS)
    .default('auto')
    .describe("Masakari's recovery methods: where the servers go (the scheduler, reserved hosts, or either first)"),
  reservedHosts: z
    .array(z.string().min(1))
    .default([])
    .describe("hosts kept disabled for failures (Masakari's reserved hosts), in the order they are used"),
  retries: z
    .number()
    .int()
    .min(0)
    .max(5)
    .default(1)
    .describe(
      'more targets to try for a server whose evacuation failed (Nova left it on the failed host, ERROR or with a ' +
        'failed migration), each chosen by the recovery method: auto asks the scheduler again, auto_priority and ' +
        'rh_priority the kind not yet tried, then the next reserved host; reserved_host the next reserved host. ' +
        'Retries exhausted (or no target left) → held for a human. Default 1: the priority methods get their ' +
        'Masakari fallback (the other kind of target, once), while a fault that fails on every host (a broken ' +
        'image, flavor or volume) reaches a human after two rebuilds instead of enabling every reserved host in turn; ' +
        '0: a failed evacuation is held at once',
    ),
  addReservedHostToAggregate: z
    .boolean()
    .default(false)
    .describe(
      "Masakari's add_reserved_host_to_aggregate: a reserved host joins the failed host's aggregates before " +
        'servers are evacuated to it (their availability zone and aggregate filters then admit it)',
    ),
  lockServers: z
    .boolean()
    .default(true)
    .describe('lock each server (with a reason) while it is evacuated; a server that was locked already stays locked'),
  parallelPerHost: z.number().int().positive().default(3).describe('evacuations in flight at once per failed host'),
  parallelPerCloud: z.number().int().positive().default(10).describe('evacuations in flight at once in the cloud'),
});
export type EvacuationPolicy = z.infer<typeof EvacuationPolicySchema>;
export const DEFAULT_EVACUATION: EvacuationPolicy = EvacuationPolicySchema.parse({});
