/**
 * stackmend's own fencing: which driver powers off which compute host (the policy's `fencing`), and
 * what a fencing run recorded on the incident (IncidentRecord `fencing`). The drivers are in
 * core/fencing/; functions/evacuate/fence.ts runs them before anything is written to Nova. Pure data.
 */
import * as z from 'zod';

/** A host name as Nova's os-services reports it; an Ironic node name or UUID; a Redfish system id. */
const Name = z.string().regex(/^[A-Za-z0-9][\w.:-]{0,254}$/, { message: 'a name is letters, digits, _ . : -' });

/**
 * One host's fencing driver:
 * - `ironic`: the Bare Metal API powers `node` off (PUT /v1/nodes/{node}/states/power), read back
 *   until its power_state is "power off" (core/openstack/ironic.ts);
 * - `redfish`: the BMC at `url` resets system `system` with ForceOff, read back until PowerState is
 *   "Off" (core/fencing/redfish.ts); `credential` names an entry of the runtime's `fencing_credentials`;
 * - `nova-forced-down`: an external agent fences the host and forces its compute service down in
 *   Nova (fence_compute); stackmend powers nothing off and waits for Nova's flag.
 */
export const FenceTargetSchema = z.discriminatedUnion('driver', [
  z.strictObject({ driver: z.literal('ironic'), node: Name.describe('the Ironic node (name or UUID) of the host') }),
  z.strictObject({
    driver: z.literal('redfish'),
    url: z.url({ protocol: /^https?$/ }).describe("the BMC's Redfish service, https://bmc.example"),
    system: Name.describe('the ComputerSystem id under /redfish/v1/Systems/'),
    credential: Name.describe("names an entry of the runtime's fencing_credentials (Basic username and password)"),
  }),
  z.strictObject({ driver: z.literal('nova-forced-down') }),
]);
export type FenceTarget = z.infer<typeof FenceTargetSchema>;
export type FenceDriver = FenceTarget['driver'];

export const FencingPolicySchema = z.strictObject({
  hosts: z
    .record(Name, FenceTargetSchema)
    .default({})
    .describe(
      "Compute host (Nova's name) → the driver that fences it. A host not listed is never fenced by stackmend.",
    ),
  timeoutSec: z
    .number()
    .positive()
    .max(600)
    .default(30)
    .describe('From the power-off request to a read-back of "off": longer → the fence failed, nothing is evacuated.'),
});
export type FencingPolicy = z.infer<typeof FencingPolicySchema>;

/** The driver of `host`, if the policy names one. */
export const fenceTargetOf = (p: { fencing: FencingPolicy }, host: string): FenceTarget | undefined =>
  Object.hasOwn(p.fencing.hosts, host) ? p.fencing.hosts[host] : undefined;

/** How a target reads in the timeline: `ironic node compute1`, `redfish system 1 at https://bmc`. */
export function describeTarget(t: FenceTarget): string {
  switch (t.driver) {
    case 'ironic':
      return `ironic node ${t.node}`;
    case 'redfish':
      return `redfish system ${t.system} at ${t.url}`;
    case 'nova-forced-down':
      return "an external fencing agent (Nova's forced_down)";
    default: {
      const unreachable: never = t;
      return unreachable;
    }
  }
}

/**
 * A fencing run of one incident: asked at `requestedAt`, read back off at `offAt` (ISO-8601 UTC).
 * `lastState` is the power state last read (the driver's own words, e.g. "power on", "On").
 */
export type FenceRun = {
  host: string;
  target: FenceTarget;
  requestedAt: string;
  requestId?: string;
  readings: number;
  lastState?: string;
  offAt?: string;
};

/** The disabled_reason evacuate gives the compute service it isolates (functions/evacuate/index.ts isolateHost). */
export const isolationReason = (incident: string) => `stackmend: host failure (incident ${incident})`;

/** The incident whose evacuate disabled the service, from Nova's disabled_reason; undefined: not stackmend. */
export const isolatingIncident = (disabledReason: string | null | undefined): string | undefined =>
  /^stackmend: host failure \(incident (.+)\)$/.exec(disabledReason ?? '')?.[1];
