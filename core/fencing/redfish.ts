/**
 * The Redfish calls of the `redfish` fencing driver: read a ComputerSystem, reset it with ForceOff (fence)
 * or On (`stackmend host restore`).
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

/** The resets stackmend asks for: ForceOff to fence, On to bring a restored host back. */
export type ResetType = 'ForceOff' | 'On';

/** The BMC does not offer the reset for the system: stackmend cannot power it this way. */
export class ResetNotOfferedError extends StackmendError {
  override readonly status = 502;
  constructor(
    readonly system: string,
    offered: readonly string[] | undefined,
    readonly type: ResetType = 'ForceOff',
  ) {
    const instead =
      type === 'ForceOff'
        ? 'fence the host another way and approve'
        : 'power the host on another way and restore again';
    super(
      offered
        ? `the Redfish system ${system} offers the resets ${offered.join(', ')}, not ${type}: ${instead}`
        : `the Redfish system ${system} has no ComputerSystem.Reset action: ${instead}`,
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
  forceOff = (system: string): Promise<Accepted> => this.reset(system, 'ForceOff');

  /** POSTs the reset `type` to the reset action the system advertises, if it offers that type. */
  async reset(system: string, type: ResetType): Promise<Accepted> {
    const s = await this.getSystem(system);
    const reset = s.Actions?.['#ComputerSystem.Reset'];
    const offered = reset?.['ResetType@Redfish.AllowableValues'];
    if (!reset || (offered && !offered.includes(type))) throw new ResetNotOfferedError(system, offered, type);
    const res = await this.http.post(reset.target, { ResetType: type });
    return { requestId: res.requestId };
  }
}
