/**
 * Hand-off through the state store's due queue, due now: the next reconcile of that step
 * (a running `stackmend serve`, the periodic reconcile trigger of a deployment, or
 * `stackmend invoke --chain`) picks it up. Needs nothing but the shared store.
 */
import type { StepName } from '../../domain/pipeline';
import type { StateStore } from '../../state/store';
import type { StepPayload, Transport } from './dispatcher';

export class QueuedTransport implements Transport {
  readonly name = 'due-queue';
  constructor(
    private readonly store: StateStore,
    private readonly now: () => number = Date.now,
  ) {}
  async send(step: StepName, payload: StepPayload) {
    await this.store.schedule(step, payload.incident, this.now());
    return { ref: `${step}:${payload.incident}` };
  }
}
