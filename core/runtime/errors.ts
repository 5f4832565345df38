/** Error → HTTP response, one mapping for every adapter and step. */
import { InvalidPayloadError, StackmendError } from '../domain/errors';
import { OpenStackApiError, OpenStackUnreachableError } from '../openstack/errors';

export type ErrorResponse = { statusCode: number; body: Record<string, unknown> };

export function errorResponse(step: string, e: unknown): ErrorResponse {
  const err = e as Error;
  const body: Record<string, unknown> = { step, error: err?.name ?? 'Error', message: err?.message ?? String(e) };
  if (e instanceof InvalidPayloadError) body.issues = e.issues;
  if (e instanceof OpenStackApiError)
    Object.assign(body, { service: e.service, serviceStatus: e.status, requestId: e.requestId });
  let statusCode = 500;
  if (e instanceof OpenStackUnreachableError) statusCode = 503;
  else if (e instanceof OpenStackApiError) statusCode = 502;
  else if (e instanceof StackmendError) statusCode = e.status;
  if (statusCode >= 500) body.changed = 'nothing that is not recorded in the incident timeline';
  return { statusCode, body };
}
