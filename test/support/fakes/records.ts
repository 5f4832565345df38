/**
 * Records the fakes hand out, built from the recorded responses in test/fixtures/openstack/
 * (ids, names and states swapped in, every other field as recorded) and parsed by the clients'
 * own zod schemas. Hypervisors have no recording: they carry the HypervisorSchema fields only.
 */
import {
  apiErrorFor,
  type ApiErrorDetails,
  type BadRequestError,
  type ConflictError,
} from '../../../core/openstack/errors';
import {
  ResourceSchema,
  ResourceBusyError,
  StackSchema,
  type Resource,
  type Stack,
} from '../../../core/openstack/heat';
import {
  ComputeServiceSchema,
  HypervisorSchema,
  ServerSchema,
  SourceHostStillUpError,
  type ComputeService,
  type Hypervisor,
  type Server,
} from '../../../core/openstack/nova';
import type { StackRef } from '../../../core/domain/plan';
import { recorded } from '../replay-server';

type Json = Record<string, unknown>;
export const recordedBody = (name: string) => recorded(name).response.body as Json;
/** The recorded JSON with every occurrence of each `from` string replaced (ids inside links included). */
const swap = <T>(value: T, pairs: [string, string][]): T =>
  JSON.parse(pairs.reduce((text, [from, to]) => text.split(from).join(to), JSON.stringify(value))) as T;

const SERVER = recordedBody('nova-server-show').server as Json;
const SERVICE = (recordedBody('nova-services-list').services as Json[])[0];
const STACK = recordedBody('heat-stack-show').stack as Json;
const [GROUP, MEMBER] = recordedBody('heat-group-resources-nested').resources as Json[];
/** `http://…:8004/v1/<project>` of the recorded Heat calls. */
export const HEAT_BASE = recorded('heat-stack-show').request.url.replace(/\/stacks\/.*$/, '');

export type ServerSeed = {
  id: string;
  name: string;
  host: string;
  status?: string;
  metadata?: Record<string, string>;
  flavor?: {
    vcpus?: number;
    ram?: number;
    disk?: number;
    original_name?: string;
    extra_specs?: Record<string, string>;
  };
  /** The Glance image id (default: the recorded server's); `''` boots from a volume. */
  image?: string;
  locked?: boolean;
  locked_reason?: string | null;
  /** `OS-EXT-AZ:availability_zone` (default: the recorded server's, `nova`). */
  availabilityZone?: string;
};

export function serverRecord(s: ServerSeed): Server {
  const base = swap(SERVER, [[String(SERVER.id), s.id]]);
  return ServerSchema.parse({
    ...base,
    name: s.name,
    status: s.status ?? 'ACTIVE',
    metadata: s.metadata ?? {},
    flavor: { ...(base.flavor as Json), ...s.flavor },
    ...(s.image !== undefined ? { image: s.image === '' ? '' : { ...(base.image as Json), id: s.image } } : {}),
    locked: s.locked ?? false,
    locked_reason: s.locked_reason ?? null,
    'OS-EXT-SRV-ATTR:host': s.host,
    'OS-EXT-SRV-ATTR:hypervisor_hostname': s.host,
    'OS-EXT-STS:task_state': null,
    ...(s.availabilityZone ? { 'OS-EXT-AZ:availability_zone': s.availabilityZone } : {}),
  });
}

export type ServiceSeed = Partial<Pick<ComputeService, 'id' | 'state' | 'status' | 'forced_down' | 'updated_at'>> & {
  host: string;
};

export function serviceRecord(s: ServiceSeed, id: string): ComputeService {
  return ComputeServiceSchema.parse({ ...SERVICE, disabled_reason: null, ...s, id: s.id ?? id });
}

export function hypervisorRecord(
  svc: ComputeService,
  id: string,
  capacity: { vcpus: number; memory_mb: number },
  used: { vcpus: number; memory_mb: number },
): Hypervisor {
  return HypervisorSchema.parse({
    id,
    hypervisor_hostname: svc.host,
    state: svc.state,
    status: svc.status,
    vcpus: capacity.vcpus,
    vcpus_used: used.vcpus,
    memory_mb: capacity.memory_mb,
    memory_mb_used: used.memory_mb,
    service: { host: svc.host },
  });
}

const stackHref = (s: StackRef) => `${HEAT_BASE}/stacks/${s.name}/${s.id}`;

export function stackRecord(
  ref: StackRef,
  o: { status: string; reason?: string | null; updatedTime: string | null; parent?: string },
): Stack {
  const { outputs: _recordedOutputs, ...base } = swap(STACK, [
    [String(STACK.id), ref.id],
    [String(STACK.stack_name), ref.name],
  ]);
  return StackSchema.parse({
    ...base,
    stack_status: o.status,
    stack_status_reason: o.reason ?? null,
    updated_time: o.updatedTime,
    parent: o.parent ?? null,
  });
}

export type ResourceView = {
  name: string;
  type: string;
  physicalId: string;
  status: string;
  reason?: string | null;
  nested?: StackRef;
};

export function resourceRecord(stack: StackRef, r: ResourceView): Resource {
  const { parent_resource: _recordedParent, ...template } = r.nested ? GROUP : MEMBER;
  const links = [
    { href: `${stackHref(stack)}/resources/${r.name}`, rel: 'self' },
    { href: stackHref(stack), rel: 'stack' },
    ...(r.nested ? [{ href: stackHref(r.nested), rel: 'nested' }] : []),
  ];
  return ResourceSchema.parse({
    ...template,
    logical_resource_id: r.name,
    resource_name: r.name,
    physical_resource_id: r.physicalId,
    resource_type: r.type,
    resource_status: r.status,
    resource_status_reason: r.reason ?? 'state changed',
    links,
  });
}

/** The errors the real clients throw (core/openstack/errors.ts `apiErrorFor`, the clients' named refusals). */
export const errors = {
  notFound: (d: Omit<ApiErrorDetails, 'status'>) => apiErrorFor({ ...d, status: 404 }),
  /** test/fixtures/openstack/nova-evacuate-while-host-up.json, for `host`. */
  sourceHostStillUp: (host: string, url: string, requestId: string) =>
    new SourceHostStillUpError(
      apiErrorFor({
        service: 'nova',
        status: 400,
        method: 'POST',
        url,
        requestId,
        body: swap(recordedBody('nova-evacuate-while-host-up'), [['compute1', host]]),
      }) as BadRequestError,
    ),
  /** Heat's 409 to mark_unhealthy on a busy resource (test/lab/client.test.ts shows it; its body is not recorded). */
  resourceBusy: (url: string, requestId: string) =>
    new ResourceBusyError(
      apiErrorFor({ service: 'heat', status: 409, method: 'PATCH', url, requestId }) as ConflictError,
    ),
};
