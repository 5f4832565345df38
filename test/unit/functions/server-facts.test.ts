/**
 * classify-alarm on a server incident, on the in-memory cloud: the image and the host's aggregates are read
 * only when the policy needs them (core/policy/reads.ts), and then a rule or the `evacuable-tag` selection
 * decides on them as it does for a host's servers. A read that fails decides nothing (503, nothing stored).
 * Alarms are recorded: Aodh's event alarm of a server in ERROR (test/events/aodh/generated-event-instance-
 * update-error.json), Masakari's VM notification of a server that stopped (test/events/masakari/generated-vm-
 * lifecycle-stopped-failed.json) and Nova's versioned instance.delete.end (test/events/nova/versioned/).
 */
import type { Decision } from '../../../core/domain/plan';
import { OpenStackUnreachableError } from '../../../core/openstack/errors';
import { step as classify } from '../../../functions/classify-alarm';
import type { FakeMethod } from '../../support/fakes/cloud';
import type { ServerSeed } from '../../support/fakes/records';
import { invoke, record, recordedEvent, world, type World } from '../../support/steps';
import { DELETED, sceneCloud } from './support/scenes';

const ERROR_ALARM = recordedEvent('aodh/generated-event-instance-update-error.json');
const ERRORED = 'd215d30a-dda1-4763-975d-231d24db9f05';
const STOPPED_ALARM = recordedEvent('masakari/generated-vm-lifecycle-stopped-failed.json');
const STOPPED = '3bd67d07-7f0a-477c-a869-964e212f5c8d';
const DELETE_END = recordedEvent('nova/versioned/instance.delete.end.json');

const TAGGED = { evacuation: { select: 'evacuable-tag' } };

function scene(policy: Record<string, unknown> = {}, seed: Partial<ServerSeed> = {}): World {
  const w = world({ config: { policy } });
  w.cloud.glance.addImage('img-plain');
  w.cloud.glance.addImage('img-ha', {}, ['evacuable']);
  w.cloud.glance.addImage('img-ha-prop', { evacuable: 'True' });
  w.cloud.nova.addServer({
    id: ERRORED,
    name: 'vm-error',
    host: 'compute1',
    status: 'ERROR',
    image: 'img-plain',
    ...seed,
  });
  w.cloud.nova.addServer({
    id: STOPPED,
    name: 'vm-stop',
    host: 'compute1',
    status: 'SHUTOFF',
    image: 'img-plain',
    ...seed,
  });
  return w;
}

/** The decision classify-alarm recorded on the incident it opened. */
async function decided(w: World, alarm: unknown): Promise<Decision> {
  const res = await invoke(w, classify, alarm);
  expect(res.statusCode).toBeLessThan(300);
  const r = await record(w, res.body.results[0].incident!);
  return r.decision!;
}

const reads = (w: World) => w.cloud.calls.map((c) => c.method);

