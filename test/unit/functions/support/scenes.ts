/**
 * Clouds for the decision tests (../decision.test.ts) and the races between processes
 * (../classify-race.test.ts, ./classify-worker.ts): each process builds the same scene on its own
 * FakeCloud, the state store is the one they share. Alarms are recorded ones: the host monitor's
 * COMPUTE_HOST notification (test/events/masakari/run1-compute-host.json) for another host or time,
 * and Aodh's delete.end of a ResourceGroup member (test/events/aodh/event-webhook.json).
 */
import { silentLogger } from '../../../../core/domain/log';
import type { StackRef } from '../../../../core/domain/plan';
import { QueuedTransport, type Transport } from '../../../../core/runtime/dispatch';
import { MemoryStore } from '../../../../core/state/memory-store';
import type { StateStore } from '../../../../core/state/store';
import { depsFactory, type DepsFactory } from '../../../../functions/_shared/deps';
import { Incidents } from '../../../../functions/_shared/incidents';
import { labCloud, type FakeCloud } from '../../../support/fakes/cloud';
import { recordedEvent } from '../../../support/steps';

/** The time of the recorded host-down notification (test/support/steps.ts `world`). */
export const T0 = Date.parse('2026-11-23T01:55:00Z');
export const SCENES = ['one-host', 'ten-hosts', 'member-deleted'] as const;
export type Scene = (typeof SCENES)[number];
export const HOSTS = Array.from({ length: 10 }, (_, i) => `cmp-${i}`);
/** The server event-webhook.json reports deleted, member "0" of stack web's group. */
export const DELETED = '3bd67d07-7f0a-477c-a869-964e212f5c8d';
/** Members "1" and "2" of that group. */
export const OTHERS = ['5fa21f78-eb39-4af8-ab00-e42ce465be12', '4dec8a5c-f57f-46e0-9c56-158998f4ee4c'];

/**
 * The steps' parameters in these scenes: ten hosts fail at once on purpose, and the circuit breaker, the
 * races and the deadline are under test here, not the blast radius (test/unit/policy/blast.test.ts): its
 * cloud-wide limit is lifted.
 */
export const SCENE_POLICY = { blastRadius: { cloud: '100%' } } as const;
export const SCENE_CONFIG = { policy: SCENE_POLICY };

/** The recorded COMPUTE_HOST notification for `host`, `n` seconds after its own generated_time. */
export function hostDown(host: string, n = 0): Record<string, unknown> {
  const body = recordedEvent('masakari/run1-compute-host.json') as { notification: Record<string, string> };
  const at = Date.parse('2026-11-23T01:54:56.603Z') + n * 1000;
  body.notification.hostname = host;
  body.notification.generated_time = new Date(at).toISOString().replace('Z', '');
  return body;
}

/** The recorded delete.end alarm, about `serverId` (its instance id and its event's message id swapped). */
export function memberDeleted(serverId = DELETED): Record<string, unknown> {
  const text = JSON.stringify(recordedEvent('aodh/event-webhook.json'));
  const message = 'd4767a91-0981-41d5-969e-21550eb529cb';
  return JSON.parse(
    text
      .split(DELETED)
      .join(serverId)
      .split(message)
      .join(serverId === DELETED ? message : serverId),
  );
}

/** A host Nova shows down and forced down (an external fencing agent), running one pet. */
function fencedHostWithPet(cloud: FakeCloud, host: string): void {
  if (!cloud.nova.service(host)) cloud.nova.addService({ host });
  cloud.nova.setService(host, { state: 'down', forced_down: true });
  cloud.nova.addServer({ id: `pet-${host}`, name: `pet-${host}`, host, metadata: { HA_Enabled: 'True' } });
}

/** Stack "web": a ResourceGroup of three servers on compute2, member "0" the deleted one. */
export function webGroup(cloud: FakeCloud): { root: StackRef; nested: StackRef } {
  for (const [i, id] of OTHERS.entries()) cloud.nova.addServer({ id, name: `web-${i + 1}`, host: 'compute2' });
  const root = cloud.heat.addStack('web');
  return { root, nested: cloud.heat.addGroup(root, 'group', [DELETED, ...OTHERS]) };
}

/** The lab's computes and, by scene: compute1 fenced with a pet; ten fenced hosts with a pet each; stack web. */
export function sceneCloud(scene: Scene, now: () => number): FakeCloud {
  const cloud = labCloud(now);
  switch (scene) {
    case 'one-host':
      fencedHostWithPet(cloud, 'compute1');
      break;
    case 'ten-hosts':
      cloud.nova.addService({ host: 'spare' }, { vcpus: 64, memory_mb: 262_144 });
      for (const h of HOSTS) fencedHostWithPet(cloud, h);
      break;
    case 'member-deleted':
      webGroup(cloud);
      break;
    default: {
      const unreachable: never = scene;
      throw new Error(`unknown scene ${String(unreachable)}`);
    }
  }
  return cloud;
}

/** The steps' ports over a shared store: this cloud, the due-queue transport unless another is given. */
export const sceneFactory = (
  store: StateStore,
  cloud: FakeCloud,
  now: () => number,
  transport: Transport = new QueuedTransport(store, now),
): DepsFactory => depsFactory({ store, now, log: silentLogger, transport, cloud: () => cloud });

/** A scene on its own clock and in-memory store: the ports the steps get, and the clock to move. */
export function sceneWorld(name: Scene, o: { store?: MemoryStore; transport?: Transport } = {}) {
  let t = T0;
  const now = () => t;
  const store = o.store ?? new MemoryStore({ now });
  const cloud = sceneCloud(name, now);
  const factory = sceneFactory(store, cloud, now, o.transport);
  return { store, cloud, factory, now, advance: (ms: number) => void (t += ms), incidents: new Incidents(store, now) };
}
