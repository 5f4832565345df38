/**
 * Hands a step's result to the next step. The transport is interchangeable (in-process,
 * direct HTTP, OpenWhisk trigger fire, Zaqar queue); delayed hand-offs go to the state
 * store's due queue and are picked up by the next reconcile of that step. Zaqar does not
 * redeliver after a 5xx, so nothing here relies on redelivery: every step is idempotent.
 */
import { StackmendError } from '../../domain/errors';
import type { Logger } from '../../domain/log';
import { STEPS, type StepName } from '../../domain/pipeline';
import type { StateStore } from '../../state/store';

export type StepPayload = { incident: string };
export type Receipt = { step: StepName; transport: string; ref?: string; dueAt?: number };

export interface Transport {
  readonly name: string;
  send(step: StepName, payload: StepPayload): Promise<{ ref?: string }>;
}

export interface Dispatcher {
  /** Now, or at `notBefore` (epoch ms) through the due queue. */
  send(step: StepName, incident: string, opts?: { notBefore?: number }): Promise<Receipt>;
  readonly transport: string;
}

export function createDispatcher(
  transport: Transport,
  deps: { store: StateStore; now: () => number; log: Logger },
): Dispatcher {
  return {
    transport: transport.name,
    async send(step, incident, opts = {}) {
      if (opts.notBefore && opts.notBefore > deps.now()) {
        await deps.store.schedule(step, incident, opts.notBefore);
        deps.log.debug('hand-off scheduled', { step, incident, dueAt: opts.notBefore });
        return { step, transport: 'due-queue', dueAt: opts.notBefore };
      }
      const { ref } = await transport.send(step, { incident });
      deps.log.debug('hand-off sent', { step, incident, transport: transport.name, ref });
      return { step, transport: transport.name, ref };
    },
  };
}

/** A step handed on to a step its STEPS entry (core/domain/pipeline.ts) does not list: a wiring bug. */
export class UndeclaredHandOffError extends StackmendError {
  constructor(from: StepName, to: StepName) {
    super(
      `${from} may not hand on to ${to}: add "${to}" to STEPS["${from}"].handsOnTo in core/domain/pipeline.ts (and to the serverless descriptors' triggers) if it should`,
    );
  }
}

/** The dispatcher as one step sees it: only the hand-offs its STEPS entry declares. */
export function handingOnFrom(from: StepName, d: Dispatcher): Dispatcher {
  const allowed: readonly StepName[] = STEPS[from].handsOnTo;
  return {
    transport: d.transport,
    send(step, incident, opts) {
      if (!allowed.includes(step)) return Promise.reject(new UndeclaredHandOffError(from, step));
      return d.send(step, incident, opts);
    },
  };
}
