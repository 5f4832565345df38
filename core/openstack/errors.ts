/**
 * Typed OpenStack errors. Every one carries the service, HTTP status and the
 * x-openstack-request-id so an operator can grep the service's own log.
 */
import { StackmendError } from '../domain/errors';

export type ApiErrorDetails = {
  service: string;
  status: number;
  requestId?: string;
  method: string;
  url: string;
  body?: unknown;
};

/** Pulls the human message out of the various OpenStack error bodies. */
export function serviceMessage(body: unknown): string | undefined {
  if (typeof body === 'string') return body.trim().slice(0, 300) || undefined;
  if (!body || typeof body !== 'object') return undefined;
  const b = body as Record<string, unknown>;
  if (typeof b.message === 'string') return b.message; // heat-free services, zaqar (description)
  if (typeof b.description === 'string') return b.description; // zaqar, aodh(faultstring)
  if (typeof b.faultstring === 'string') return b.faultstring; // aodh, mistral
  if (b.error && typeof b.error === 'object') {
    const e = b.error as Record<string, unknown>; // keystone {error:{message}}, heat {error:{message,type}}
    if (typeof e.message === 'string') return e.message;
  }
  if (typeof b.title === 'string' && typeof b.explanation === 'string') return `${b.title}: ${b.explanation}`; // heat
  if (typeof b.error_message === 'string') return ironicFault(b.error_message); // ironic: JSON inside JSON
  for (const v of Object.values(b)) {
    // nova {badRequest:{code,message}}, {conflictingRequest:{...}}, {itemNotFound:{...}}
    if (v && typeof v === 'object' && typeof (v as Record<string, unknown>).message === 'string') {
      return (v as Record<string, string>).message;
    }
  }
  return undefined;
}

/**
 * Ironic's `error_message` (test/fixtures/openstack/ironic-power-refused.json): `{"faultstring": "…", …}`
 * as a string.
 */
function ironicFault(message: string): string {
  try {
    const inner = JSON.parse(message) as unknown;
    if (inner && typeof inner === 'object' && typeof (inner as Record<string, unknown>).faultstring === 'string')
      return (inner as Record<string, string>).faultstring;
  } catch {
    // not JSON: the message as it is
  }
  return message;
}

export class OpenStackApiError extends StackmendError {
  readonly service: string;
  override readonly status: number;
  readonly requestId?: string;
  readonly method: string;
  readonly url: string;
  readonly body?: unknown;
  constructor(d: ApiErrorDetails, hint?: string, options?: { cause?: unknown }) {
    const said = serviceMessage(d.body);
    super(
      `${d.service} answered ${d.status} to ${d.method} ${d.url}${said ? `: ${said}` : ''}` +
        `${d.requestId ? ` [${d.requestId}]` : ''}${hint ? `. ${hint}` : ''}`,
      options,
    );
    this.service = d.service;
    this.status = d.status;
    this.requestId = d.requestId;
    this.method = d.method;
    this.url = d.url;
    this.body = d.body;
  }
  /** The service's own words, without our framing. */
  get serviceMessage(): string | undefined {
    return serviceMessage(this.body);
  }
}

export class BadRequestError extends OpenStackApiError {}
export class UnauthorizedError extends OpenStackApiError {}
export class ForbiddenError extends OpenStackApiError {}
export class NotFoundError extends OpenStackApiError {}
export class ConflictError extends OpenStackApiError {}
export class ServiceUnavailableError extends OpenStackApiError {}

/** The service could not be reached at all (connection refused, reset, timeout). */
export class OpenStackUnreachableError extends StackmendError {
  override readonly status = 503;
  constructor(
    readonly service: string,
    readonly url: string,
    readonly code: string,
    options?: { cause?: unknown },
  ) {
    super(
      `${service} is unreachable at ${url} (${code}). Check that the service runs and the catalog endpoint is right; nothing was changed.`,
      options,
    );
  }
}

/** The TLS handshake failed: the certificate is not trusted, names another host, or TLS is not spoken there. */
export class OpenStackTlsError extends OpenStackUnreachableError {
  constructor(service: string, url: string, code: string, reason: string, options?: { cause?: unknown }) {
    super(service, url, code, options);
    this.message =
      `${service} at ${url}: TLS handshake failed (${code}: ${reason}). If the cloud's certificates come from a ` +
      'private CA, give its PEM bundle: cacert in clouds.yaml, OS_CACERT, or os_auth.cacert_pem for deployed ' +
      'actions; nothing was changed.';
  }
}

/** The service accepted the connection (or never completed it) and did not answer in time. */
export class OpenStackTimeoutError extends OpenStackUnreachableError {
  constructor(
    service: string,
    readonly method: string,
    url: string,
    readonly timeoutMs: number,
    idempotent: boolean,
    options?: { cause?: unknown },
  ) {
    super(service, url, 'TIMEOUT', options);
    this.message =
      `${service} did not answer ${method} ${url} within ${timeoutMs} ms. Check that ${service}'s API process is ` +
      `alive and not overloaded (and that nothing drops packets on the way); ` +
      (idempotent
        ? 'this call changes nothing, retry once it answers.'
        : `${service} may still act on it: read the object's state before trying again.`);
  }
}

const HINTS: Record<number, string> = {
  401: 'The token was refused even after re-authenticating: check the credentials in clouds.yaml / OS_* variables',
  403: 'The user lacks the role for this call: stackmend needs an admin-capable user for Nova services and evacuate',
  404: 'The object does not exist (any more)',
  409: 'The object is busy or in a conflicting state: retry later, do not force',
};

export function apiErrorFor(d: ApiErrorDetails): OpenStackApiError {
  const hint = HINTS[d.status];
  switch (d.status) {
    case 400:
      return new BadRequestError(d, hint);
    case 401:
      return new UnauthorizedError(d, hint);
    case 403:
      return new ForbiddenError(d, hint);
    case 404:
      return new NotFoundError(d, hint);
    case 409:
      return new ConflictError(d, hint);
    default:
      return d.status >= 500
        ? new ServiceUnavailableError(d, 'The service failed; the call may be retried')
        : new OpenStackApiError(d, hint);
  }
}

/** A dry run tried to change the cloud: a bug in the caller, stopped before anything was sent. */
export class DryRunWriteBlockedError extends StackmendError {
  override readonly status = 500;
  constructor(service: string, method: string, url: string) {
    super(`dry run: refused to send ${method} ${url} to ${service}; nothing was changed`);
  }
}

/** What OpenStack did not answer for. */
export type NotAnswered = OpenStackUnreachableError | ServiceUnavailableError;

/**
 * OpenStack down, too slow, or answering 503 itself (heat-api while Keystone is down, heat-engine too busy):
 * worth waiting for. A TLS failure is a configuration to fix, not a wait.
 */
export const isNotAnswered = (e: unknown): e is NotAnswered =>
  (e instanceof OpenStackUnreachableError && !(e instanceof OpenStackTlsError)) || e instanceof ServiceUnavailableError;
