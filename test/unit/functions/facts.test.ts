/**
 * gatherFacts for a failed host on the in-memory cloud: what the evacuation policy matches on (the
 * servers' image properties and tags, flavor name and extra_specs, the host's aggregates and zone, the
 * policy's reserved hosts as Nova reports them), each aggregate list and image read once per decision.
 * The alarm is the recorded host monitor notification (test/events/masakari/run1-compute-host.json).
 */
import { parseAlarms } from '../../../core/domain/intake';
import { parseRuntimeConfig } from '../../../core/runtime/config';
import { factsDeps, gatherFacts } from '../../../functions/_shared/facts';
import { recordedEvent, world, type World } from '../../support/steps';

const hostDown = (w: World) =>
  parseAlarms(recordedEvent('masakari/run1-compute-host.json'), { receivedAt: new Date(w.now()) }).incidents[0];

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
