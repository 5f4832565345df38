/**
 * Named errors of the local OpenWhisk runtime. Each carries the HTTP status the REST API answers
 * with, and its message says what to do next. The REST layer turns them into OpenWhisk's error body
 * `{"error": message, "code": requestId}`.
 */
import { StackmendError } from '../../core/domain/errors';

/** The base of this runtime's errors: a StackmendError (status, `name` set, `cause` passed through). */
export class WhiskError extends StackmendError {}

/** The entity (action, package, trigger, rule, activation) does not exist. */
export class WhiskNotFoundError extends WhiskError {
  override readonly status = 404;
  constructor(readonly what: string) {
    super(`The requested resource does not exist: ${what}. Deploy it first (osls deploy) or check the name.`);
  }
}

/** PUT without ?overwrite=true on an existing entity, or deleting a package that still has actions. */
export class WhiskConflictError extends WhiskError {
  override readonly status = 409;
}

/** The request body or URL is not what OpenWhisk accepts. */
export class WhiskBadRequestError extends WhiskError {
  override readonly status = 400;
  constructor(
    message: string,
    readonly issues: { path: string; message: string }[] = [],
  ) {
    super(
      issues.length ? `${message}: ${issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ')}` : message,
    );
  }
}

/** Missing or wrong Basic auth on the REST API, or a web action's require-whisk-auth not met. */
export class WhiskUnauthorizedError extends WhiskError {
  override readonly status = 401;
}

/** A namespace this runtime does not own (only the configured one, `_`, and read-only `whisk.system`). */
export class WhiskForbiddenError extends WhiskError {
  override readonly status = 403;
}

/** The request body is larger than the runtime accepts. */
export class WhiskPayloadTooLargeError extends WhiskError {
  override readonly status = 413;
}

/** An action's code could not be loaded (bad zip, no package.json/index.js, main not a function). */
export class ActionInitError extends WhiskError {
  override readonly status = 502;
}

/** A zip archive this runtime cannot read (zip64, encryption, unsupported compression, unsafe paths). */
export class ZipFormatError extends WhiskError {
  override readonly status = 400;
}

export function zodIssues(error: { issues: { path: PropertyKey[]; message: string }[] }) {
  return error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
}
