/**
 * The composition root of a step: builds its ports (cloud, state store, dispatcher)
 * from the runtime configuration. Built once per configuration and reused while the
 * container is warm; tests and the local runtime pass their own factory.
 */
import type { Logger } from '../../core/domain/log';
import { connect, type Cloud } from '../../core/openstack/cloud';
import { cloudConfigFromEntry, loadCloudConfig } from '../../core/openstack/config';
import type { Policy } from '../../core/policy/policy';
import { RuntimeConfigSchema, type RuntimeConfig } from '../../core/runtime/config';
import { jsonLogger } from '../../core/runtime/log';
import { openStore } from '../../core/state';
import type { StateStore } from '../../core/state/store';
import { createDispatcher, type Dispatcher, type Transport } from '../../triggers/dispatcher';
import { QueuedTransport } from '../../triggers/transports/queued';
import { HttpTransport, OpenWhiskTriggerTransport, ZaqarTransport } from '../../triggers/transports/remote';
import { ConfigError } from '../../core/domain/errors';
import { Incidents } from './incidents';

export type Deps = {
  config: RuntimeConfig;
  cloud: () => Cloud;
  store: StateStore;
  incidents: Incidents;
  dispatcher: Dispatcher;
  policy: Policy;
  log: Logger;
  now: () => number;
  dryRun: boolean;
};

export type DepsFactory = (config: RuntimeConfig, opts: { dryRun: boolean }) => Deps;
export type DepsOverrides = {
  store?: StateStore;
  log?: Logger;
  now?: () => number;
  transport?: Transport;
  cloud?: (readOnly: boolean) => Cloud;
};

function lazy<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= make());
}

const cloudFactory = (config: RuntimeConfig, log: Logger, readOnly: boolean) =>
  lazy(() =>
    connect(
      config.os_auth ? cloudConfigFromEntry('os_auth', config.os_auth) : loadCloudConfig({ cloud: config.cloud }),
      { log, readOnly },
    ),
  );

function transportFor(config: RuntimeConfig, cloud: () => Cloud, store: StateStore, now: () => number): Transport {
  const d = config.dispatch;
  switch (d.transport) {
    case 'http':
      return new HttpTransport(d);
    case 'openwhisk':
      return new OpenWhiskTriggerTransport(d);
    case 'zaqar':
      return new ZaqarTransport(() => cloud().zaqar, d);
    case 'inprocess':
      throw new ConfigError(
        'dispatch.transport "inprocess" exists only inside `stackmend serve`; choose queue, http, openwhisk or zaqar',
      );
    default:
      return new QueuedTransport(store, now);
  }
}

/** A factory whose ports can be overridden (the local runtime shares one store and transport). */
export function depsFactory(o: DepsOverrides = {}): DepsFactory {
  const cache = new Map<string, Deps>();
  return (config, { dryRun }) => {
    const id = `${JSON.stringify(config)}|${dryRun}`;
    const hit = cache.get(id);
    if (hit) return hit;
    const log = o.log ?? jsonLogger({ level: config.log_level, fields: { app: 'stackmend' } });
    const now = o.now ?? Date.now;
    const store = o.store ?? openStore(config.state_url);
    const cloud = o.cloud ? lazy(() => o.cloud!(dryRun)) : cloudFactory(config, log, dryRun);
    const transport = o.transport ?? transportFor(config, cloud, store, now);
    const deps: Deps = {
      config,
      cloud,
      store,
      incidents: new Incidents(store, now),
      dispatcher: createDispatcher(transport, { store, now, log }),
      policy: config.policy,
      log,
      now,
      dryRun,
    };
    cache.set(id, deps);
    return deps;
  };
}

export const defaultDeps: DepsFactory = depsFactory();

export function parseConfig(raw: Record<string, unknown>): RuntimeConfig {
  return RuntimeConfigSchema.parse(raw);
}
