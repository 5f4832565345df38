/**
 * The Bare Metal (Ironic) calls stackmend's fencing makes: power a node off or on, read its power
 * state. Without `X-OpenStack-Ironic-API-Version` Ironic answers as API 1.1, where a node is not found
 * by its name; 1.27 is the first version with soft power off and power timeouts (lab notes: Ironic
 * 21.4 accepts up to 1.82). Recorded on the lab: test/fixtures/openstack/ironic-*.json.
 */
import * as z from 'zod';
import type { ServiceHttp } from './http';
import type { Accepted, BareMetal } from './ports';

export const IRONIC_MICROVERSION = '1.27';
export const ironicHeaders = () => ({ 'X-OpenStack-Ironic-API-Version': IRONIC_MICROVERSION });

export const POWER_TARGETS = ['power off', 'power on'] as const;
export type PowerTarget = (typeof POWER_TARGETS)[number];

/**
 * GET /v1/nodes/{node}/states (recorded: test/fixtures/openstack/ironic-node-states-off.json):
 * `power_state` "power on" | "power off" | null (unknown), `target_power_state` set while a change runs,
 * `last_error` the conductor's last failure.
 */
export const NodeStatesSchema = z.looseObject({
  power_state: z.string().nullable(),
  target_power_state: z.string().nullable(),
  provision_state: z.string().nullish(),
  last_error: z.string().nullish(),
});
export type NodeStates = z.infer<typeof NodeStatesSchema>;

export class IronicClient implements BareMetal {
  constructor(private readonly http: ServiceHttp) {}

  /** 202 with an empty body; the conductor changes the power in the background. */
  async setPower(node: string, target: PowerTarget): Promise<Accepted> {
    const res = await this.http.put(`v1/nodes/${encodeURIComponent(node)}/states/power`, { target });
    return { requestId: res.requestId };
  }

  async getPowerStates(node: string): Promise<NodeStates & Accepted> {
    const res = await this.http.get<unknown>(`v1/nodes/${encodeURIComponent(node)}/states`);
    return { ...NodeStatesSchema.parse(res.data), requestId: res.requestId };
  }
}
