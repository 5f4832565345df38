/**
 * The one narrow port every fencing driver implements — ask for the power to be cut, read the power
 * state back — and the drivers behind it (core/domain/fencing.ts FenceTarget): Ironic's Bare Metal
 * API, a Redfish BMC, and "already fenced" (an external agent forces the compute service down in
 * Nova). functions/evacuate/fence.ts drives them one call per invocation, never waiting in between.
 */
import { describeTarget, type FenceTarget } from '../domain/fencing';
import { ConfigError } from '../domain/errors';
import type { Accepted, BareMetal, Compute } from '../openstack/ports';
import type { RedfishClient } from './redfish';

/** A read-back: `off` only when the driver's own state says the power is off. */
export type PowerReading = { off: boolean; state: string; requestId?: string };

export interface PowerFence {
  /** E.g. `ironic node compute1`. */
  readonly name: string;
  /** Asks for the power to be cut; an accepted request is not yet a fence. */
  powerOff(): Promise<Accepted>;
  readPower(): Promise<PowerReading>;
}

/** What the drivers need: Ironic, Nova (for the host's service), and a Redfish client per BMC credential. */
export type FencePorts = {
  ironic: () => BareMetal;
  nova: () => Compute;
  redfish: (url: string, credential: string) => RedfishClient;
};

export function powerFenceFor(host: string, target: FenceTarget, ports: FencePorts): PowerFence {
  const name = describeTarget(target);
  switch (target.driver) {
    case 'ironic':
      return {
        name,
        powerOff: () => ports.ironic().setPower(target.node, 'power off'),
        readPower: async () => {
          const s = await ports.ironic().getPowerStates(target.node);
          // "power off" with no change still running; null is Ironic's "unknown"
          const state = `${s.power_state ?? 'unknown'}${s.target_power_state ? ` → ${s.target_power_state}` : ''}`;
          return { off: s.power_state === 'power off' && !s.target_power_state, state, requestId: s.requestId };
        },
      };
    case 'redfish': {
      const client = () => ports.redfish(target.url, target.credential);
      return {
        name,
        powerOff: () => client().forceOff(target.system),
        readPower: async () => {
          const s = await client().getSystem(target.system);
          const state = s.PowerState ?? 'unknown';
          return { off: state === 'Off', state, requestId: s.requestId };
        },
      };
    }
    case 'nova-forced-down':
      return {
        name,
        powerOff: async () => ({}), // the external agent fences; stackmend only reads Nova
        readPower: async () => {
          const svc = (await ports.nova().listComputeServices(host)).find((s) => s.host === host);
          if (!svc) throw new ConfigError(`Nova lists no nova-compute service on ${host}`);
          return { off: svc.forced_down, state: svc.forced_down ? 'forced down' : `not forced down (${svc.state})` };
        },
      };
    default: {
      const unreachable: never = target;
      return unreachable;
    }
  }
}
