/**
 * The containers of one action version, as OpenWhisk's container pool keeps them: an activation
 * takes a warm idle container, else a new one while the pool holds fewer than `concurrency`,
 * else waits for one to come back (first come, first served). Each container runs one activation
 * at a time. A container comes back warm after a clean run and is destroyed after `idleMs` unused;
 * one that timed out, crashed or failed its initialization is destroyed at once.
 */
import { ActionContainer } from './container';

export interface PoolOptions {
  concurrency: number;
  idleMs: number;
  apiHost: () => string;
}

export class ContainerPool {
  private readonly containers = new Set<ActionContainer>();
  private readonly idle = new Map<ActionContainer, NodeJS.Timeout>();
  private readonly waiting: { resolve: (c: ActionContainer) => void; reject: (e: unknown) => void }[] = [];
  private starting = 0;
  private closed = false;
  /** updated or deleted: containers are not kept idle any more */
  private retired = false;

  constructor(private readonly o: PoolOptions) {}

  /** The pids of the live containers (tests and the activation log show them). */
  get pids(): number[] {
    return [...this.containers].map((c) => c.pid);
  }

  acquire(): Promise<ActionContainer> {
    const [warm] = this.idle.keys();
    if (warm) {
      clearTimeout(this.idle.get(warm));
      this.idle.delete(warm);
      return Promise.resolve(warm);
    }
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.grow();
    });
  }

  /** Back after a clean activation: to the next waiting activation, else idle (warm). */
  release(container: ActionContainer): void {
    if (this.closed || !container.alive) return void this.discard(container);
    const next = this.waiting.shift();
    if (next) return next.resolve(container);
    if (this.retired) return void this.discard(container);
    const timer = setTimeout(() => void this.discard(container), this.o.idleMs);
    timer.unref();
    this.idle.set(container, timer);
  }

  /** Destroys the container (timeout, crash, failed init, idle too long); a waiting activation gets a new one. */
  discard(container: ActionContainer): Promise<void> {
    clearTimeout(this.idle.get(container));
    this.idle.delete(container);
    this.containers.delete(container);
    const gone = container.destroy();
    this.grow();
    return gone;
  }

  /** No new activations; idle containers go now, busy ones when their activation ends (a redeploy). */
  retire(): void {
    this.retired = true;
    for (const c of [...this.idle.keys()]) void this.discard(c);
  }

  /** Destroys every container, busy or not, and fails the waiting activations (the runtime closes). */
  async close(): Promise<void> {
    this.closed = true;
    for (const w of this.waiting.splice(0)) w.reject(new Error('the runtime is closing'));
    await Promise.all([...this.containers].map((c) => this.discard(c)));
  }

  /** Starts containers for waiting activations while there is room. */
  private grow(): void {
    while (
      !this.closed &&
      this.waiting.length > this.starting &&
      this.containers.size + this.starting < this.o.concurrency
    ) {
      this.starting++;
      ActionContainer.start(this.o.apiHost()).then(
        (container) => {
          this.starting--;
          this.containers.add(container);
          this.release(container);
        },
        (error: unknown) => {
          this.starting--;
          this.waiting.shift()?.reject(error);
        },
      );
    }
  }
}
