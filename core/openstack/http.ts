/**
 * One axios instance per OpenStack service: auth header, microversions, timeouts,
 * request-id capture, typed errors, re-auth on 401, and jittered retries of
 * connection failures and 5xx — for idempotent calls only.
 */
import type { Agent } from 'node:https';
import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import { silentLogger, type Logger } from '../domain/log';
import {
  apiErrorFor,
  DryRunWriteBlockedError,
  OpenStackTimeoutError,
  OpenStackTlsError,
  OpenStackUnreachableError,
} from './errors';
import { isTlsFailure } from './tls';

export interface TokenSource {
  token(): Promise<string>;
  /** Drop a token the service refused, so the next token() re-authenticates. */
  invalidate(token: string): void;
}

export type RetryPolicy = { attempts: number; baseDelayMs: number; maxDelayMs: number };
export const DEFAULT_RETRY: RetryPolicy = { attempts: 3, baseDelayMs: 200, maxDelayMs: 2000 };
/**
 * Bound of one request, connect to last byte. A step runs inside a FaaS time limit (30 s for
 * classify-alarm in serverless.yml): a hung service must fail the call, not the invocation.
 */
export const DEFAULT_TIMEOUT_MS = 10_000;

export type ServiceHttpOptions = {
  service: string;
  /** Base URL, usually resolved from the Keystone catalog on first use. */
  baseUrl: () => Promise<string>;
  auth?: TokenSource;
  headers?: Record<string, string>;
  /** Per request; an undefined value keeps DEFAULT_TIMEOUT_MS. */
  timeoutMs?: number;
  retry?: RetryPolicy;
  log?: Logger;
  /** Injected for tests: how to wait between retries and how to jitter. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  client?: AxiosInstance;
  /** Dry-run guard: refuse every call that could change the cloud (anything but GET/HEAD). */
  readOnly?: boolean;
  /** The cloud's CA / verify setting for https URLs (core/openstack/tls.ts httpsAgentFor). */
  httpsAgent?: Agent;
};

export type Query = Record<string, string | number | boolean | undefined>;
export type RequestOptions = {
  body?: unknown;
  headers?: Record<string, string>;
  query?: Query;
  /** Override the method-based default (GET/HEAD/PUT/DELETE are idempotent). */
  idempotent?: boolean;
};
export type ApiResponse<T> = { status: number; data: T; requestId?: string; headers: Record<string, string> };

const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);
const RETRYABLE_STATUS = new Set([500, 502, 503, 504]);
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ECONNABORTED',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
]);

export const requestIdOf = (headers: Record<string, unknown>): string | undefined =>
  (headers['x-openstack-request-id'] ?? headers['x-compute-request-id'] ?? headers['openstack-request-id']) as
    string | undefined;

/** Full-jitter exponential backoff (AWS architecture blog), capped. */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number): number {
  return Math.floor(random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1)));
}

export class ServiceHttp {
  readonly service: string;
  private readonly client: AxiosInstance;
  private readonly o: Required<Omit<ServiceHttpOptions, 'auth' | 'client' | 'headers' | 'readOnly' | 'httpsAgent'>> &
    Pick<ServiceHttpOptions, 'auth' | 'headers' | 'readOnly'>;

  constructor(opts: ServiceHttpOptions) {
    this.service = opts.service;
    this.client =
      opts.client ?? axios.create({ validateStatus: () => true, maxRedirects: 5, httpsAgent: opts.httpsAgent });
    this.o = {
      timeoutMs: DEFAULT_TIMEOUT_MS,
      retry: DEFAULT_RETRY,
      log: silentLogger,
      sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
      random: Math.random,
      ...definedOnly(opts),
    };
  }

  /** Bound of one request (ms). */
  get timeoutMs(): number {
    return this.o.timeoutMs;
  }

  get = <T>(path: string, o: RequestOptions = {}) => this.request<T>('GET', path, o);
  post = <T>(path: string, body?: unknown, o: RequestOptions = {}) => this.request<T>('POST', path, { ...o, body });
  put = <T>(path: string, body?: unknown, o: RequestOptions = {}) => this.request<T>('PUT', path, { ...o, body });
  patch = <T>(path: string, body?: unknown, o: RequestOptions = {}) => this.request<T>('PATCH', path, { ...o, body });
  delete = <T>(path: string, o: RequestOptions = {}) => this.request<T>('DELETE', path, o);

