/**
 * gatherFacts for a failed host on the in-memory cloud: what the evacuation policy matches on (the
 * servers' image properties and tags, flavor name and extra_specs, the host's aggregates and zone, the
 * policy's reserved hosts as Nova reports them), each aggregate list and image read once per decision.
 * The alarm is the recorded host monitor notification (test/events/masakari/run1-compute-host.json). For a
 * server incident (the recorded Masakari VM notification, test/events/masakari/generated-vm-lifecycle-stopped-
 * failed.json): the image and the host's aggregates only when the policy needs them (core/policy/reads.ts).
 */
import { parseAlarms } from '../../../core/domain/intake';
import { parseRuntimeConfig } from '../../../core/runtime/config';
import { factsDeps, gatherFacts } from '../../../functions/_shared/facts';
import { recordedEvent, world, type World } from '../../support/steps';

const hostDown = (w: World) =>
  parseAlarms(recordedEvent('masakari/run1-compute-host.json'), { receivedAt: new Date(w.now()) }).incidents[0];
const vmStopped = (w: World) =>
  parseAlarms(recordedEvent('masakari/generated-vm-lifecycle-stopped-failed.json'), { receivedAt: new Date(w.now()) })
    .incidents[0];
/** The server the VM notification names, on compute1 with the tagged image. */
const STOPPED = '3bd67d07-7f0a-477c-a869-964e212f5c8d';

function scene(): World {
  const w = world();
  w.cloud.nova.addService({ host: 'compute3', status: 'disabled' });
  w.cloud.glance.addImage('img-ha', { evacuable: 'true', priority: '5' }, ['evacuable']);
  w.cloud.nova.addAggregate({ name: 'ha-rack', hosts: ['compute1'], metadata: { evacuable: 'true' }, zone: 'az1' });
  w.cloud.nova.addAggregate({ name: 'other-rack', hosts: ['compute2'], metadata: { evacuable: 'false' } });
  for (const id of ['db-1', 'db-2'])
    w.cloud.nova.addServer({
      id,
      name: id,
      host: 'compute1',
      image: 'img-ha',
      flavor: { original_name: 'm1.ha', extra_specs: { 'hw:cpu_policy': 'dedicated' } },
    });
  w.cloud.nova.addServer({
    id: 'vol-1',
    name: 'vol-1',
    host: 'compute1',
    image: '',
    locked: true,
    locked_reason: 'operator: forensics',
  });
  return w;
}

const deps = (w: World, policy: Record<string, unknown> = {}) =>
  factsDeps(w.factory(parseRuntimeConfig({ policy }), { dryRun: true }));

describe('gatherFacts for a failed host', () => {
  it("gives each server its image's properties and tags, its flavor's name and extra_specs, and its lock", async () => {
    const w = scene();
    const f = await gatherFacts(hostDown(w), deps(w));
    const byId = Object.fromEntries(f.host!.servers.map((s) => [s.id, s]));
    expect(byId['db-1']).toMatchObject({
      image: { id: 'img-ha', properties: { evacuable: 'true', priority: '5' }, tags: ['evacuable'] },
      flavor: { name: 'm1.ha', extraSpecs: { 'hw:cpu_policy': 'dedicated' } },
      locked: false,
    });
    expect(byId['vol-1'].image).toBeUndefined(); // booted from a volume
    expect(byId['vol-1']).toMatchObject({ locked: true, lockedReason: 'operator: forensics' });
  });

  it("gives the host its aggregates (name, metadata) and availability zone, and the policy's reserved hosts", async () => {
    const w = scene();
    const f = await gatherFacts(hostDown(w), deps(w, { evacuation: { reservedHosts: ['compute3', 'nowhere'] } }));
    expect(f.host).toMatchObject({
      aggregates: [{ name: 'ha-rack', metadata: { availability_zone: 'az1', evacuable: 'true' } }],
      reservedHosts: [{ host: 'compute3', status: 'disabled', state: 'up', forcedDown: false, freeVcpus: 8 }],
    });
    expect(f.host!.availabilityZone).toBe('nova'); // the recorded compute service's zone
  });

  it('reads the aggregates once and each image once, however many servers use it', async () => {
    const w = scene();
    await gatherFacts(hostDown(w), deps(w));
    expect(w.cloud.callsTo('nova.listAggregates')).toHaveLength(1);
    expect(w.cloud.callsTo('glance.getImage').map((c) => c.args[0])).toEqual(['img-ha']);
  });

  it('treats a deleted image as no image', async () => {
    const w = world();
    w.cloud.nova.addServer({ id: 'db-1', name: 'db-1', host: 'compute1', image: 'img-gone' });
    const f = await gatherFacts(hostDown(w), deps(w));
    expect(f.host!.servers[0].image).toBeUndefined();
  });
});

describe('gatherFacts for a server incident', () => {
  const stopped = () => {
    const w = scene();
    w.cloud.nova.addServer({ id: STOPPED, name: 'vm', host: 'compute1', status: 'SHUTOFF', image: 'img-ha' });
    return w;
  };

  it("gives the server its image, and its host's aggregates and zone, when the policy needs them", async () => {
    const w = stopped();
    const f = await gatherFacts(vmStopped(w), deps(w, { evacuation: { select: 'evacuable-tag' } }));
    expect(f.server?.image).toMatchObject({
      id: 'img-ha',
      properties: { evacuable: 'true', priority: '5' },
      tags: ['evacuable'],
    });
    expect(f.serverHost).toEqual({
      aggregates: [{ name: 'ha-rack', metadata: { availability_zone: 'az1', evacuable: 'true' } }],
      availabilityZone: 'nova', // the recorded server's OS-EXT-AZ:availability_zone
    });
    expect(f.host).toBeUndefined();
  });

  it('reads neither under the default policy: the zone comes with the server', async () => {
    const w = stopped();
    const f = await gatherFacts(vmStopped(w), deps(w));
    expect(f.server?.image).toBeUndefined();
    expect(f.serverHost).toEqual({ aggregates: undefined, availabilityZone: 'nova' });
    expect(w.cloud.callsTo('glance.getImage')).toEqual([]);
    expect(w.cloud.callsTo('nova.listAggregates')).toEqual([]);
  });
});
