/**
 * Dispatch: how a step hands on to the next. The transport comes from the runtime configuration
 * (`dispatch.transport`); the state store's due queue carries delayed hand-offs.
 */
import { ConfigError } from '../../domain/errors';
import type { Queueing } from '../../openstack/ports';
import type { StateStore } from '../../state/store';
import type { DispatchConfig } from '../config';
import type { Transport } from './dispatcher';
import { QueuedTransport } from './queued';
import { HttpTransport, OpenWhiskTriggerTransport, ZaqarTransport } from './remote';

export { BACKSTOP_MS, createDispatcher, dueWrite, handingOnFrom } from './dispatcher';
export type { Dispatcher, Receipt, SendOptions, Transport } from './dispatcher';
export { InProcessTransport } from './inprocess';
export { QueuedTransport } from './queued';

/** The configured transport; `zaqar` is only called when the zaqar transport sends. */
export function transportFor(
  d: DispatchConfig,
  ports: { store: StateStore; now: () => number; zaqar: () => Queueing },
): Transport {
  switch (d.transport) {
    case 'http':
      return new HttpTransport(d);
    case 'openwhisk':
      return new OpenWhiskTriggerTransport(d);
    case 'zaqar':
      return new ZaqarTransport(ports.zaqar, d);
    case 'inprocess':
      throw new ConfigError(
        'dispatch.transport "inprocess" exists only inside `stackmend serve`; choose queue, http, openwhisk or zaqar',
      );
    case 'queue':
      return new QueuedTransport(ports.store, ports.now);
    default: {
      const unreachable: never = d.transport;
      return unreachable;
    }
  }
}
