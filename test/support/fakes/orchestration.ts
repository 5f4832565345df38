/**
 * Heat in memory: stacks with nested stacks (a ResourceGroup's members live in a nested stack),
 * their resources, mark_unhealthy and the existing-template update. As the lab showed
 * (core/openstack/heat.ts): mark_unhealthy answers 409 (ResourceBusyError) while that resource
 * is *_IN_PROGRESS, and otherwise leaves it CHECK_FAILED with the reason given
 * (test/fixtures/openstack/heat-resource-show-unhealthy.json); an update is accepted even while
 * the stack is busy (it cancels the one in flight: counted in `cancelledUpdates`). An update is
 * IN_PROGRESS until tick(), which replaces every CHECK_FAILED server (a new Nova server; the
 * resource CREATE_COMPLETE, as Heat reports a replaced member) and ends UPDATE_COMPLETE, or
 * UPDATE_FAILED when failUpdate() asked for it.
 */
import type { StackRef } from '../../../core/domain/plan';
import { isBusy, serverOwners, type Resource, type Stack } from '../../../core/openstack/heat';
import type { Orchestration } from '../../../core/openstack/ports';
import type { FakeCompute } from './compute';
import type { FakeControl } from './control';
import { errors, HEAT_BASE, resourceRecord, stackRecord, type ResourceView } from './records';

type FakeStack = {
  ref: StackRef;
  status: string;
  reason: string | null;
  updatedTime: string | null;
  parent?: string;
  resources: ResourceView[];
  /** An update is in flight; `fail` ends it UPDATE_FAILED with that reason. */
  update?: { fail?: string };
};

const SERVER = 'OS::Nova::Server';
/** Heat's timestamps: whole seconds, Z (test/fixtures/openstack/heat-stack-show.json). */
const heatTime = (c: FakeControl) => c.iso().replace(/\.\d+Z$/, 'Z');

export class FakeOrchestration implements Orchestration {
  private readonly stacks: FakeStack[] = [];
  readonly cancelledUpdates = new Map<string, number>();
  private seq = 0;

  constructor(
    private readonly c: FakeControl,
    private readonly nova: FakeCompute,
  ) {}

  // ---- seeding and inspection (not port calls: not logged) ----

  addStack(name: string, parent?: StackRef): StackRef {
    const ref = { name, id: this.uuid() };
    const reason = 'Stack CREATE completed successfully';
    this.stacks.push({ ref, status: 'CREATE_COMPLETE', reason, updatedTime: null, parent: parent?.id, resources: [] });
    return ref;
  }

  /** An OS::Nova::Server resource of `stack` holding `serverId`. */
  addServer(stack: StackRef, resourceName: string, serverId: string): void {
    this.find(stack).resources.push({
      name: resourceName,
      type: SERVER,
      physicalId: serverId,
      status: 'CREATE_COMPLETE',
    });
  }

  /** An OS::Heat::ResourceGroup of `root` whose members (servers "0", "1", …) live in a nested stack. */
  addGroup(root: StackRef, groupName: string, serverIds: string[]): StackRef {
    const nested = this.addStack(`${root.name}-${groupName}-${this.uuid().slice(-12)}`, root);
    this.find(root).resources.push({
      name: groupName,
      type: 'OS::Heat::ResourceGroup',
      physicalId: nested.id,
      status: 'CREATE_COMPLETE',
      nested,
    });
    serverIds.forEach((id, i) => this.addServer(nested, String(i), id));
    return nested;
  }

  /** Someone else's action in flight, or a stack that ended badly: `UPDATE_IN_PROGRESS`, `UPDATE_FAILED`, … */
  setStackStatus(ref: StackRef, status: string, reason: string | null = null): void {
    Object.assign(this.find(ref), { status, reason, updatedTime: heatTime(this.c) });
  }

  setResourceStatus(stack: StackRef, resourceName: string, status: string): void {
    this.requireResource(stack, resourceName).status = status;
  }

  /** An update of `ref` starts (someone else's when a test calls it; updateExisting's otherwise). */
  beginUpdate(ref: StackRef): void {
    const root = this.find(ref, 'PATCH');
    if (isBusy(root.status)) this.cancelledUpdates.set(root.ref.id, (this.cancelledUpdates.get(root.ref.id) ?? 0) + 1);
    root.update = {};
    for (const s of this.family(root)) {
      Object.assign(s, { status: 'UPDATE_IN_PROGRESS', reason: 'Stack UPDATE started', updatedTime: heatTime(this.c) });
      for (const r of s.resources.filter((x) => x.status === 'CHECK_FAILED')) r.status = 'UPDATE_IN_PROGRESS';
    }
  }

  /** The update in flight on `root` ends UPDATE_FAILED at the next tick(). */
  failUpdate(root: StackRef, reason: string): void {
    const s = this.find(root);
    s.update = { ...s.update, fail: reason };
  }

