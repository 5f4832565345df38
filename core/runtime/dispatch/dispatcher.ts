/**
 * Hands a step's result to the next step. The due queue of the state store is the source of
 * truth: every hand-off is written there first (a delayed one at its time, one due now
 * BACKSTOP_MS ahead), and the transport (in-process, direct HTTP, OpenWhisk trigger fire, Zaqar
 * queue, the due queue itself) only makes it run sooner. A delivery that fails or is lost is run
 * by the next reconcile of that step once the backstop is due, so a step may run twice: every
 * step is idempotent. Zaqar does not redeliver after a 5xx; nothing here relies on redelivery.
 */
import { StackmendError } from '../../domain/errors';
import type { Logger } from '../../domain/log';
import { STEPS, type StepName } from '../../domain/pipeline';
import type { Write } from '../../state/commit';
import type { StateStore } from '../../state/store';

/**
 * How far ahead a hand-off due now is kept in its due queue: the lease of one reconcile
 * (functions/_shared/reconcile.ts LEASE_MS), an action's time limit. The transport's delivery
 * runs the step first; a lost one comes back from the queue after this.
 */
export const BACKSTOP_MS = 60_000;

/** The due-queue write that makes a hand-off durable, for a caller that commits it with its own writes. */
export function dueWrite(
  step: StepName,
  incident: string,
  now: number,
  notBefore?: number,
): Extract<Write, { kind: 'schedule' }> {
  const dueAt = notBefore !== undefined && notBefore > now ? notBefore : now + BACKSTOP_MS;
  return { kind: 'schedule', queue: step, id: incident, dueAt };
}

export type StepPayload = { incident: string };
export type Receipt = { step: StepName; transport: string; ref?: string; dueAt?: number };

export interface Transport {
  readonly name: string;
  send(step: StepName, payload: StepPayload): Promise<{ ref?: string }>;
}

/**
 * notBefore: epoch ms, through the due queue only. durable: the caller has already committed
 * dueWrite(step, incident, …) (classify-alarm writes it with the incident); nothing is scheduled again.
 */
export type SendOptions = { notBefore?: number; durable?: true };

export interface Dispatcher {
  /**
   * Durable in the due queue first, then (due now) over the transport. A transport that fails is
   * logged and answered with the due-queue receipt: the step's reconcile runs it.
   */
  send(step: StepName, incident: string, opts?: SendOptions): Promise<Receipt>;
  readonly transport: string;
}

export function createDispatcher(
  transport: Transport,
  deps: { store: StateStore; now: () => number; log: Logger },
): Dispatcher {
  return {
    transport: transport.name,
    async send(step, incident, opts = {}) {
      const due = dueWrite(step, incident, deps.now(), opts.notBefore);
      if (!opts.durable) await deps.store.schedule(step, incident, due.dueAt);
      const queued: Receipt = { step, transport: 'due-queue', dueAt: due.dueAt };
      if (opts.notBefore && opts.notBefore > deps.now()) {
        deps.log.debug('hand-off scheduled', { step, incident, dueAt: due.dueAt });
        return queued;
      }
      try {
        const { ref } = await transport.send(step, { incident });
        deps.log.debug('hand-off sent', { step, incident, transport: transport.name, ref });
        return { step, transport: transport.name, ref };
      } catch (e) {
        deps.log.warn('hand-off not delivered: the due queue has it', { step, incident, dueAt: due.dueAt, error: e });
        return queued;
      }
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
