/**
 * The operator's policy, parsed at the edge (action parameter `policy` or a file),
 * with safe defaults: evacuate only servers that opt in, hold when too much fails at once.
 */
import * as z from 'zod';

export const PolicySchema = z.object({
  /** Server metadata that marks a pet to evacuate on host failure (Masakari's convention). */
  haMetadata: z.object({ key: z.string(), value: z.string() }).default({ key: 'HA_Enabled', value: 'True' }),
  /** Extra evacuation match: server names matching this regex are pets too. */
  evacuateNamePattern: z.string().optional(),
  /** Circuit breaker (cluster-api maxUnhealthy): more open incidents than this → hold and page a human. */
  maxOpenIncidents: z.number().int().positive().default(5),
  /** Repeat threshold (FLT014): this many incidents on one subject within the window → hold for a human. */
  repeatThreshold: z.number().int().positive().default(3),
  repeatWindowSec: z.number().int().positive().default(3600),
  /** Replace Heat-managed (cattle) servers automatically. */
  replaceCattle: z.boolean().default(true),
  /** Evacuate pets automatically when fence evidence is present; false → always ask a human. */
  evacuatePets: z.boolean().default(true),
  /** How long to wait before re-checking a busy stack or a pending evacuation. */
  recheckAfterSec: z.number().positive().default(2),
});
export type Policy = z.infer<typeof PolicySchema>;
export const DEFAULT_POLICY: Policy = PolicySchema.parse({});