describe('classify-alarm: the facts of a server incident', () => {
  it('reads the server and its owner only, two calls, under the default policy', async () => {
    const w = scene({}, { image: 'img-ha' });
    const d = await decided(w, ERROR_ALARM);
    expect(d.rule).toBe('not-managed'); // no HA metadata; the image tag counts only under evacuable-tag
    expect(reads(w)).toEqual(['nova.getServer', 'heat.listStacks']);
  });

  it('makes a server booted from an image tagged evacuable a pet under evacuable-tag: its ERROR is recovered', async () => {
    const w = scene(TAGGED, { image: 'img-ha' });
    const d = await decided(w, ERROR_ALARM);
    expect(d).toMatchObject({ verdict: 'restart', rule: 'pet-vm-recovery' });
    expect(w.cloud.callsTo('glance.getImage').map((c) => c.args[0])).toEqual(['img-ha']);
    expect(w.cloud.callsTo('nova.listAggregates')).toHaveLength(1);
  });

  it("makes a server a pet by its image's evacuable property, or its host aggregate's evacuable metadata", async () => {
    const byImage = scene(TAGGED, { image: 'img-ha-prop' });
    expect(await decided(byImage, STOPPED_ALARM)).toMatchObject({ verdict: 'restart', rule: 'pet-vm-recovery' });

    const byAggregate = scene(TAGGED);
    byAggregate.cloud.nova.addAggregate({ name: 'ha-rack', hosts: ['compute1'], metadata: { evacuable: 'true' } });
    expect(await decided(byAggregate, STOPPED_ALARM)).toMatchObject({ verdict: 'restart', rule: 'pet-vm-recovery' });

    const neither = scene(TAGGED);
    neither.cloud.nova.addAggregate({ name: 'other-rack', hosts: ['compute2'], metadata: { evacuable: 'true' } });
    expect(await decided(neither, STOPPED_ALARM)).toMatchObject({ verdict: 'notify', rule: 'not-managed' });
  });

  it("gives a server on a host in an aggregate the rule that matches the aggregate's metadata", async () => {
    const rules = [{ name: 'gpu-ask-first', match: { aggregateMetadata: { gpu: 'true' } }, action: 'hold' }];
    const w = scene({ rules }, { metadata: { HA_Enabled: 'True' } });
    w.cloud.nova.addAggregate({ name: 'gpu-rack', hosts: ['compute1'], metadata: { gpu: 'true' } });
    const d = await decided(w, ERROR_ALARM);
    expect(d).toMatchObject({
      verdict: 'hold',
      matched: { rule: 'gpu-ask-first', why: 'aggregate gpu-rack gpu=true' },
    });
    expect(w.cloud.callsTo('glance.getImage')).toEqual([]); // no rule looks at images
  });

  it("matches a rule on the image's properties, and one on the zone Nova reports for the server without a call", async () => {
    const byImage = [{ name: 'ha-image-tell', match: { image: { evacuable: 'True' } }, action: 'notify' }];
    const w = scene({ rules: byImage }, { image: 'img-ha-prop', metadata: { HA_Enabled: 'True' } });
    expect((await decided(w, ERROR_ALARM)).matched).toMatchObject({ rule: 'ha-image-tell' });
    expect(w.cloud.callsTo('nova.listAggregates')).toEqual([]);

    const byZone = [{ name: 'az1-tell', match: { availabilityZone: 'az1' }, action: 'notify' }];
    const z = scene({ rules: byZone }, { availabilityZone: 'az1', metadata: { HA_Enabled: 'True' } });
    expect((await decided(z, ERROR_ALARM)).matched).toMatchObject({ rule: 'az1-tell', why: 'availability zone az1' });
    expect(reads(z)).toEqual(['nova.getServer', 'heat.listStacks']);
  });

  it("matches a deleted Heat member's host aggregates, from the host Nova's notification names", async () => {
    const rules = [{ name: 'gold-ask-first', match: { aggregate: 'gold' }, action: 'hold' }];
    const w = world({ config: { policy: { rules } }, cloud: (now) => sceneCloud('member-deleted', now) });
    w.cloud.nova.addAggregate({ name: 'gold', hosts: ['compute2'] });
    expect(DELETED).toBe(STOPPED); // the recorded notification is about the scene's deleted member
    const d = await decided(w, DELETE_END);
    expect(d).toMatchObject({ verdict: 'hold', matched: { rule: 'gold-ask-first', why: 'aggregate gold' } });
    expect(d.reason).toContain('would replace');
  });

  it.each<[FakeMethod, string]>([
    ['glance.getImage', 'http://127.0.0.1:9292/v2/images/img-ha'],
    ['nova.listAggregates', 'http://127.0.0.1:8774/v2.1/os-aggregates'],
  ])(
    'decides nothing when %s cannot reach OpenStack: the alarm kept (202), no incident, no write; the redelivery is decided',
    async (m, url) => {
      const w = scene(TAGGED, { image: 'img-ha' });
      w.cloud.failNext(m, 1, new OpenStackUnreachableError(m.split('.')[0], url, 'ECONNREFUSED'));
      const failed = await invoke(w, classify, ERROR_ALARM);
      expect(failed.statusCode).toBe(202); // kept until OpenStack answers (functions/classify-alarm/park.ts)
      expect(failed.body).toMatchObject({ outcome: 'RESCHEDULED' });
      expect((await w.store.list('')).map((e) => e.key)).toEqual([expect.stringMatching(/^parked:/)]);
      expect(w.cloud.writes()).toEqual([]);

      w.advance(1000);
      expect(await decided(w, ERROR_ALARM)).toMatchObject({ verdict: 'restart', rule: 'pet-vm-recovery' });
    },
  );
});
