/**
 * The Heat calls stackmend makes. Encodes what the lab showed:
 *  - PATCH with `{}` is the "existing template" update (PUT {existing:true} is refused: "No template specified");
 *  - the convergence engine never answers 409 to an update: it accepts a second one and cancels the
 *    update in flight, so callers must read the stack status first (isBusy);
 *  - mark_unhealthy answers 409 only when that resource is itself busy, and `null` on success.
 */
import * as z from 'zod';
import { ConflictError, NotFoundError } from './errors';
import type { ServiceHttp } from './http';
import type { Orchestration } from './ports';

import type { StackRef } from '../domain/plan';

export type { StackRef };

/** Recorded: test/fixtures/openstack/heat-stack-show.json */
export const StackSchema = z.looseObject({
  id: z.string(),
  stack_name: z.string(),
  stack_status: z.string(),
  stack_status_reason: z.string().nullish(),
  parent: z.string().nullish(),
  updated_time: z.string().nullish(),
  outputs: z.array(z.looseObject({ output_key: z.string(), output_value: z.unknown() })).optional(),
});
export type Stack = z.infer<typeof StackSchema>;

const LinkSchema = z.object({ href: z.string(), rel: z.string() });
/** Recorded: test/fixtures/openstack/heat-group-resources-nested.json */
export const ResourceSchema = z.looseObject({
  resource_name: z.string(),
  physical_resource_id: z.string().nullish(),
  resource_type: z.string(),
  resource_status: z.string(),
  resource_status_reason: z.string().nullish(),
  links: z.array(LinkSchema).default([]),
  parent_resource: z.string().optional(),
});
export type Resource = z.infer<typeof ResourceSchema>;

export const EventSchema = z.looseObject({
  id: z.string(),
  event_time: z.string(),
  resource_name: z.string(),
  resource_status: z.string(),
  resource_action: z.string().optional(),
  resource_status_reason: z.string().nullish(),
  physical_resource_id: z.string().nullish(),
});
export type StackEvent = z.infer<typeof EventSchema>;

/** Where a server lives in Heat: the stack that holds its resource (maybe nested) and the root to update. */
export type ServerOwner = { root: StackRef; stack: StackRef; resourceName: string; resourceStatus: string };

export const refOf = (s: Stack): StackRef => ({ name: s.stack_name, id: s.id });
export const isBusy = (status: string) => status.endsWith('_IN_PROGRESS');
export const SERVER_TYPES = new Set(['OS::Nova::Server']);

/** `.../stacks/<name>/<id>[/...]` in a Heat link → StackRef. */
export function stackRefFromHref(href: string): StackRef {
  const m = /\/stacks\/([^/]+)\/([^/?]+)/.exec(href);
  if (!m) throw new Error(`not a Heat stack link: ${href}`);
  return { name: decodeURIComponent(m[1]), id: decodeURIComponent(m[2]) };
}

const path = (s: StackRef) => `stacks/${encodeURIComponent(s.name)}/${encodeURIComponent(s.id)}`;

/** The servers among a root stack's resources (nested ones included), with the stack that owns each. */
export function serverOwners(root: StackRef, resources: Resource[]): (ServerOwner & { serverId: string })[] {
  return resources
    .filter((r) => SERVER_TYPES.has(r.resource_type) && r.physical_resource_id)
    .map((r) => ({
      serverId: r.physical_resource_id as string,
      root,
      stack: stackRefFromHref(r.links.find((l) => l.rel === 'stack')?.href ?? path(root)),
      resourceName: r.resource_name,
      resourceStatus: r.resource_status,
    }));
}

/** Heat nests stacks at most `max_nested_stack_depth` deep (5 by default): the walk up stops well past it. */
const MAX_STACK_DEPTH = 16;

/** The root of the stack named or numbered `ref`: itself, or the last of its `parent`s (undefined: no end). */
export async function rootStackOf(heat: Pick<Orchestration, 'getStack'>, ref: string): Promise<Stack | undefined> {
  let stack = await heat.getStack(ref);
  for (let depth = 0; stack.parent && depth < MAX_STACK_DEPTH; depth++) stack = await heat.getStack(stack.parent);
  return stack.parent ? undefined : stack;
}

export class HeatClient implements Orchestration {
  constructor(private readonly http: ServiceHttp) {}

  /** By name, id, or StackRef (a bare name or id is redirected by Heat). */
  async getStack(ref: StackRef | string): Promise<Stack> {
    const res = await this.http.get<{ stack: unknown }>(
      typeof ref === 'string' ? `stacks/${encodeURIComponent(ref)}` : path(ref),
    );
    return StackSchema.parse(res.data.stack);
  }

