/**
 * The invoker side of the local runtime's containers: one pool per action version
 * (./pool.ts), dropped when the action is updated or deleted, all destroyed on close.
 */
import type { ActionEntity, EntityRef } from '../types';
import { ContainerPool, type PoolOptions } from './pool';

export { runInContainer, type ActivationContext, type ContainerRun } from './activation';

export class Containers {
  private readonly pools = new Map<string, ContainerPool>();
  constructor(private readonly o: PoolOptions) {}

  poolFor(action: ActionEntity): ContainerPool {
    const key = `${action.namespace}/${action.name}@${action.version}`;
    let pool = this.pools.get(key);
    if (!pool) this.pools.set(key, (pool = new ContainerPool(this.o)));
    return pool;
  }

  /** The pids of the action's live containers (every version). */
  pidsOf(ref: EntityRef): number[] {
    return this.matching(ref).flatMap(([, pool]) => pool.pids);
  }

  /** The action was updated or deleted: its containers go (busy ones once their activation ends). */
  forget(ref: EntityRef): void {
    for (const [key, pool] of this.matching(ref)) {
      this.pools.delete(key);
      pool.retire();
    }
  }

  async close(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(pools.map((p) => p.close()));
  }

  private matching(ref: EntityRef): [string, ContainerPool][] {
    return [...this.pools.entries()].filter(([key]) => key.startsWith(`${ref.namespace}/${ref.name}@`));
  }
}
