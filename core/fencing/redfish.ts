/**
 * The Redfish calls of the `redfish` fencing driver: read a ComputerSystem, reset it with ForceOff.
 * Shapes from DMTF's published mockup (test/fixtures/redfish/README.md): the system advertises its
 * reset action's URI in `Actions["#ComputerSystem.Reset"].target` and the reset types it accepts in
 * `ResetType@Redfish.AllowableValues`; the mockup server answers an action with 204 and no body.
 */
import * as z from 'zod';
import { StackmendError } from '../domain/errors';
import type { ServiceHttp } from '../openstack/http';
import type { Accepted } from '../openstack/ports';

/** Recorded: test/fixtures/redfish/computer-system.json (DMTF public-rackmount1, Systems/437XR1138R2). */
export const ComputerSystemSchema = z.looseObject({
  '@odata.id': z.string(),
  Id: z.string(),
  /** On, Off, PoweringOn, PoweringOff, Paused (Redfish PowerState); absent when the BMC does not know. */
  PowerState: z.string().nullish(),
  Actions: z
    .looseObject({
      '#ComputerSystem.Reset': z
        .looseObject({
          target: z.string(),
          'ResetType@Redfish.AllowableValues': z.array(z.string()).optional(),
        })
        .optional(),
    })
    .optional(),
});
export type ComputerSystem = z.infer<typeof ComputerSystemSchema>;

/** The BMC does not offer ForceOff for the system: stackmend cannot fence it this way. */
export class ResetNotOfferedError extends StackmendError {
  override readonly status = 502;
  constructor(
    readonly system: string,
    offered: readonly string[] | undefined,
  ) {
    super(
      offered
        ? `the Redfish system ${system} offers the resets ${offered.join(', ')}, not ForceOff: fence the host another way and approve`
        : `the Redfish system ${system} has no ComputerSystem.Reset action: fence the host another way and approve`,
    );
  }
}

export class RedfishClient {
  constructor(private readonly http: ServiceHttp) {}

  async getSystem(system: string): Promise<ComputerSystem & Accepted> {
    const res = await this.http.get<unknown>(`redfish/v1/Systems/${encodeURIComponent(system)}`);
    return { ...ComputerSystemSchema.parse(res.data), requestId: res.requestId };
  }

  /** POSTs ForceOff to the reset action the system advertises (never a guessed URI). */
  async forceOff(system: string): Promise<Accepted> {
    const s = await this.getSystem(system);
    const reset = s.Actions?.['#ComputerSystem.Reset'];
    const offered = reset?.['ResetType@Redfish.AllowableValues'];
    if (!reset || (offered && !offered.includes('ForceOff'))) throw new ResetNotOfferedError(system, offered);
    const res = await this.http.post(reset.target, { ResetType: 'ForceOff' });
    return { requestId: res.requestId };
  }
}
