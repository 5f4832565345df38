/**
 * Ironic in memory: nodes with a power state, built from the lab's recordings
 * (test/fixtures/openstack/ironic-*.json). setPower is accepted (202, ironic-power-off.json) and the
 * conductor's change is seen at the next tick(), as a later read of the real service finds it
 * (ironic-node-states-off.json); until then the node reads as before (ironic-node-states-on.json).
 * A `stuck` node accepts every request and never changes (the power never reads back off); an
 * unknown node is a 404 (ironic-node-not-found.json), an unknown target a 400 (ironic-power-refused.json).
 */
import { apiErrorFor } from '../../../core/openstack/errors';
import { NodeStatesSchema, POWER_TARGETS, type NodeStates, type PowerTarget } from '../../../core/openstack/ironic';
import type { Accepted, BareMetal } from '../../../core/openstack/ports';
import type { FakeControl } from './control';
import { recordedBody } from './records';

const IRONIC = 'http://127.0.0.1:6385/v1/nodes';
const ON = NodeStatesSchema.parse(recordedBody('ironic-node-states-on'));
const OFF = NodeStatesSchema.parse(recordedBody('ironic-node-states-off'));

type Node = { states: NodeStates; pending?: PowerTarget; stuck: boolean };

export class FakeBareMetal implements BareMetal {
  private readonly nodes = new Map<string, Node>();

  constructor(private readonly c: FakeControl) {}

  // ---- seeding and inspection (not port calls: not logged) ----

  addNode(name: string, o: { power?: PowerTarget; stuck?: boolean } = {}): void {
    this.nodes.set(name, { states: structuredClone(o.power === 'power off' ? OFF : ON), stuck: !!o.stuck });
  }

  power = (name: string): string | null | undefined => this.nodes.get(name)?.states.power_state;

  /** The conductor finishes every accepted power change. */
  tick(): void {
    for (const n of this.nodes.values()) {
      if (!n.pending || n.stuck) continue;
      n.states = structuredClone(n.pending === 'power off' ? OFF : ON);
      n.pending = undefined;
    }
  }

  // ---- the port ----

  setPower(node: string, target: PowerTarget): Promise<Accepted> {
    return this.c.run('ironic.setPower', [node, target], (requestId) => {
      const url = `${IRONIC}/${node}/states/power`;
      const n = this.require(node, 'PUT', url, requestId);
      if (!(POWER_TARGETS as readonly string[]).includes(target))
        throw apiErrorFor({
          service: 'ironic',
          status: 400,
          method: 'PUT',
          url,
          requestId,
          body: recordedBody('ironic-power-refused'),
        });
      n.pending = target;
      return { requestId };
    });
  }

  getPowerStates(node: string): Promise<NodeStates & Accepted> {
    return this.c.run('ironic.getPowerStates', [node], (requestId) => ({
      ...this.require(node, 'GET', `${IRONIC}/${node}/states`, requestId).states,
      requestId,
    }));
  }

  private require(node: string, method: string, url: string, requestId: string): Node {
    const n = this.nodes.get(node);
    if (n) return n;
    const body = JSON.parse(JSON.stringify(recordedBody('ironic-node-not-found')).split('compute9').join(node));
    throw apiErrorFor({ service: 'ironic', status: 404, method, url, requestId, body });
  }
}
