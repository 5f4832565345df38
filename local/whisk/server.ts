/**
 * startLocalWhisk: an OpenWhisk-compatible server in this process. It speaks the REST API a
 * serverless deploy uses (Basic auth), serves web actions, runs rules and alarm feeds, and lets
 * the caller host in-process actions (`registerAction`, how `stackmend serve` runs the functions
 * from source). See ./index.ts for the public surface.
 */
import * as http from 'node:http';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { ActivationRecord, EntityRef, LogSink } from './types';
import { EntityStore } from './store';
import { Containers } from './container';
import { ActivationLog, newActivationId } from './activations';
import { Invoker } from './invoker';
import { fireTrigger } from './triggers';
import { AlarmScheduler } from './feeds';
import { installConsoleCapture } from './console-capture';
import { handleRest } from './rest';
import { handleWebAction } from './web';
import {
  type HttpReply,
  type WhiskRequest,
  MAX_BODY_BYTES,
  MAX_PAYLOAD_BYTES,
  Messages,
  errorReply,
  hasBasicAuth,
  jsonReply,
  readBody,
  replyForError,
  send,
} from './http';
import { WhiskBadRequestError, WhiskNotFoundError } from './errors';
import { resolveApiKey } from './api-key';
import { installSystemActions } from './system';
import { parseOptions, type LocalWhisk, type LocalWhiskOptions } from './options';

