/**
 * stackmend's own fencing: which driver powers off which compute host (the policy's `fencing`, per host or
 * per host aggregate), and
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

/** In an aggregate's entry, `{host}` stands for the name of each compute host in it. */
const HOST = '{host}';
const hasHost = (s: string) => s.includes(HOST);
const forHost = (s: string, host: string) => s.replaceAll(HOST, host);
/** A name of an aggregate's entry: a Name once `{host}` is replaced (`{host}`, `node-{host}`, `{host}.bmc`). */
const HostName = z.string().regex(/^(?:[A-Za-z0-9]|\{host\})(?:[\w.:-]|\{host\}){0,254}$/, {
  message: 'a name is letters, digits, _ . : - and {host}',
});
const HostUrl = z.string().refine((u) => z.url({ protocol: /^https?$/ }).safeParse(forHost(u, 'host')).success, {
  message: 'an http(s) URL; {host} stands for the host',
});
const ONE_MACHINE_EACH = 'must hold {host}: the entry fences each host of the aggregate by its own machine';

/**
 * An aggregate's driver for each of its hosts: the fields of a host's entry, with `{host}` standing for
 * the host's name; an Ironic `node`, and a Redfish `url` or `system`, must hold it, so that no two hosts
 * of the aggregate name one machine.
 */
export const AggregateFenceTargetSchema = z.discriminatedUnion('driver', [
  z.strictObject({
    driver: z.literal('ironic'),
    node: HostName.refine(hasHost, { message: ONE_MACHINE_EACH }).describe(
      'the Ironic node of each host, `{host}` standing for its name',
    ),
  }),
  z
    .strictObject({
      driver: z.literal('redfish'),
      url: HostUrl.describe("each host's BMC, https://{host}-bmc.example"),
      system: HostName.describe('the ComputerSystem id under /redfish/v1/Systems/'),
      credential: Name.describe("names an entry of the runtime's fencing_credentials (Basic username and password)"),
    })
    .refine((t) => hasHost(t.url) || hasHost(t.system), {
      path: ['url'],
      message: `url or system ${ONE_MACHINE_EACH}`,
    }),
  z.strictObject({ driver: z.literal('nova-forced-down') }),
]);
export type AggregateFenceTarget = z.infer<typeof AggregateFenceTargetSchema>;

export const FencingPolicySchema = z.strictObject({
  hosts: z
    .record(Name, FenceTargetSchema)
    .default({})
    .describe(
      "Compute host (Nova's name) → the driver that fences it; it wins over its aggregates' entries. " +
        'A host neither listed nor in a listed aggregate is never fenced by stackmend.',
    ),
  aggregates: z
    .record(z.string().min(1), AggregateFenceTargetSchema)
    .default({})
    .describe(
      "Host aggregate (Nova's name) → the driver of each of its hosts that has no entry in `hosts`; `{host}` " +
        "stands for the host's name, and an ironic `node`, a redfish `url` or `system` must hold it (one machine " +
        'per host). A host in two listed aggregates whose entries differ for it is fenced through neither: its ' +
        'failure is held for a human, saying which (fail closed; give the host an entry in `hosts`).',
    ),
  timeoutSec: z
    .number()
    .positive()
    .max(600)
    .default(30)
    .describe('From the power-off request to a read-back of "off": longer → the fence failed, nothing is evacuated.'),
});
export type FencingPolicy = z.infer<typeof FencingPolicySchema>;

/**
 * The driver of `host` by its own entry in `fencing.hosts` only. Code that knows the host's aggregates uses
 * fenceChoiceOf; functions/evacuate/index.ts hands functions/_shared/blast.ts a policy narrowed to the host
 * (withHostFencing), where this entry is the one fenceChoiceOf chose.
 */
export const fenceTargetOf = (p: { fencing: FencingPolicy }, host: string): FenceTarget | undefined =>
  Object.hasOwn(p.fencing.hosts, host) ? p.fencing.hosts[host] : undefined;

/** Which driver fences a host: none, one (and which entry said so), or entries that disagree (fail closed). */
export type FenceChoice =
  { kind: 'none' } | { kind: 'target'; target: FenceTarget; from: string } | { kind: 'conflict'; reason: string };

/** The policy names an aggregate entry: the host's aggregates must be read to know its driver. */
export const fencesByAggregate = (p: { fencing: FencingPolicy }) => Object.keys(p.fencing.aggregates).length > 0;

/** An aggregate's entry for one of its hosts: `{host}` replaced, checked as a host's entry is. */
function aggregateTarget(entry: AggregateFenceTarget, host: string) {
  const filled = Object.fromEntries(Object.entries(entry).map(([k, v]) => [k, forHost(v, host)]));
  return FenceTargetSchema.safeParse(filled);
}

/**
 * The driver of `host`, in the aggregates named (Nova's names): its own entry in `fencing.hosts`, else the
 * entry of the listed aggregates it is in when they all give the same driver for it; when they differ (or one
 * gives no valid driver for this host name) a conflict naming them, and stackmend fences it through none.
 */
export function fenceChoiceOf(p: { fencing: FencingPolicy }, host: string, aggregates: readonly string[]): FenceChoice {
  const own = fenceTargetOf(p, host);
  if (own) return { kind: 'target', target: own, from: `fencing.hosts.${host}` };
  const listed = [...new Set(aggregates)].filter((a) => Object.hasOwn(p.fencing.aggregates, a)).sort();
  const given: { aggregate: string; target: FenceTarget }[] = [];
  for (const aggregate of listed) {
    const r = aggregateTarget(p.fencing.aggregates[aggregate]!, host);
    if (!r.success)
      return {
        kind: 'conflict',
        reason:
          `fencing.aggregates.${aggregate} gives no valid driver for ${host} (${r.error.issues[0]?.message}): ` +
          `stackmend does not fence it. Give ${host} an entry in fencing.hosts`,
      };
    given.push({ aggregate, target: r.data });
  }
  const [first, ...rest] = given;
  if (!first) return { kind: 'none' };
  const other = rest.find((g) => !sameTarget(g.target, first.target));
  if (other)
    return {
      kind: 'conflict',
      reason:
        `${host} is in aggregates ${first.aggregate} (${describeTarget(first.target)}) and ${other.aggregate} ` +
        `(${describeTarget(other.target)}), whose fencing entries differ: stackmend fences it through neither. ` +
        `Give ${host} an entry in fencing.hosts`,
    };
  return {
    kind: 'target',
    target: first.target,
    from: `fencing.aggregates.${given.map((g) => g.aggregate).join(', ')}`,
  };
}

const sameTarget = (a: FenceTarget, b: FenceTarget) =>
  JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());

/**
 * `p` with `host`'s fencing settled by fenceChoiceOf: the chosen driver as its entry in `fencing.hosts`, no
 * aggregate entries; none (also for a conflict) → no entry. For code that looks a host's driver up by its
 * name alone (fenceTargetOf).
 */
export function withHostFencing<P extends { fencing: FencingPolicy }>(p: P, host: string, choice: FenceChoice): P {
  const { [host]: _, ...others } = p.fencing.hosts;
  const hosts = choice.kind === 'target' ? { ...others, [host]: choice.target } : others;
  return { ...p, fencing: { ...p.fencing, hosts, aggregates: {} } };
}

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
