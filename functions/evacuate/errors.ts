/** Named errors of the evacuate step. */
import { StackmendError } from '../../core/domain/errors';

/** Nova lists no nova-compute service on the failed host: there is nothing it could evacuate from. */
export class NoComputeServiceError extends StackmendError {
  override readonly status = 404;
  constructor(readonly host: string) {
    super(
      `no nova-compute service on host ${host} is registered with Nova: it cannot evacuate from there. Check the host name the monitor reported against \`openstack compute service list\`, then report the failure again`,
    );
  }
}
