/**
 * The narrow ports the steps, triggers and CLI commands depend on: only the OpenStack calls
 * they make. NovaClient, HeatClient, AodhClient and ZaqarClient implement them against the
 * real services; test/support/fakes/ implements them in memory for unit tests.
 * BareMetal (Ironic) is used only by the fencing drivers (core/fencing/).
 * Errors are part of the contract: evacuate throws SourceHostStillUpError (nova.ts),
 * markUnhealthy throws ResourceBusyError (heat.ts), a missing object is NotFoundError (errors.ts).
 */
import type { StackRef } from '../domain/plan';
import type { Alarm, EventAlarmCreate } from './aodh';
import type { Resource, ServerOwner, Stack } from './heat';
import type { NodeStates, PowerTarget } from './ironic';
import type { ProviderCapacity } from './placement';
import type { Image } from './glance';
import type { Aggregate, ComputeService, Hypervisor, Migration, Server } from './nova';
import type { OutgoingMessage, Subscription } from './zaqar';

/** OpenStack request id of an accepted call, when the service sent one. */
export type Accepted = { requestId?: string };

/** Nova: servers, compute services and hypervisors. */
export interface Compute {
  getServer(id: string): Promise<Server>;
  listServers(filter?: { host?: string; name?: string; allTenants?: boolean }): Promise<Server[]>;
  listComputeServices(host?: string): Promise<ComputeService[]>;
  listHypervisors(): Promise<Hypervisor[]>;
  forceDown(serviceId: string): Promise<ComputeService>;
  disableService(serviceId: string, reason: string): Promise<ComputeService>;
  /** A reserved host is enabled before servers are evacuated to it. */
  enableService(serviceId: string): Promise<ComputeService>;
  /** Host aggregates with their hosts and metadata (one list per decision). */
  listAggregates(): Promise<Aggregate[]>;
  /** A reserved host joins the failed host's aggregates (policy evacuation.addReservedHostToAggregate). */
  addHostToAggregate(aggregateId: number, host: string): Promise<Aggregate>;
  /** A server's evacuation migrations, newest first: how an evacuation ended (`done`, `error`, `failed`). */
  listEvacuations(serverId: string): Promise<Migration[]>;
  /** A server is locked (2.73+: with a reason) while stackmend evacuates it, and unlocked after. */
  lock(serverId: string, reason: string): Promise<void>;
  unlock(serverId: string): Promise<void>;
  /** Refused with SourceHostStillUpError while the source host's compute service is up. */
  evacuate(serverId: string, targetHost?: string): Promise<Accepted>;
  /** os-stop / os-start (202; Nova changes the power afterwards): a state Nova refuses them in is a 409. */
  stop(serverId: string): Promise<Accepted>;
  start(serverId: string): Promise<Accepted>;
  /** os-resetState: the server's vm_state set in Nova's database only (Masakari resets a resized server). */
  resetState(serverId: string, state: 'active' | 'error'): Promise<Accepted>;
  /** Refused (400) until the host's nova-compute has restarted and completed its evacuation migrations. */
  unforceDown(serviceId: string): Promise<ComputeService>;
}

/** Glance: an image's properties and tags (evacuable selection). */
export interface Images {
  getImage(id: string): Promise<Image>;
}

/** Heat: stacks, their (nested) resources, mark-unhealthy and the existing-template update. */
export interface Orchestration {
  getStack(ref: StackRef | string): Promise<Stack>;
  listStacks(): Promise<Stack[]>;
  getResource(stack: StackRef, resourceName: string): Promise<Resource>;
  /** Servers of a stack and its nested stacks, with the stack that owns each resource. */
  listServers(root: StackRef, depth?: number): Promise<(ServerOwner & { serverId: string })[]>;
  /** Refused with ResourceBusyError (409) while the resource itself is busy. */
  markUnhealthy(stack: StackRef, resourceName: string, reason: string): Promise<Accepted>;
  updateExisting(ref: StackRef, parameters?: Record<string, unknown>): Promise<Accepted>;
}

/** Aodh: the event alarms `stackmend arm` manages. */
export interface Alarming {
  createEventAlarm(a: EventAlarmCreate): Promise<Alarm>;
  listAlarms(namePrefix?: string): Promise<Alarm[]>;
  deleteAlarm(id: string): Promise<void>;
}

/** Zaqar: queues that carry hand-offs and operator notices, and their push subscriptions. */
export interface Queueing {
  createQueue(name: string, metadata?: Record<string, unknown>): Promise<void>;
  /** The hrefs of the posted messages. */
  post(queue: string, messages: OutgoingMessage[]): Promise<string[]>;
  listSubscriptions(queue: string): Promise<Subscription[]>;
  subscribe(
    queue: string,
    subscriber: string,
    o?: { ttl?: number; options?: Record<string, unknown> },
  ): Promise<string>;
}

/** Ironic: a node's power, for fencing (core/fencing/drivers.ts). */
export interface BareMetal {
  /** Accepted (202); the conductor changes the power afterwards: read it back with getPowerStates. */
  setPower(node: string, target: PowerTarget): Promise<Accepted>;
  getPowerStates(node: string): Promise<NodeStates & Accepted>;
}

/** Placement: each resource provider's free capacity (core/openstack/placement.ts), for the console's fleet view. */
export interface Capacity {
  capacities(): Promise<ProviderCapacity[]>;
}
