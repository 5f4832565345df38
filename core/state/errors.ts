/**
 * Named errors of the state store. Each message says what to check or do next.
 * "Key already exists" is not an error: putIfAbsent answers false.
 */
import { StackmendError } from '../domain/errors';

/** Base class of every state-store error. */
export class StateError extends StackmendError {
  override readonly status: number = 500;
}

/** The URL given to openStore is not one of the accepted forms. */
export class StateUrlError extends StateError {
  static readonly ACCEPTED = ['memory:', 'file:///absolute/dir', 'file:relative/dir', 'redis://host:port/db'] as const;
  constructor(
    readonly url: string,
    reason: string,
  ) {
    super(
      `State store URL "${redactUrl(url)}" is not usable: ${reason}. Use one of: ${StateUrlError.ACCEPTED.join(', ')}.`,
    );
  }
}

const REDIS_HINT =
  'Check that Redis is running and listening there, that host, port, db and password in the state store URL are right, ' +
  'and that no firewall is in the way.';
const FILE_HINT = 'Check that the directory exists or can be created, and that this process may write to it.';

/**
 * The backing store could not be reached or cannot keep anything: Redis is down, refused us or
 * timed out; the state directory is unusable, full or read-only. Nothing was acknowledged:
 * answer 503 and let the sender retry. hint replaces the default advice.
 */
export class StateStoreUnavailableError extends StateError {
  override readonly status = 503;
  constructor(
    readonly url: string,
    detail: string,
    options?: { cause?: unknown; hint?: string },
  ) {
    const hint = options?.hint ?? (url.startsWith('file:') ? FILE_HINT : REDIS_HINT);
    super(
      `State store ${redactUrl(url)} is unreachable (${detail}). ${hint}`,
      options?.cause === undefined ? undefined : { cause: options.cause },
    );
  }
}

/** Another process held a FileStore key lock for longer than we are willing to wait. */
export class StateLockTimeoutError extends StateError {
  override readonly status = 503;
  constructor(
    readonly key: string,
    readonly lockPath: string,
    readonly waitedMs: number,
  ) {
    super(
      `Could not lock state key "${key}" within ${waitedMs} ms: ${lockPath} is held by another process. ` +
        `Retry the step; if no stackmend process is running, delete that lock file.`,
    );
  }
}

/** An optimistic update lost the race too many times in a row. */
export class StateConflictError extends StateError {
  override readonly status = 409;
  constructor(
    readonly key: string,
    readonly attempts: number,
  ) {
    super(
      `Update of state key "${key}" conflicted ${attempts} times in a row with other writers. Retry the step later.`,
    );
  }
}

/** Something stored cannot be read back (truncated file, foreign data under our key). */
export class StateCorruptError extends StateError {
  constructor(
    readonly where: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(
      `Stored state at ${where} cannot be read (${detail}). Inspect it, then delete or repair it; it was not changed.`,
      options,
    );
  }
}

/** A caller passed something the store cannot keep (empty key, undefined value, bad TTL). */
export class StateArgumentError extends StateError {
  override readonly status = 400;
}

/** Hides the password of a URL before it goes into a message or a log. */
export function redactUrl(url: string): string {
  return url.replace(
    /^([a-z][a-z0-9+.-]*:\/\/)([^@/]*)@/i,
    (_m, scheme: string, auth: string) => `${scheme}${auth.includes(':') ? `${auth.split(':')[0]}:***` : '***'}@`,
  );
}