  resource(stack: StackRef, resourceName: string): Resource {
    return resourceRecord(stack, this.requireResource(stack, resourceName));
  }

  stack(ref: StackRef): Stack {
    return this.recordOf(this.find(ref));
  }

  /** Updates in flight end: CHECK_FAILED servers replaced, UPDATE_COMPLETE (or UPDATE_FAILED). */
  tick(): void {
    for (const root of this.stacks.filter((s) => s.update && !s.parent)) {
      const family = this.family(root);
      const fail = root.update?.fail;
      for (const s of family) {
        if (!fail) for (const r of s.resources.filter((x) => x.status === 'UPDATE_IN_PROGRESS')) this.replace(s, r);
        Object.assign(s, {
          status: fail ? 'UPDATE_FAILED' : 'UPDATE_COMPLETE',
          reason: fail ?? 'Stack UPDATE completed successfully',
          updatedTime: heatTime(this.c),
          update: undefined,
        });
      }
    }
  }

  // ---- the port ----

  getStack(ref: StackRef | string): Promise<Stack> {
    return this.c.run('heat.getStack', [ref], () => this.recordOf(this.find(ref, 'GET')));
  }

  listStacks(): Promise<Stack[]> {
    return this.c.run('heat.listStacks', [], () => this.stacks.filter((s) => !s.parent).map((s) => this.recordOf(s)));
  }

  getResource(stack: StackRef, resourceName: string): Promise<Resource> {
    return this.c.run('heat.getResource', [stack, resourceName], () => this.resource(stack, resourceName));
  }

  listServers(root: StackRef, depth = 5) {
    return this.c.run('heat.listServers', [root, depth], () => serverOwners(root, this.resourcesOf(root, depth)));
  }

  markUnhealthy(stack: StackRef, resourceName: string, reason: string): Promise<{ requestId?: string }> {
    return this.c.run('heat.markUnhealthy', [stack, resourceName, reason], (requestId) => {
      const r = this.requireResource(stack, resourceName, 'PATCH');
      if (isBusy(r.status))
        throw errors.resourceBusy(`${HEAT_BASE}/stacks/${stack.name}/${stack.id}/resources/${resourceName}`, requestId);
      Object.assign(r, { status: 'CHECK_FAILED', reason });
      return { requestId };
    });
  }

  updateExisting(ref: StackRef, parameters?: Record<string, unknown>): Promise<{ requestId?: string }> {
    return this.c.run('heat.updateExisting', [ref, parameters], (requestId) => {
      this.beginUpdate(this.find(ref, 'PATCH').ref);
      return { requestId };
    });
  }

  // ---- internals ----

  private replace(s: FakeStack, r: ResourceView): void {
    const old = this.nova.server(r.physicalId);
    const host = this.nova.spareHost();
    this.nova.deleteServerNow(r.physicalId);
    const fresh = this.nova.addServer({
      id: this.uuid(),
      name: `${s.ref.name}-${r.name}-${this.seq}`,
      host: host ?? 'none',
      status: host ? 'ACTIVE' : 'ERROR',
      flavor: old?.flavor,
    });
    Object.assign(r, { physicalId: fresh.id, status: 'CREATE_COMPLETE', reason: 'state changed' });
  }

  private resourcesOf(ref: StackRef, depth: number): Resource[] {
    const s = this.find(ref, 'GET');
    return s.resources.flatMap((r) => [
      resourceRecord(s.ref, r),
      ...(r.nested && depth > 0
        ? this.resourcesOf(r.nested, depth - 1).map((n) => ({ ...n, parent_resource: n.parent_resource ?? r.name }))
        : []),
    ]);
  }

  /** The stack and every stack nested in it. */
  private family(s: FakeStack): FakeStack[] {
    return [s, ...this.stacks.filter((x) => x.parent === s.ref.id).flatMap((x) => this.family(x))];
  }

  private recordOf(s: FakeStack): Stack {
    return stackRecord(s.ref, { status: s.status, reason: s.reason, updatedTime: s.updatedTime, parent: s.parent });
  }

  private find(ref: StackRef | string, method = 'GET'): FakeStack {
    const s = this.stacks.find((x) =>
      typeof ref === 'string' ? x.ref.name === ref || x.ref.id === ref : x.ref.id === ref.id,
    );
    const url = `${HEAT_BASE}/stacks/${typeof ref === 'string' ? ref : `${ref.name}/${ref.id}`}`;
    if (!s) throw errors.notFound({ service: 'heat', method, url });
    return s;
  }

  private requireResource(stack: StackRef, name: string, method = 'GET'): ResourceView {
    const r = this.find(stack, method).resources.find((x) => x.name === name);
    if (!r)
      throw errors.notFound({
        service: 'heat',
        method,
        url: `${HEAT_BASE}/stacks/${stack.name}/${stack.id}/resources/${name}`,
      });
    return r;
  }

  private uuid(): string {
    return `00000000-0000-4000-b000-${String(++this.seq).padStart(12, '0')}`;
  }
}
