/**
 * The composition root of a step: builds its ports (cloud, state store, dispatcher)
 * from the runtime configuration. Built once per configuration and reused while the
 * container is warm; tests and the local runtime pass their own factory.
 */
import type { Logger } from '../../core/domain/log';
import { connect, type Cloud } from '../../core/openstack/cloud';
import { cloudConfigFromEntry, loadCloudConfig, type CloudConfig } from '../../core/openstack/config';
import type { Policy } from '../../core/policy/policy';
import { ArmedServers } from '../../core/runtime/arm/armed';
import { RuntimeConfigSchema, type RuntimeConfig } from '../../core/runtime/config';
import { createDispatcher, transportFor, type Dispatcher, type Transport } from '../../core/runtime/dispatch';
import { jsonLogger } from '../../core/runtime/log';
import { ConfigError } from '../../core/domain/errors';
import { openStore, parseStateUrl } from '../../core/state';
import type { StateStore } from '../../core/state/store';
import { Incidents } from './incidents';

export type Deps = {
  config: RuntimeConfig;
  cloud: () => Cloud;
  store: StateStore;
  incidents: Incidents;
  armed: ArmedServers;
  dispatcher: Dispatcher;
  policy: Policy;
  log: Logger;
  now: () => number;
  dryRun: boolean;
};

export type DepsFactory = (config: RuntimeConfig, opts: { dryRun: boolean }) => Deps;
export type DepsOverrides = {
  /**
   * The factory of the deployed entry points (`main`, `handler`): the state store must be shared by every
   * container and invoker, so a `file:` or `memory:` state_url is refused (unless `allow_local_state`).
   */
  deployed?: boolean;
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

/** The cloud the runtime's parameters name: `os_auth` (the entry itself), else `cloud` (clouds.yaml, OS_*). */
export const cloudConfigOf = (config: RuntimeConfig): CloudConfig =>
  config.os_auth ? cloudConfigFromEntry('os_auth', config.os_auth) : loadCloudConfig({ cloud: config.cloud });

const cloudFactory = (config: RuntimeConfig, log: Logger, readOnly: boolean) =>
  lazy(() => connect(cloudConfigOf(config), { log, readOnly }));

/** A factory whose ports can be overridden (the local runtime shares one store and transport). */
export function depsFactory(o: DepsOverrides = {}): DepsFactory {
  const cache = new Map<string, Deps>();
  return (config, { dryRun }) => {
    const id = `${JSON.stringify(config)}|${dryRun}`;
    const hit = cache.get(id);
    if (hit) return hit;
    const log = o.log ?? jsonLogger({ level: config.log_level, fields: { app: 'stackmend' } });
    const now = o.now ?? Date.now;
    if (o.deployed && !o.store) requireSharedState(config);
    const store = o.store ?? openStore(config.state_url);
    const cloud = o.cloud ? lazy(() => o.cloud!(dryRun)) : cloudFactory(config, log, dryRun);
    const transport = o.transport ?? transportFor(config.dispatch, { store, now, zaqar: () => cloud().zaqar });
    const deps: Deps = {
      config,
      cloud,
      store,
      incidents: new Incidents(store, now),
      armed: new ArmedServers(store),
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

/**
 * A deployed action runs in many containers (a private directory and memory each), on many invokers, and
 * the steps of one incident run in different ones: only a shared store (Redis) lets them see one state.
 */
function requireSharedState(config: RuntimeConfig): void {
  const { kind } = parseStateUrl(config.state_url);
  if (kind === 'redis' || config.allow_local_state) return;
  const where = kind === 'file' ? "a directory of this action's container" : "this container's memory";
  throw new ConfigError(
    `state_url "${config.state_url}" is ${where}, but a deployed action runs in many containers and the steps ` +
      "of one incident would not see each other's state. Set the state_url parameter to a shared Redis " +
      '(redis://:<password>@host:6379/<db> or rediss://…; README "State for deployed actions"); ' +
      'allow_local_state: true is only for a bundle run by hand in one process',
  );
}

export const defaultDeps: DepsFactory = depsFactory({ deployed: true });

export function parseConfig(raw: Record<string, unknown>): RuntimeConfig {
  return RuntimeConfigSchema.parse(raw);
}
