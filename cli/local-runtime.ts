/**
 * The local runtime: the five functions hosted as OpenWhisk web actions
 * (`/api/v1/web/<ns>/stackmend/<fn>`) on the project's OpenWhisk-compatible server, chained
 * in-process through the whisk (so every step is an activation), sharing one state store,
 * with a reconcile tick that runs due rechecks. Used by `serve`, the demo and the lab tests.
 */
import type { Logger } from '../core/domain/log';
import { STEP_NAMES, type StepName } from '../core/domain/pipeline';
import { openwhiskMain } from '../core/runtime/adapters';
import { jsonLogger } from '../core/runtime/log';
import { openStore } from '../core/state';
import type { StateStore } from '../core/state/store';
import { depsFactory } from '../functions/_shared/deps';
import { Incidents } from '../functions/_shared/incidents';
import { startLocalWhisk, type LocalWhisk } from '../local/whisk';
import { InProcessTransport } from '../core/runtime/dispatch';
import { RECONCILING, STEP_MODULES } from './steps';

export type LocalRuntimeOptions = {
  port?: number;
  namespace?: string;
  /** Default parameters of the package: cloud, state_url, webhook_token, notify, policy… */
  parameters: Record<string, unknown>;
  /** Seconds between reconcile ticks (due rechecks). */
  tickSec?: number;
  log?: Logger;
  store?: StateStore;
};

export type LocalRuntime = {
  whisk: LocalWhisk;
  store: StateStore;
  incidents: Incidents;
  url(step: StepName): string;
  /** classify-alarm's URL as Aodh or Zaqar should call it (with the webhook token). */
  alarmUrl: string;
  /** Resolves when no step is running. */
  settled(): Promise<void>;
  close(): Promise<void>;
};

export const PACKAGE = 'stackmend';

export async function startLocalRuntime(o: LocalRuntimeOptions): Promise<LocalRuntime> {
  const log = o.log ?? jsonLogger({ fields: { app: 'stackmend' } });
  const store = o.store ?? openStore(String(o.parameters.state_url ?? 'file:.stackmend/state'));
  const whisk = await startLocalWhisk({
    port: o.port ?? 3233,
    namespace: o.namespace ?? 'guest',
    log: (l) => log.debug('whisk', l),
  });
  const transport = new InProcessTransport(log);
  const factory = depsFactory({ store, transport, log });
  for (const name of STEP_NAMES) {
    const step = STEP_MODULES[name];
    whisk.registerAction(`${PACKAGE}/${name}`, {
      main: openwhiskMain(name, (req) => step.handle(req, factory)),
      annotations: { 'web-export': true, 'raw-http': true },
      parameters: o.parameters,
      timeoutMs: 60_000,
    });
    transport.register(name, async (payload) => whisk.invoke(`${PACKAGE}/${name}`, payload));
  }
  let ticking = false;
  const tick = setInterval(
    async () => {
      if (ticking) return;
      ticking = true;
      try {
        for (const s of RECONCILING) {
          const due = (await store.pending(s)).some((p) => p.dueAt <= Date.now());
          if (due) await whisk.invoke(`${PACKAGE}/${s}`, { reconcile: true });
        }
      } catch (e) {
        log.warn('reconcile tick failed', { error: e });
      } finally {
        ticking = false;
      }
    },
    (o.tickSec ?? 1) * 1000,
  );
  const token = o.parameters.webhook_token ? `?token=${encodeURIComponent(String(o.parameters.webhook_token))}` : '';
  return {
    whisk,
    store,
    incidents: new Incidents(store, Date.now),
    url: (s) => whisk.webActionUrl(`${PACKAGE}/${s}`),
    alarmUrl: `${whisk.webActionUrl(`${PACKAGE}/classify-alarm`)}${token}`,
    settled: async () => {
      await transport.settled();
      await whisk.settled();
    },
    close: async () => {
      clearInterval(tick);
      await whisk.close();
      if (!o.store) await store.close();
    },
  };
}
