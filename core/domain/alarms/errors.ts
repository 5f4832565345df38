/**
 * Errors of the alarm intake beyond InvalidPayloadError (core/domain/errors.ts).
 */
import { StackmendError } from '../errors';
import type { AlarmSource } from '../incident';

/**
 * The alarm carries no time of its own (Aodh threshold, composite and load-balancer alarms do not)
 * and the caller gave no receive time. A wiring bug, not a bad payload: pass `{ receivedAt }`.
 */
export class ReceiveTimeRequiredError extends StackmendError {
  override readonly status = 500;
  constructor(
    readonly source: AlarmSource,
    readonly alarmKind: string,
  ) {
    super(
      `A ${source} ${alarmKind} alarm carries no timestamp of its own; pass { receivedAt } (ISO-8601, from the ` +
        'runtime clock) to parseAlarms so the incident can say when it was observed.',
    );
  }
}
