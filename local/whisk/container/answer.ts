/**
 * What an activation's response is, from what the action proxy answered, as OpenWhisk's invoker
 * decides it (ActivationResponse.processRunResponseContent, ContainerProxy):
 * - 200 and a dictionary: success, or an application error when it holds `error`;
 * - 200 and anything else, or any other status: an action developer error with the proxy's
 *   `error` (e.g. 502 "An error has occurred: …" for a synchronous throw);
 * - no answer within the limit: "exceeded its time limits"; the process gone: "exited unexpectedly".
 * The invoker destroys the container after every outcome but success and application error.
 */
import type { ActivationOutcome } from '../types';
import { ActivationStatus, isDictionary } from '../types';
import type { ProxyAnswer } from './container';

export interface Answered {
  outcome: ActivationOutcome;
  result: Record<string, unknown>;
}

export const Messages = {
  abnormalRun: 'The action did not produce a valid response and exited unexpectedly.',
  notDictionary: 'The action did not return a dictionary.',
  timedOut: (ms: number, init: boolean) =>
    `The action exceeded its time limits of ${ms} milliseconds${init ? ' during initialization' : ''}.`,
} as const;

export function answered(answer: ProxyAnswer, timeoutMs: number, init = false): Answered {
  switch (answer.kind) {
    case 'timeout':
      return developerError(Messages.timedOut(timeoutMs, init));
    case 'crashed':
      return developerError(Messages.abnormalRun);
    case 'answered':
      return fromStatus(answer.code, answer.body);
    default: {
      const unreachable: never = answer;
      return unreachable;
    }
  }
}

export function fromStatus(code: number, body: unknown): Answered {
  if (code === 200 && isDictionary(body))
    return { outcome: 'error' in body ? ActivationStatus.applicationError : ActivationStatus.success, result: body };
  if (code === 200) return developerError(Messages.notDictionary);
  const error = isDictionary(body) && body.error !== undefined ? body.error : Messages.abnormalRun;
  return { outcome: ActivationStatus.developerError, result: { error } };
}

export const keepsContainer = (a: Answered): boolean =>
  a.outcome === ActivationStatus.success || a.outcome === ActivationStatus.applicationError;

export function developerError(message: string): Answered {
  return { outcome: ActivationStatus.developerError, result: { error: message } };
}