export async function startLocalWhisk(options: LocalWhiskOptions = {}): Promise<LocalWhisk> {
  const opts = parseOptions(options);
  const auth = resolveApiKey(opts.auth, opts.keyFile);
  const log: LogSink = (line) => opts.log({ time: new Date().toISOString(), component: 'local-whisk', ...line });
  const dataDir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'stackmend-whisk-'));
  const endpoint = { url: '' };
  const store = new EntityStore(opts.namespace);
  const activations = new ActivationLog(opts.activationsKept);
  const containers = new Containers({
    concurrency: opts.containerConcurrency,
    idleMs: opts.containerIdleMs,
    apiHost: () => endpoint.url,
  });
  const invoker = new Invoker({ store, containers, activations, log, apiKey: auth });
  const fire = (ref: EntityRef, payload: Record<string, unknown>) =>
    fireTrigger({ store, invoker, activations, log }, ref, payload);
  const alarms = new AlarmScheduler(
    (trigger, payload) => {
      try {
        fire(store.ref(trigger), payload);
        return true;
      } catch (error) {
        if (error instanceof WhiskNotFoundError) return false;
        throw error;
      }
    },
    log,
    (trigger) => {
      const ref = store.ref(trigger);
      return `/${ref.namespace}/${ref.name}`;
    },
  );
  installSystemActions(store, alarms);
  const restDeps = {
    store,
    invoker,
    containers,
    activations,
    fire,
    triggerDeleted: (ref: EntityRef) => alarms.cancel(`/${ref.namespace}/${ref.name}`),
  };

  /** Handlers the host mounted under a path prefix (`mount`), answered before the OpenWhisk API. */
  const mounts = new Map<string, (req: WhiskRequest) => Promise<HttpReply>>();
  async function route(req: WhiskRequest): Promise<HttpReply> {
    for (const [prefix, handle] of mounts)
      if (req.url.pathname === prefix || req.url.pathname.startsWith(`${prefix}/`)) return handle(req);
    const segments = decodeSegments(req.url.pathname);
    if (segments[0] !== 'api' || segments[1] !== 'v1') return errorReply(404, Messages.notFound, req.requestId);
    if (req.url.pathname === '/api/v1/web/whisk.system/apimgmt/getApi') return jsonReply(200, { apis: [] }); // read by osls deploy/info
    if (segments[2] === 'web') return handleWebAction({ store, invoker }, req, segments.slice(3));
    if (!req.authenticated) return errorReply(401, Messages.unauthorized, req.requestId);
    if (segments[2] === 'namespaces') return handleRest(restDeps, req, segments.slice(3));
    if (!segments[2])
      return jsonReply(200, { api_paths: ['/api/v1'], description: 'stackmend local OpenWhisk-compatible runtime' });
    return errorReply(404, Messages.notFound, req.requestId);
  }

  const open = { requests: 0, drained: [] as (() => void)[] };
  const server = http.createServer((req, res) => {
    const requestId = newActivationId();
    const url = new URL(req.url ?? '/', 'http://local');
    const authenticated = hasBasicAuth(req.headers, auth);
    const limit = authenticated && !url.pathname.startsWith('/api/v1/web/') ? MAX_BODY_BYTES : MAX_PAYLOAD_BYTES;
    open.requests++;
    res.once('close', () => {
      if (--open.requests === 0) open.drained.splice(0).forEach((done) => done());
    });
    readBody(req, limit)
      .then((body) => route({ method: req.method ?? 'GET', url, headers: req.headers, body, authenticated, requestId }))
      .catch((error: unknown) => {
        const reply = replyForError(error, requestId);
        if (reply.status >= 500)
          log({ level: 'error', msg: 'request failed', method: req.method, path: url.pathname, error: String(error) });
        return reply;
      })
      .then((reply) => send(res, reply));
  });
  // Longer than the idle timeouts of common clients (60 s): a reused socket must not be closed under them.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  endpoint.url = `http://${opts.host}:${port}`;
  const releaseConsole = installConsoleCapture();
  log({ level: 'info', msg: 'listening', url: endpoint.url, namespace: opts.namespace, dataDir });

  return {
    url: endpoint.url,
    namespace: opts.namespace,
    auth,
    keyFile: opts.keyFile,
    registerAction(name, def) {
      const toKv = (o?: Record<string, unknown>) => Object.entries(o ?? {}).map(([key, value]) => ({ key, value }));
      store.putInProcessAction(store.ref(name), {
        handler: def.main,
        parameters: toKv(def.parameters),
        annotations: toKv(def.annotations),
        timeoutMs: def.timeoutMs,
      });
    },
    mount(prefix, handle) {
      if (!/^\/[\w-]+$/.test(prefix) || prefix === '/api')
        throw new TypeError(`cannot mount at ${prefix}: use /<name>`);
      mounts.set(prefix, handle);
    },
    invoke: (name, params) => invoker.invoke(store.ref(name), params),
    fireTrigger: async (name, params) => ({ activationId: fire(store.ref(name), params).activationId }),
    activations: (): ActivationRecord[] => activations.all(),
    settled: () => invoker.settled(),
    containerPids: (name) => containers.pidsOf(store.ref(name)),
    webActionUrl(name) {
      const ref = store.ref(name);
      const [pkg, short] = ref.name.includes('/') ? ref.name.split('/') : ['default', ref.name];
      return `${endpoint.url}/api/v1/web/${ref.namespace}/${pkg}/${short}`;
    },
    async close() {
      alarms.cancelAll();
      const closed = new Promise<void>((resolve) => server.close(() => resolve())); // no new connections
      server.closeIdleConnections();
      const grace = new Promise<void>((resolve) => setTimeout(resolve, opts.closeGraceMs).unref());
      const answered = () => new Promise<void>((resolve) => (open.requests ? open.drained.push(resolve) : resolve()));
      await Promise.race([invoker.settled().then(answered), grace]); // finish what is in flight
      server.closeAllConnections();
      await containers.close();
      await closed;
      releaseConsole();
      if (!opts.dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
      log({ level: 'info', msg: 'closed', url: endpoint.url });
    },
  };
}

function decodeSegments(pathname: string): string[] {
  try {
    return pathname.split('/').slice(1).map(decodeURIComponent);
  } catch {
    throw new WhiskBadRequestError(`the path ${pathname} is not valid percent-encoding`);
  }
}