  async request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<ApiResponse<T>> {
    const url = /^https?:\/\//.test(path) ? path : joinUrl(await this.o.baseUrl(), path);
    if (this.o.readOnly && method !== 'GET' && method !== 'HEAD')
      throw new DryRunWriteBlockedError(this.service, method, url);
    const idempotent = opts.idempotent ?? IDEMPOTENT.has(method);
    let reauthed = false;
    for (let attempt = 1; ; attempt++) {
      const token = this.o.auth ? await this.o.auth.token() : undefined;
      const started = Date.now();
      let res: AxiosResponse;
      try {
        res = await this.client.request({
          method,
          url,
          params: stripUndefined(opts.query),
          data: opts.body === undefined ? undefined : opts.body,
          timeout: this.o.timeoutMs,
          signal: AbortSignal.timeout(this.o.timeoutMs), // also bounds a peer that trickles bytes
          headers: {
            Accept: 'application/json',
            ...(opts.body !== undefined && typeof opts.body !== 'string' ? { 'Content-Type': 'application/json' } : {}),
            ...(token ? { 'X-Auth-Token': token } : {}),
            ...this.o.headers,
            ...opts.headers,
          },
          transformResponse: [(raw) => parseBody(raw)],
        });
      } catch (err) {
        const code = (err as { code?: string }).code ?? 'ERROR';
        if (isTimeout(err)) {
          // not retried: a hung service stays hung, and a retry would spend the invocation's time limit
          this.o.log.warn('openstack call timed out', { service: this.service, method, url, ms: this.o.timeoutMs });
          throw new OpenStackTimeoutError(this.service, method, url, this.o.timeoutMs, idempotent, { cause: err });
        }
        if (isTlsFailure(code)) {
          const reason = (err as Error).message;
          this.o.log.warn('openstack call failed the TLS handshake', { service: this.service, url, code, reason });
          throw new OpenStackTlsError(this.service, url, code, reason, { cause: err });
        }
        const retry = idempotent && CONNECTION_CODES.has(code) && attempt < this.o.retry.attempts;
        this.o.log.warn('openstack call failed to connect', {
          service: this.service,
          method,
          url,
          code,
          attempt,
          retry,
        });
        if (retry) {
          await this.o.sleep(backoffDelay(attempt, this.o.retry, this.o.random));
          continue;
        }
        throw new OpenStackUnreachableError(this.service, url, code, { cause: err });
      }
      const headers = res.headers as Record<string, string>;
      const requestId = requestIdOf(headers);
      this.o.log.debug('openstack call', {
        service: this.service,
        method,
        url,
        status: res.status,
        requestId,
        ms: Date.now() - started,
      });
      if (res.status === 401 && token && this.o.auth && !reauthed) {
        this.o.auth.invalidate(token); // expired or revoked: one fresh token, once
        reauthed = true;
        attempt--;
        continue;
      }
      if (res.status >= 400) {
        if (idempotent && RETRYABLE_STATUS.has(res.status) && attempt < this.o.retry.attempts) {
          this.o.log.warn('openstack call failed, retrying', {
            service: this.service,
            method,
            url,
            status: res.status,
            requestId,
            attempt,
          });
          await this.o.sleep(backoffDelay(attempt, this.o.retry, this.o.random));
          continue;
        }
        throw apiErrorFor({ service: this.service, status: res.status, requestId, method, url, body: res.data });
      }
      return { status: res.status, data: res.data as T, requestId, headers };
    }
  }
}

/** Options with undefined values removed, so `{timeoutMs: undefined}` never overrides a default. */
export function definedOnly<T extends object>(o: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]: Exclude<T[K], undefined>;
  };
}

/** axios' own timeout (ECONNABORTED "timeout of …ms exceeded") or the AbortSignal.timeout above. */
function isTimeout(err: unknown): boolean {
  const e = err as { code?: string; message?: string; cause?: { name?: string } };
  if (e.code === 'ECONNABORTED' && /timeout/i.test(e.message ?? '')) return true;
  return e.code === 'ERR_CANCELED' || e.cause?.name === 'TimeoutError';
}

export function joinUrl(base: string, path: string): string {
  if (!path) return base;
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

function parseBody(raw: unknown): unknown {
  if (typeof raw !== 'string' || raw === '') return raw === '' ? null : raw;
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

function stripUndefined(q?: Query): Record<string, string | number | boolean> | undefined {
  if (!q) return undefined;
  return Object.fromEntries(Object.entries(q).filter(([, v]) => v !== undefined)) as Record<
    string,
    string | number | boolean
  >;
}