  async listStacks(): Promise<Stack[]> {
    const res = await this.http.get<{ stacks: unknown[] }>('stacks');
    return z.array(StackSchema).parse(res.data.stacks);
  }

  async listResources(ref: StackRef, nestedDepth = 0): Promise<Resource[]> {
    const res = await this.http.get<{ resources: unknown[] }>(`${path(ref)}/resources`, {
      query: { nested_depth: nestedDepth || undefined },
    });
    return z.array(ResourceSchema).parse(res.data.resources);
  }

  /**
   * The resource's status and physical id, from the stack's resource list filtered by name: Heat's show
   * (`GET …/resources/<name>`) resolves every attribute live (heat/engine/api.py format_resource_attributes),
   * for a server one or more Nova calls, all of them failing once the server is gone; the list reads only
   * Heat's database. A resource the stack does not have is a NotFoundError, as the show's 404.
   */
  async getResource(stack: StackRef, resourceName: string): Promise<Resource> {
    const url = `${path(stack)}/resources`;
    const res = await this.http.get<{ resources: unknown[] }>(url, { query: { name: resourceName } });
    const found = z
      .array(ResourceSchema)
      .parse(res.data.resources)
      .find((r) => r.resource_name === resourceName);
    if (!found)
      throw new NotFoundError({
        service: 'heat',
        status: 404,
        method: 'GET',
        url: `${url}?name=${resourceName}`,
        requestId: res.requestId,
        body: { error: { message: `The Resource (${resourceName}) could not be found in stack ${stack.name}.` } },
      });
    return found;
  }

  /** Servers of a stack and all its nested stacks, with the stack that owns each resource. */
  async listServers(root: StackRef, depth = 5): Promise<(ServerOwner & { serverId: string })[]> {
    return serverOwners(root, await this.listResources(root, depth));
  }

  /** Scans the project's stacks for the resource whose physical id is the server. */
  async findServerOwner(serverId: string): Promise<ServerOwner | undefined> {
    for (const s of await this.listStacks()) {
      const hit = (await this.listServers(refOf(s))).find((o) => o.serverId === serverId);
      if (hit) return hit;
    }
    return undefined;
  }

  /** `null` body on success; 409 only when this resource is itself busy → ResourceBusyError. */
  async markUnhealthy(stack: StackRef, resourceName: string, reason: string): Promise<{ requestId?: string }> {
    try {
      const res = await this.http.patch(
        `${path(stack)}/resources/${encodeURIComponent(resourceName)}`,
        { mark_unhealthy: true, resource_status_reason: reason },
        { idempotent: true },
      );
      return { requestId: res.requestId };
    } catch (e) {
      if (e instanceof ConflictError) throw new ResourceBusyError(e);
      throw e;
    }
  }

  /**
   * Update with the existing template (PATCH `{}`; parameters optional). Never call it while the stack
   * is busy: Heat would cancel the update in flight instead of refusing. Not retried (not idempotent).
   */
  async updateExisting(ref: StackRef, parameters?: Record<string, unknown>): Promise<{ requestId?: string }> {
    const res = await this.http.patch(path(ref), parameters ? { parameters } : {});
    return { requestId: res.requestId };
  }

  async events(
    ref: StackRef,
    q: { resourceName?: string; limit?: number; sortDir?: 'asc' | 'desc'; nestedDepth?: number } = {},
  ): Promise<StackEvent[]> {
    const res = await this.http.get<{ events: unknown[] }>(`${path(ref)}/events`, {
      query: { resource_name: q.resourceName, limit: q.limit, sort_dir: q.sortDir, nested_depth: q.nestedDepth },
    });
    return z.array(EventSchema).parse(res.data.events);
  }

  /**
   * `template` is the YAML text: converting it to JSON breaks heat_template_version dates.
   * `timeoutMins` is Heat's stack timeout, which its updates keep too.
   */
  async createStack(
    name: string,
    template: string,
    parameters: Record<string, unknown> = {},
    timeoutMins = 10,
  ): Promise<StackRef> {
    const res = await this.http.post<{ stack: { id: string } }>('stacks', {
      stack_name: name,
      template,
      parameters,
      timeout_mins: timeoutMins,
    });
    return { name, id: res.data.stack.id };
  }

  async deleteStack(ref: StackRef): Promise<void> {
    await this.http.delete(path(ref));
  }
}

/** mark_unhealthy refused because the resource is in the middle of an action: reschedule, never force. */
export class ResourceBusyError extends ConflictError {
  constructor(e: ConflictError) {
    super(
      { service: e.service, status: e.status, requestId: e.requestId, method: e.method, url: e.url, body: e.body },
      'The resource is busy: try again once its current action ends',
    );
  }
}
