/**
 * A whole cloud in memory: the four ports of core/openstack/ports.ts over one clock, one call
 * log and one failure-injection table. `tick()` lets in-flight work end (Heat updates, Nova
 * evacuations), as a later look at the real cloud would find it.
 */
import type { Cloud } from '../../../core/openstack/cloud';
import { FakeAlarming } from './alarming';
import { FakeBareMetal } from './baremetal';
import { FakeCompute } from './compute';
import { FakeControl, type Call, type FakeMethod } from './control';
import { FakeImages } from './images';
import { FakeOrchestration } from './orchestration';
import { FakePlacement } from './placement';
import { FakeQueueing } from './queueing';

export type { Call, FakeMethod };

export class FakeCloud implements Cloud {
  readonly control: FakeControl;
  readonly nova: FakeCompute;
  readonly heat: FakeOrchestration;
  readonly aodh: FakeAlarming;
  readonly zaqar: FakeQueueing;
  readonly ironic: FakeBareMetal;
  readonly glance: FakeImages;
  readonly placement: FakePlacement;

  constructor(now: () => number = Date.now) {
    this.control = new FakeControl(now);
    this.nova = new FakeCompute(this.control);
    this.heat = new FakeOrchestration(this.control, this.nova);
    this.aodh = new FakeAlarming(this.control);
    this.zaqar = new FakeQueueing(this.control);
    this.ironic = new FakeBareMetal(this.control);
    this.glance = new FakeImages(this.control);
    this.placement = new FakePlacement(this.control, this.nova);
  }

  get calls(): Call[] {
    return this.control.calls;
  }

  callsTo(method: FakeMethod): Call[] {
    return this.control.callsTo(method);
  }

  /** Calls that change the cloud (anything but reads; Placement's `capacities` reads too). */
  writes(): Call[] {
    return this.calls.filter((c) => !/\.(get|list|capacities)/.test(c.method));
  }

  failNext(method: FakeMethod, times: number, error: Error | ((args: unknown[]) => Error)): void {
    this.control.failNext(method, times, error);
  }

  tick(): void {
    this.heat.tick();
    this.nova.tick();
    this.ironic.tick();
  }
}

/**
 * The lab's two computes, as test/fixtures/openstack/nova-services-list.json lists them: enabled and up;
 * an Ironic node per host, named after it and powered on (test/lab/labctl.py ironic_nodes).
 */
export function labCloud(now?: () => number): FakeCloud {
  const cloud = new FakeCloud(now);
  cloud.nova.addService({ host: 'compute1', id: '4001e822-7ca3-4a18-bb4d-7bd39e1bd030' });
  cloud.nova.addService({ host: 'compute2', id: '7dbc03fc-ccdf-4218-8ba9-af3f5196972d' });
  for (const host of ['compute1', 'compute2']) cloud.ironic.addNode(host);
  return cloud;
}
