/**
 * `stackmend policy explain` (cli/policy.ts explainAlarm) on recorded alarms against a stateful in-memory
 * cloud (test/support/fakes) as a dry run's deps see it: which rule matched and why, what would be done,
 * what it saw (a server's image, zone, host aggregates: read only when the policy needs them), and nothing
 * written to the cloud or the state store. The server alarm is Aodh's recorded event alarm of a server in
 * ERROR (test/events/aodh/generated-event-instance-update-error.json).
 */
import { explainAlarm } from '../../../cli/policy';
import { parseRuntimeConfig } from '../../../core/runtime/config';
import { silentLogger } from '../../../core/domain/log';
import { MemoryStore } from '../../../core/state/memory-store';
import { depsFactory } from '../../../functions/_shared/deps';
import { recordedEvent } from '../../support/steps';
import { hostDown, memberDeleted, sceneCloud, T0 } from '../functions/support/scenes';

const ERROR_ALARM = recordedEvent('aodh/generated-event-instance-update-error.json');
const ERRORED = 'd215d30a-dda1-4763-975d-231d24db9f05';

const rules = [
  { name: 'databases-ask-first', match: { kind: 'host-down', metadata: { role: 'database' } }, action: 'hold' },
  { name: 'web-replace-only', match: { stack: 'web' }, action: 'replace', settings: { repeatThreshold: 5 } },
  { name: 'hosts-tell', match: { host: 'compute*' }, action: 'notify' },
];

function explainer(scene: 'one-host' | 'member-deleted', policy: Record<string, unknown> = { rules }) {
  const now = () => T0;
  const cloud = sceneCloud(scene, now);
  const store = new MemoryStore({ now });
  const config = parseRuntimeConfig({ state_url: 'memory:', policy });
  const deps = depsFactory({ cloud: () => cloud, store, now, log: silentLogger })(config, { dryRun: true });
  return { cloud, store, explain: (alarm: unknown) => explainAlarm(alarm, deps, config.policy, true) };
}

describe('policy explain', () => {
  it('a host-down notification: the first rule that matches, why, and what it would do', async () => {
    const { cloud, explain } = explainer('one-host');
    const [row] = await explain(hostDown('compute1', 10));
    expect(row).toMatchObject({
      kind: 'host-down',
      subject: 'host compute1',
      rule: 'hosts-tell',
      action: 'notify',
      why: 'host compute1',
      verdict: 'notify',
      decidedBy: 'policy:hosts-tell',
      wouldDo: 'nothing: tell the operator',
    });
    expect(row!.reason).toContain('would evacuate (rule fenced-host-failure');
    expect(row!.seen).toBe('host compute1 · zone nova · in no aggregate · 1 server(s)');
    expect((row!.rules as { rule: string; ok: boolean; why: string }[]).map((r) => [r.rule, r.ok, r.why])).toEqual([
      ['databases-ask-first', false, 'no server on the host meets the server criteria'],
      ['web-replace-only', false, 'no server on the host meets the server criteria'],
      ['hosts-tell', true, 'host compute1'],
    ]);
    expect(cloud.writes()).toEqual([]);
  });

  it('a deleted member of stack web: replaced through Heat, as its rule allows', async () => {
    const { cloud, store, explain } = explainer('member-deleted');
    const [row] = await explain(memberDeleted());
    expect(row).toMatchObject({
      kind: 'server-deleted',
      rule: 'web-replace-only',
      action: 'replace',
      why: 'stack web',
      verdict: 'replace',
      decidedBy: 'cattle-in-heat-stack',
      wouldDo: expect.stringMatching(/^replace 3bd67d07-7f0a-477c-a869-964e212f5c8d \(resource 0 of /),
    });
    expect(cloud.writes()).toEqual([]);
    expect(await store.pending('mark-unhealthy')).toEqual([]);
  });

  it('without rules: the flat settings decide, and explain says so', async () => {
    const { cloud, explain } = explainer('one-host', {});
    const [row] = await explain(hostDown('compute1', 10));
    const { rule, action, why, verdict, decidedBy, wouldDo } = row!;
    expect([rule, action, why, verdict, decidedBy]).toEqual([
      '(none)',
      'auto',
      'no rules',
      'evacuate',
      'fenced-host-failure',
    ]);
    expect(wouldDo).toBe('evacuate 1 server(s) from compute1 (pet-compute1), replace 0 through Heat, leave 0');
    expect(cloud.writes()).toEqual([]);
  });

  describe('a server alarm', () => {
    /** The ERROR alarm's server on compute1, booted from an image tagged evacuable, in an aggregate ha-rack. */
    function erroredServer(policy: Record<string, unknown>) {
      const x = explainer('member-deleted', policy);
      x.cloud.glance.addImage('img-ha', {}, ['evacuable']);
      x.cloud.nova.addAggregate({ name: 'ha-rack', hosts: ['compute1'], metadata: { evacuable: 'true' } });
      x.cloud.nova.addServer({ id: ERRORED, name: 'vm-error', host: 'compute1', status: 'ERROR', image: 'img-ha' });
      return x;
    }

    it('under evacuable-tag: a pet by its image tag, and the image, zone and aggregates it was decided on', async () => {
      const { cloud, explain } = erroredServer({ evacuation: { select: 'evacuable-tag' } });
      const [row] = await explain(ERROR_ALARM);
      expect(row).toMatchObject({ kind: 'server-error', verdict: 'restart', decidedBy: 'pet-vm-recovery' });
      expect(row!.seen).toMatch(
        /^image image-img-ha tagged evacuable \(.*\) · flavor m1\.tiny · host compute1 · zone nova · aggregates ha-rack \(evacuable=true\)$/,
      );
      expect(row!.facts).toMatchObject({
        server: { id: ERRORED, image: { id: 'img-ha', tags: ['evacuable'] } },
        serverHost: { availabilityZone: 'nova', aggregates: [{ name: 'ha-rack', metadata: { evacuable: 'true' } }] },
      });
      expect(cloud.writes()).toEqual([]);
    });

    it('under the default policy: says that neither the image nor the aggregates were read', async () => {
      const { cloud, explain } = erroredServer({});
      const [row] = await explain(ERROR_ALARM);
      expect(row).toMatchObject({ verdict: 'notify', decidedBy: 'not-managed' });
      expect(row!.seen).toBe(
        'image not read (the policy needs none) · flavor m1.tiny · host compute1 · zone nova · ' +
          'aggregates not read (the policy needs none)',
      );
      expect(cloud.callsTo('glance.getImage')).toEqual([]);
      expect(cloud.callsTo('nova.listAggregates')).toEqual([]);
    });
  });
});
