/**
 * What every fake port shares: the clock, request ids, the call log tests assert on, and
 * failure injection ("the next N calls of nova.evacuate fail with this error").
 */
import type {
  Alarming,
  BareMetal,
  Capacity,
  Compute,
  Images,
  Orchestration,
  Queueing,
} from '../../../core/openstack/ports';

export type FakeMethod =
  | `nova.${keyof Compute}`
  | `heat.${keyof Orchestration}`
  | `aodh.${keyof Alarming}`
  | `zaqar.${keyof Queueing}`
  | `ironic.${keyof BareMetal}`
  | `glance.${keyof Images}`
  | `placement.${keyof Capacity}`;

export type Call = { method: FakeMethod; args: unknown[]; requestId: string; error?: string };

type Failure = { times: number; error: (args: unknown[]) => Error };

export class FakeControl {
  readonly calls: Call[] = [];
  private readonly failures = new Map<FakeMethod, Failure[]>();
  private seq = 0;

  constructor(readonly now: () => number) {}

  iso = () => new Date(this.now()).toISOString();

  /** `x-openstack-request-id`-shaped and deterministic: req-00000000-0000-4000-8000-000000000001, … */
  nextRequestId(): string {
    return `req-00000000-0000-4000-8000-${String(++this.seq).padStart(12, '0')}`;
  }

  /** The next `times` calls of `method` throw `error` (one Error instance, or built per call from its args). */
  failNext(method: FakeMethod, times: number, error: Error | ((args: unknown[]) => Error)): void {
    const make = typeof error === 'function' ? error : () => error;
    this.failures.set(method, [...(this.failures.get(method) ?? []), { times, error: make }]);
  }

  callsTo(method: FakeMethod): Call[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Logs the call, applies injected failures, runs it, and hands back a copy (callers cannot edit fake state). */
  async run<T>(method: FakeMethod, args: unknown[], impl: (requestId: string) => T | Promise<T>): Promise<T> {
    const call: Call = { method, args: structuredClone(args), requestId: this.nextRequestId() };
    this.calls.push(call);
    try {
      const injected = this.takeFailure(method);
      if (injected) throw injected(args);
      const out = await impl(call.requestId);
      return out === undefined ? out : structuredClone(out);
    } catch (e) {
      call.error = (e as Error).name;
      throw e;
    }
  }

  private takeFailure(method: FakeMethod): Failure['error'] | undefined {
    const queue = this.failures.get(method);
    const head = queue?.[0];
    if (!head) return undefined;
    if (--head.times <= 0) queue.shift();
    return head.error;
  }
}
