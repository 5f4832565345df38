/** Triggers fanning out through rules, sequences, and the alarms feed a deploy binds. */
import { pathOf } from '../../../local/whisk';
import { eventually, startHarness, type Harness } from './support';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(() => h.whisk.close());

const ranWith = (h: Harness, path: string) =>
  h.whisk
    .activations()
    .filter((a) => pathOf(a) === path)
    .map((a) => a.response.result);

describe('triggers and rules', () => {
  it('runs the action of every active rule with the trigger parameters merged into the payload', async () => {
    h.whisk.registerAction('stackmend/mark-unhealthy', { main: (p) => p });
    h.whisk.registerAction('stackmend/evacuate', { main: (p) => p });
    h.whisk.registerAction('stackmend/notify', { main: (p) => p });
    await h.ow.triggers.create({
      name: 'stackmend-reconcile',
      trigger: { parameters: [{ key: 'reconcile', value: true }] },
    });
    for (const fn of ['mark-unhealthy', 'evacuate', 'notify']) {
      await h.ow.rules.create({
        name: `reconcile-to-${fn}`,
        trigger: '/_/stackmend-reconcile',
        action: `/guest/stackmend/${fn}`,
      });
    }
    await h.ow.rules.disable({ name: 'reconcile-to-notify' });

    const { activationId } = await h.ow.triggers.invoke({ name: 'stackmend-reconcile', params: { at: 'now' } });
    await h.whisk.settled();

    expect(ranWith(h, 'guest/stackmend/mark-unhealthy')).toEqual([{ reconcile: true, at: 'now' }]);
    expect(ranWith(h, 'guest/stackmend/evacuate')).toEqual([{ reconcile: true, at: 'now' }]);
    expect(ranWith(h, 'guest/stackmend/notify')).toEqual([]);
    const fired = await h.ow.activations.get(activationId);
    expect(fired.logs.map((l: string) => JSON.parse(l).rule).sort()).toEqual([
      'guest/reconcile-to-evacuate',
      'guest/reconcile-to-mark-unhealthy',
    ]);
    expect(h.whisk.activations().filter((a) => a.cause === activationId)).toHaveLength(2);
  });

  it('fires programmatically too, and answers 404 for an unknown trigger', async () => {
    h.whisk.registerAction('stackmend/notify', { main: (p) => p });
    await h.ow.triggers.create({ name: 'stackmend-notify' });
    await h.ow.rules.create({ name: 'notify-rule', trigger: 'stackmend-notify', action: 'stackmend/notify' });

    await h.whisk.fireTrigger('stackmend-notify', { incident: 'i-1' });
    await h.whisk.settled();

    expect(ranWith(h, 'guest/stackmend/notify')).toEqual([{ incident: 'i-1' }]);
    expect(
      (await h.call('/api/v1/namespaces/guest/triggers/nope', { method: 'POST', auth: true, body: '{}' })).status,
    ).toBe(404);
  });
});

describe('sequences', () => {
  it('passes each result to the next component and records one activation per step', async () => {
    await h.ow.packages.create({ name: 'math' });
    await h.ow.actions.create({
      name: 'math/double',
      action: 'function main(p) { return { n: p.n * 2 }; }',
      kind: 'nodejs:20',
    });
    await h.ow.actions.create({
      name: 'math/inc',
      action: 'function main(p) { return { n: p.n + 1 }; }',
      kind: 'nodejs:20',
    });
    await h.call('/api/v1/namespaces/guest/actions/pipeline?overwrite=true', {
      method: 'PUT',
      auth: true,
      body: JSON.stringify({ exec: { kind: 'sequence', components: ['/_/math/double', '/guest/math/inc'] } }),
    });

    const record = await h.ow.actions.invoke({ name: 'pipeline', blocking: true, params: { n: 5 } });

    expect(record.response?.result).toEqual({ n: 11 });
    expect(record.logs).toHaveLength(2);
    expect(
      h.whisk
        .activations()
        .filter((a) => a.cause === record.activationId)
        .map((a) => a.name),
    ).toEqual(['double', 'inc']);
  });
});

describe('the alarms feed', () => {
  it('binds a trigger on CREATE, fires it periodically, and stops on DELETE', async () => {
    h.whisk.registerAction('stackmend/evacuate', { main: (p) => p });
    await h.ow.triggers.create({ name: 'tick', trigger: { parameters: [{ key: 'reconcile', value: true }] } });
    await h.ow.rules.create({ name: 'tick-rule', trigger: 'tick', action: 'stackmend/evacuate' });

    await h.ow.feeds.create({
      name: '/whisk.system/alarms/interval',
      trigger: 'tick',
      params: { seconds: 1, trigger_payload: '{"source":"alarm"}' },
    });
    const fired = await eventually(
      () => (ranWith(h, 'guest/stackmend/evacuate').length ? ranWith(h, 'guest/stackmend/evacuate') : undefined),
      3000,
    );
    await h.ow.feeds.delete({ name: '/whisk.system/alarms/interval', trigger: 'tick' });

    expect(fired[0]).toEqual({ reconcile: true, source: 'alarm' });
  });

  it('fires a trigger bound to the alarm feed on a six-field cron at its seconds, once per second', async () => {
    h.whisk.registerAction('stackmend/evacuate', { main: (p) => p });
    await h.ow.triggers.create({ name: 'tick', trigger: { parameters: [{ key: 'reconcile', value: true }] } });
    await h.ow.rules.create({ name: 'tick-rule', trigger: 'tick', action: 'stackmend/evacuate' });
    const fires = () => h.whisk.activations().filter((a) => a.name === 'tick');

    const bound = Date.now();
    await h.ow.feeds.create({ name: '/whisk.system/alarms/alarm', trigger: 'tick', params: { cron: '* * * * * *' } });
    await eventually(() => (fires().length >= 2 ? true : undefined), 4000);
    await h.ow.feeds.delete({ name: '/whisk.system/alarms/alarm', trigger: 'tick' });
    const unbound = Date.now();
    await h.whisk.settled();

    // at most one fire per whole second the feed was bound (a loaded machine may skip one, never doubles)
    expect(fires().length).toBeLessThanOrEqual(Math.floor(unbound / 1000) - Math.floor(bound / 1000) + 1);
    expect(ranWith(h, 'guest/stackmend/evacuate')[0]).toEqual({ reconcile: true });
  });

  it('reports invalid feed parameters as a failed feed invocation', async () => {
    await h.ow.triggers.create({ name: 'tick' });

    const attempt = h.ow.feeds.create({
      name: '/whisk.system/alarms/alarm',
      trigger: 'tick',
      params: { cron: 'every minute' },
    });

    await expect(attempt).rejects.toThrow(/cron "every minute" must have 5 fields/);
  });
});
