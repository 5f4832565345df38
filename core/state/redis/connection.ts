/**
 * One lazily opened ioredis connection that fails fast and speaks our errors: an unreachable,
 * dropped or silent server (connectTimeout, commandTimeout, a few quick reconnects) becomes
 * StateStoreUnavailableError naming the URL (never an unhandled 'error' event),
 * a refused command becomes StateError. A client whose connect failed, or that gave up
 * reconnecting, is dropped, and the next call starts a fresh one.
 */
import Redis from 'ioredis';
import { StateError, StateStoreUnavailableError, redactUrl } from '../errors';
import { withScripts, type ScriptedRedis } from './scripts';

export type ConnectionTiming = { connectTimeoutMs: number; commandTimeoutMs: number };
export const DEFAULT_CONNECTION_TIMING: ConnectionTiming = { connectTimeoutMs: 1_500, commandTimeoutMs: 5_000 };

export class RedisConnection {
  private client: ScriptedRedis | undefined;
  private connecting: Promise<ScriptedRedis> | undefined;
  private lastError: Error | undefined;

  constructor(
    readonly url: string,
    private readonly timing: ConnectionTiming = DEFAULT_CONNECTION_TIMING,
  ) {}

  /** Run commands on a ready connection, translating failures into state-store errors. */
  async run<T>(fn: (redis: ScriptedRedis) => Promise<T>): Promise<T> {
    const redis = await this.ready();
    try {
      return await fn(redis);
    } catch (e) {
      throw this.translate(e);
    }
  }

  async close(): Promise<void> {
    const redis = this.client;
    this.client = undefined;
    if (!redis) return;
    if (redis.status === 'ready') {
      try {
        await redis.quit();
        return;
      } catch {
        /* fall through to a hard disconnect */
      }
    }
    redis.disconnect();
  }

  private ready(): Promise<ScriptedRedis> {
    if (this.client && this.client.status !== 'end') return Promise.resolve(this.client);
    this.connecting ??= this.connect().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private async connect(): Promise<ScriptedRedis> {
    const redis = new Redis(this.url, {
      lazyConnect: true,
      connectTimeout: this.timing.connectTimeoutMs,
      commandTimeout: this.timing.commandTimeoutMs,
      maxRetriesPerRequest: 1,
      // A command whose reply was lost is failed (after commandTimeout), never sent again blindly:
      // a second SET NX would answer "exists", a second RPUSH would double an audit entry. Callers
      // that retry say who they are (putIfAbsent's owner, commit's token) and learn that they had won.
      autoResendUnfulfilledCommands: false,
      // After a drop: a few quick reconnects, then give up so queued calls fail instead of hanging.
      retryStrategy: (times) => (times > 3 ? null : times * 100),
    });
    redis.on('error', (e: Error) => {
      this.lastError = e;
    });
    redis.on('ready', () => {
      this.lastError = undefined;
    });
    try {
      await withinDeadline(redis.connect(), this.timing.connectTimeoutMs);
    } catch (e) {
      redis.disconnect(); // stop ioredis's own reconnect loop; the next call starts afresh
      throw this.translate(e);
    }
    this.client = withScripts(redis);
    return this.client;
  }

  private translate(e: unknown): Error {
    if (e instanceof StateError) return e;
    if (e instanceof Error && e.name === 'ReplyError') {
      // The server answered, so it is reachable: the command itself was refused.
      return new StateError(
        `Redis at ${redactUrl(this.url)} refused a command (${e.message}). Check that the database in the URL is used by stackmend only.`,
        { cause: e },
      );
    }
    const reason = this.lastError ?? (e instanceof Error ? e : new Error(String(e)));
    return new StateStoreUnavailableError(this.url, reason.message, { cause: reason });
  }
}

/**
 * connectTimeout bounds only the TCP connect; a server that accepts and never answers would hold
 * the ready check (and every call queued behind it) much longer. This bounds the whole handshake.
 */
function withinDeadline<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer to the handshake within ${ms} ms`)), ms);
  });
  return Promise.race([p, deadline]).finally(() => clearTimeout(timer));
}
