/** What classify-alarm learns from the cloud before deciding. Plain data; gathering it is I/O elsewhere. */
import { fenceChoiceOf, type FenceChoice, type FencingPolicy } from '../domain/fencing';
import type { HostLiveness } from '../domain/host-liveness';
import type { FenceClaim } from '../domain/fence';
import type { Incident } from '../domain/incident';
import type { IncidentStatus, StackRef } from '../domain/plan';
import type { BlastFacts } from './blast';
import type { FenceCheck } from './fence';

export type ServerFacts = {
  id: string;
  name?: string;
  host?: string;
  status?: string;
  metadata: Record<string, string>;
  /** Nova no longer knows the server (deleted). */
  gone: boolean;
  vcpus?: number;
  ramMb?: number;
  /**
   * The Glance image the server booted from, read once per image and decision (functions/_shared/reads.ts):
   * always for a host incident's servers, for a server incident when the policy needs it (./reads.ts).
   * Undefined: booted from a volume, the image is deleted, or not read.
   */
  image?: { id: string; name?: string; properties: Record<string, string>; tags: string[] };
  /** The flavor as Nova embeds it in the server (2.47+): its name and extra_specs. */
  flavor?: { name?: string; extraSpecs: Record<string, string> };
  /** Nova's lock (2.73+ with its reason): a server an operator locked stays locked after an evacuation. */
  locked?: boolean;
  lockedReason?: string;
  /** The Heat stack/resource that owns it, if any. */
  owner?: { root: StackRef; stack: StackRef; resourceName: string };
  /** What Heat says now: the root stack's status, and the server the resource points at today. */
  heat?: { rootStatus: string; currentServerId?: string };
};

export type HostFacts = {
  host: string;
  service?: { id: string; state: 'up' | 'down'; status: 'enabled' | 'disabled'; forcedDown: boolean };
  servers: ServerFacts[];
  /** Enabled, up compute hosts other than this one, with free capacity. */
  spareHosts: { host: string; freeVcpus: number; freeRamMb: number }[];
  /** The host aggregates this host is in (Nova os-aggregates, read once per decision). */
  aggregates?: { name: string; metadata: Record<string, string> }[];
  /** The availability zone of this host (its compute service's zone as Nova lists it). */
  availabilityZone?: string;
  /**
   * The policy's reserved hosts (evacuation.reservedHosts) as Nova reports them now, in the policy's
   * order: a reserved host is disabled until stackmend enables it to receive servers.
   */
  reservedHosts?: ReservedHost[];
};

/**
 * Where a server incident's server runs, as the policy's host criteria and the `evacuable-tag` selection
 * see it (./rules.ts, ./evacuable.ts): its host's aggregates, read when the policy needs them (./reads.ts),
 * and the availability zone Nova reports for the server (`OS-EXT-AZ:availability_zone`, the zone of its host).
 */
export type ServerHostFacts = Pick<HostFacts, 'aggregates' | 'availabilityZone'>;

export type ReservedHost = {
  host: string;
  status: 'enabled' | 'disabled';
  state: 'up' | 'down';
  forcedDown: boolean;
  freeVcpus: number;
  freeRamMb: number;
};

export type Facts = {
  incident: Incident;
  server?: ServerFacts;
  /** Server incidents: the aggregates and zone of the server's host (undefined: a host incident). */
  serverHost?: ServerHostFacts;
  host?: HostFacts;
  /** The fence the alarm claims, as functions/_shared/facts.ts passes it. decide() does not read it. */
  fence?: FenceClaim;
  /** Host incidents: `hostLiveness` of the compute service stackmend read from Nova for this decision. */
  liveness?: HostLiveness;
  /** Host incidents: `checkFenceEvidence` over Nova's forced_down, the alarm's claim, an approval. */
  fenceCheck?: FenceCheck;
  /** Incidents open right now (circuit breaker). */
  openIncidents: number;
  /** Incidents seen on the same subject within the repeat window, this one included. */
  repeats: number;
  /** The open incident of this server's host, if any, and its status (only an `acting` one covers the server). */
  coveringHostIncident?: string;
  coveringHostStatus?: IncidentStatus;
  /** The subject (host name or root stack id) is in stackmend maintenance mode. */
  inMaintenance: boolean;
  /** An operator paused automation (functions/_shared/controls.ts): what would act is held instead. */
  paused?: boolean;
  /** What the pause holds when it is not the global one: `host:<name>` or `aggregate:<name>`. */
  pausedFor?: string;
  /** Host-down incidents: the fleet and the storms, for the blast radius (core/policy/blast.ts). */
  blast?: BlastFacts;
};

/** The driver that fences the host by the policy: its own entry, or its aggregates' (core/domain/fencing.ts). */
export const hostFenceChoice = (p: { fencing: FencingPolicy }, h: HostFacts): FenceChoice =>
  fenceChoiceOf(
    p,
    h.host,
    (h.aggregates ?? []).map((a) => a.name),
  );
