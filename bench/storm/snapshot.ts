/**
 * The cloud the storm hits, as the stateful fakes of test/support/fakes hold it (every record built
 * from a recorded Nova response): the failed hosts, each forced down in Nova by the fencing agent
 * (test/fixtures/openstack/nova-force-down-2.53.json) with a heartbeat a minute old, each running
 * its servers, all pets (HA_Enabled=True, Masakari's convention); spare hosts, up, with room for them all.
 */
import { FakeCloud } from '../../test/support/fakes/cloud';
import { hostName, serverId, type StormShape } from './alarms';

/** Nova's timestamps: ISO-8601 without a zone, microseconds (test/fixtures/openstack/nova-services-list.json). */
const novaTime = (ms: number) => new Date(ms).toISOString().replace('Z', '000');

export const SPARE_HOSTS = 10;

export function stormCloud(shape: StormShape, now: () => number = Date.now): FakeCloud {
  const cloud = new FakeCloud(now);
  const heartbeat = novaTime(now() - 60_000);
  for (let h = 0; h < shape.hosts; h++) {
    cloud.nova.addService({ host: hostName(h), state: 'down', forced_down: true, updated_at: heartbeat });
    for (let s = 0; s < shape.serversPerHost; s++)
      cloud.nova.addServer({
        id: serverId(h, s),
        name: `${hostName(h)}-vm${s}`,
        host: hostName(h),
        metadata: { HA_Enabled: 'True' },
      });
  }
  // the recorded flavor (m1.tiny: 1 vCPU, 64 MB): room for every server of every failed host, and on
  // each spare host for all of one failed host's servers (core/policy/decide-host.ts asks for one)
  const room = Math.max(shape.serversPerHost, Math.ceil((shape.hosts * shape.serversPerHost) / SPARE_HOSTS)) + 1;
  for (let i = 0; i < SPARE_HOSTS; i++)
    cloud.nova.addService({ host: `spare-${i}` }, { vcpus: room, memory_mb: room * 64 });
  return cloud;
}
