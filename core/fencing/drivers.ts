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

/** A read-back: `off` (`on`) only when the driver's own state says the power is off (on), no change running. */
export type PowerReading = { off: boolean; on: boolean; state: string; requestId?: string };

export interface PowerFence {
  /** E.g. `ironic node compute1`. */
  readonly name: string;
  /** Asks for the power to be cut; an accepted request is not yet a fence. */
  powerOff(): Promise<Accepted>;
  /** Asks for the power to come back (`stackmend host restore`, cli/host-restore.ts); read it back too. */
  powerOn(): Promise<Accepted>;
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
        powerOn: () => ports.ironic().setPower(target.node, 'power on'),
        readPower: async () => {
          const s = await ports.ironic().getPowerStates(target.node);
          // "power off" with no change still running; null is Ironic's "unknown"
          const state = `${s.power_state ?? 'unknown'}${s.target_power_state ? ` → ${s.target_power_state}` : ''}`;
          const settled = !s.target_power_state;
          return {
            off: s.power_state === 'power off' && settled,
            on: s.power_state === 'power on' && settled,
            state,
            requestId: s.requestId,
          };
        },
      };
    case 'redfish': {
      const client = () => ports.redfish(target.url, target.credential);
      return {
        name,
        powerOff: () => client().reset(target.system, 'ForceOff'),
        powerOn: () => client().reset(target.system, 'On'),
        readPower: async () => {
          const s = await client().getSystem(target.system);
          const state = s.PowerState ?? 'unknown';
          return { off: state === 'Off', on: state === 'On', state, requestId: s.requestId };
        },
      };
    }
    case 'nova-forced-down':
      return {
        name,
        powerOff: async () => ({}), // the external agent fences; stackmend only reads Nova
        powerOn: async () => ({}), // the operator powers the host on; restore waits for its compute service
        readPower: async () => {
          const svc = (await ports.nova().listComputeServices(host)).find((s) => s.host === host);
          if (!svc) throw new ConfigError(`Nova lists no nova-compute service on ${host}`);
          const state = svc.forced_down ? 'forced down' : `not forced down (${svc.state})`;
          return { off: svc.forced_down, on: svc.state === 'up', state };
        },
      };
    default: {
      const unreachable: never = target;
      return unreachable;
    }
  }
}
