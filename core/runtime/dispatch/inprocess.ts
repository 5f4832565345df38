/**
 * In-process hand-off for the local runtime: the next step runs after the current
 * one has returned (setImmediate), never inside it.
 */
import type { Logger } from '../../domain/log';
import type { StepName } from '../../domain/pipeline';
import type { StepPayload, Transport } from './dispatcher';

export type StepRunner = (payload: StepPayload) => Promise<unknown>;

export class InProcessTransport implements Transport {
  readonly name = 'inprocess';
  private readonly runners = new Map<StepName, StepRunner>();
  private inflight = 0;
  private idle: (() => void)[] = [];
  constructor(private readonly log: Logger) {}

  register(step: StepName, run: StepRunner): void {
    this.runners.set(step, run);
  }

  async send(step: StepName, payload: StepPayload): Promise<{ ref?: string }> {
    const run = this.runners.get(step);
    if (!run)
      throw new Error(
        `no in-process runner for step ${step}: register it (stackmend serve does) or choose another dispatch transport`,
      );
    this.inflight++;
    setImmediate(() => {
      run(payload)
        .catch((e) => this.log.error('in-process step failed', { step, incident: payload.incident, error: e }))
        .finally(() => {
          if (--this.inflight === 0) this.idle.splice(0).forEach((r) => r());
        });
    });
    return {};
  }

  /** Resolves when no hand-off is running (tests and the demo use it). */
  settled(): Promise<void> {
    return this.inflight === 0 ? Promise.resolve() : new Promise((r) => this.idle.push(r));
  }
}
