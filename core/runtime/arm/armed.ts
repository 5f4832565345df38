/**
 * The armed-server repository over the state store: which Heat resource owns each armed server
 * (`armed:server:<id>`, read by classify-alarm before it scans Heat), each armed stack's alarm
 * target (`armed:stack:<id>`), and the re-arms handed on after a replacement (due queue `arm`).
 */
import type { StackRef } from '../../domain/plan';
import type { StateStore } from '../../state/store';
import { storedTarget, type ArmTarget, type StoredTarget } from './target';

export type Owner = { root: StackRef; stack: StackRef; resourceName: string };
/** As kept in the state store: the target without any credential (./target.ts). */
export type ArmedStack = { stack: StackRef; target: StoredTarget };

const SERVER = 'armed:server:';
const stackKey = (id: string) => `armed:stack:${id}`;
const REARM_QUEUE = 'arm';

export class ArmedServers {
  constructor(private readonly store: StateStore) {}

  owner(serverId: string): Promise<Owner | undefined> {
    return this.store.get<Owner>(`${SERVER}${serverId}`);
  }

  stack(rootId: string): Promise<ArmedStack | undefined> {
    return this.store.get<ArmedStack>(stackKey(rootId));
  }

  /** Records the stack's target (without its credential) and its servers now; forgets its servers that left. */
  async record(
    armed: { stack: StackRef; target: ArmTarget },
    servers: (Owner & { serverId: string })[],
  ): Promise<void> {
    for (const { serverId, ...owner } of servers) await this.store.put<Owner>(`${SERVER}${serverId}`, owner);
    const current = new Set(servers.map((s) => s.serverId));
    for (const e of await this.store.list<Owner>(SERVER))
      if (e.value.root.id === armed.stack.id && !current.has(e.key.slice(SERVER.length)))
        await this.store.delete(e.key);
    await this.store.put<ArmedStack>(stackKey(armed.stack.id), {
      stack: armed.stack,
      target: storedTarget(armed.target),
    });
  }

  async forget(rootId: string): Promise<void> {
    for (const e of await this.store.list<Owner>(SERVER))
      if (e.value.root.id === rootId) await this.store.delete(e.key);
    await this.store.delete(stackKey(rootId));
  }

  /** Hands the re-arming of an armed stack on (its servers changed); false when the stack is not armed. */
  async requestRearm(root: StackRef, now: number): Promise<boolean> {
    if (!(await this.stack(root.id))) return false;
    await this.store.schedule(REARM_QUEUE, root.id, now);
    return true;
  }

  /** Borrows the due re-arms; `retryLater` gives one back. */
  takeRearms(now: number): Promise<string[]> {
    return this.store.takeDue(REARM_QUEUE, now, 20);
  }

  retryLater(rootId: string, at: number): Promise<void> {
    return this.store.schedule(REARM_QUEUE, rootId, at);
  }
}
