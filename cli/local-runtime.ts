/**
 * The local runtime: the five functions hosted as OpenWhisk web actions
 * (`/api/v1/web/<ns>/stackmend/<fn>`) on the project's OpenWhisk-compatible server, chained
 * in-process through the whisk (so every step is an activation), sharing one state store,
 * with a reconcile tick that runs due rechecks. Used by `serve`, the demo and the lab tests.
 * Only classify-alarm answers the web without the runtime's key (and it authenticates its callers,
 * core/runtime/auth.ts); the other steps carry `require-whisk-auth: true`. The runtime refuses to start
 * when no alarm credential is configured, unless `auth.insecure_no_auth` is set.
 */
import * as path from 'node:path';
import { ConfigError } from '../core/domain/errors';
import type { Logger } from '../core/domain/log';
import { STEP_NAMES, type StepName } from '../core/domain/pipeline';
import { credentialsConfigured } from '../core/runtime/auth';
import { parseRuntimeConfig } from '../core/runtime/config';
import { openwhiskMain } from '../core/runtime/adapters';
import { jsonLogger } from '../core/runtime/log';
import { openStore } from '../core/state';
import type { StateStore } from '../core/state/store';
import { depsFactory } from '../functions/_shared/deps';
import { Incidents } from '../functions/_shared/incidents';
import { startLocalWhisk, type LocalWhisk } from '../local/whisk';
import { InProcessTransport } from '../core/runtime/dispatch';
import { RECONCILING, STEP_MODULES } from './steps';
import type { ConsoleConfig } from '../console/config';
import { consoleHandler, consolePorts, PREFIX } from '../console/handler';

export type LocalRuntimeOptions = {
  port?: number;
  namespace?: string;
  /** Default parameters of the package: cloud, state_url, webhook_token, notify, policy… */
  parameters: Record<string, unknown>;
  /** Seconds between reconcile ticks (due rechecks). */
  tickSec?: number;
  log?: Logger;
  store?: StateStore;
  /** Where the REST API key is kept (mode 0600); default: whisk.key in the file state directory, else .stackmend/. */
  keyFile?: string;
  /** Serve the operator console at /ui with these settings (console/config.ts). */
  console?: ConsoleConfig;
};

export type LocalRuntime = {
  whisk: LocalWhisk;
  store: StateStore;
  incidents: Incidents;
  url(step: StepName): string;
  /**
   * classify-alarm's URL as Aodh or Zaqar should call it: with `webhook:<token>@` (sent as Basic auth) when a
   * webhook token is configured. A secret then: never log it (`url('classify-alarm')` is the bare URL).
   */
  alarmUrl: string;
  /** Resolves when no step is running. */
  settled(): Promise<void>;
  close(): Promise<void>;
};

export const PACKAGE = 'stackmend';

/** Next to the file store's state, or in .stackmend/ when the state lives elsewhere (Redis). */
function defaultKeyFile(stateUrl: string): string {
  return stateUrl.startsWith('file:')
    ? path.join(stateUrl.slice(5), 'whisk.key')
    : path.join('.stackmend', 'whisk.key');
}

export async function startLocalRuntime(o: LocalRuntimeOptions): Promise<LocalRuntime> {
  const log = o.log ?? jsonLogger({ fields: { app: 'stackmend' } });
  const config = parseRuntimeConfig(o.parameters);
  if (!credentialsConfigured(config) && !config.auth.insecure_no_auth)
    throw new ConfigError(
      'no alarm credential is configured, so classify-alarm would accept no caller: pass --token (or set ' +
        'STACKMEND_WEBHOOK_TOKEN), Keystone users/roles, or --insecure-no-auth for a lab',
    );
  const store = o.store ?? openStore(config.state_url);
  const whisk = await startLocalWhisk({
    port: o.port ?? 3233,
    namespace: o.namespace ?? 'guest',
    keyFile: o.keyFile ?? defaultKeyFile(config.state_url),
    log: (l) => log.debug('whisk', l),
  });
  const transport = new InProcessTransport(log);
  const factory = depsFactory({ store, transport, log });
  for (const name of STEP_NAMES) {
    const step = STEP_MODULES[name];
    whisk.registerAction(`${PACKAGE}/${name}`, {
      main: openwhiskMain(name, (req) => step.handle(req, factory), step.gate?.({ log })),
      annotations: { 'web-export': true, 'raw-http': true, ...(step.gate ? {} : { 'require-whisk-auth': true }) },
      parameters: o.parameters,
      timeoutMs: 60_000,
    });
    transport.register(name, async (payload) => whisk.invoke(`${PACKAGE}/${name}`, payload));
  }
  if (o.console) whisk.mount(PREFIX, consoleHandler(consolePorts({ factory, runtime: config, config: o.console })));
  let ticking = false;
  const tick = setInterval(
    async () => {
      if (ticking) return;
      ticking = true;
      try {
        for (const s of RECONCILING) {
          const due = (await store.pending(s)).some((p) => p.dueAt <= Date.now());
          // a step with periodic work of its own (classify-alarm's detect-hosts) runs every tick
          if (due || STEP_MODULES[s].periodicWanted(config)) await whisk.invoke(`${PACKAGE}/${s}`, { reconcile: true });
        }
      } catch (e) {
        log.warn('reconcile tick failed', { error: e });
      } finally {
        ticking = false;
      }
    },
    (o.tickSec ?? 1) * 1000,
  );
  const alarmUrl = new URL(whisk.webActionUrl(`${PACKAGE}/classify-alarm`));
  if (config.webhook_token) [alarmUrl.username, alarmUrl.password] = ['webhook', config.webhook_token];
  return {
    whisk,
    store,
    incidents: new Incidents(store, Date.now),
    url: (s) => whisk.webActionUrl(`${PACKAGE}/${s}`),
    alarmUrl: alarmUrl.toString(),
    settled: async () => {
      await transport.settled();
      await whisk.settled();
    },
    close: async () => {
      clearInterval(tick);
      await transport.settled(); // hand-offs in flight run to their end
      await whisk.close();
      if (!o.store) await store.close();
    },
  };
}
