/**
 * Progress on stderr (cli/progress.ts). An evacuation's: `n/m servers ACTIVE`, read from the record evacuate
 * keeps while it runs on the in-memory cloud (test/support/steps.ts forcedDownEvacuation: the recorded host
 * monitor notification for compute1, forced down in Nova). A stack update's: the resource events Heat records
 * for the root stack stackmend updates for an incident, each said once, oldest first, as they appear. The
 * incident is a real one of the pipeline on the in-memory cloud (the recorded Aodh alarm about a ResourceGroup
 * member); the events are Heat's recorded answer (test/fixtures/openstack/heat-events.json: a member created,
 * marked CHECK_FAILED, replaced), moved in time to follow that incident.
 */
import type { StackRef } from '../../core/domain/plan';
import { EventSchema, type StackEvent } from '../../core/openstack/heat';
import { step as classify } from '../../functions/classify-alarm';
import { step as evacuate } from '../../functions/evacuate';
import { step as markUnhealthy } from '../../functions/mark-unhealthy';
import { step as stackUpdate } from '../../functions/stack-update';
import { evacuationProgress, eventLine, stackUpdateProgress, type StackEvents } from '../../cli/progress';
import type { Say } from '../../cli/output';
import { recordedBody } from '../support/fakes/records';
import { forcedDownEvacuation, invoke, reconcile, recordedEvent, world, type World } from '../support/steps';

const DELETED = '3bd67d07-7f0a-477c-a869-964e212f5c8d'; // the server test/events/aodh/event-webhook.json reports
const RECORDED = (recordedBody('heat-events').events as unknown[]).map((e) => EventSchema.parse(e));

/** The recorded events moved so that the mark (CHECK_FAILED) falls in the second of `at`. */
function eventsAfter(at: number): StackEvent[] {
  const mark = Date.parse(RECORDED.find((e) => e.resource_status === 'CHECK_FAILED')!.event_time);
  return RECORDED.map((e) => ({
    ...e,
    event_time: new Date(Date.parse(e.event_time) - mark + at).toISOString().replace(/\.\d+Z$/, 'Z'),
  }));
}

/** An incident whose repair updated root stack "web" (classify → mark-unhealthy → stack-update on the fakes). */
async function replacing(w: World) {
  w.cloud.nova.addServer({ id: '5fa21f78-eb39-4af8-ab00-e42ce465be12', name: 'web-1', host: 'compute2' });
  const root = w.cloud.heat.addStack('web');
  w.cloud.heat.addGroup(root, 'group', [DELETED, '5fa21f78-eb39-4af8-ab00-e42ce465be12']);
  const incident = (await invoke(w, classify, recordedEvent('aodh/event-webhook.json'))).body.results[0].incident!;
  await reconcile(w, markUnhealthy);
  await reconcile(w, stackUpdate);
  const r = await w.incidents.require(incident);
  expect(Object.values(r.updates).map((u) => u.stack)).toEqual([root]);
  return { incident, root, createdAt: Date.parse(r.createdAt) };
}

function said() {
  const lines: string[] = [];
  const say: Say = { info: (s) => void lines.push(s), debug: () => undefined, level: 'normal' };
  return { lines, say };
}

describe('stack update progress', () => {
  it("says each of the update's resource events once, oldest first, as Heat records them", async () => {
    const w = world();
    const { incident, root, createdAt } = await replacing(w);
    const all = eventsAfter(createdAt);
    let visible = 4; // Heat has recorded the first four events at the first look, all of them at the second
    const asked: { ref: StackRef; q: unknown }[] = [];
    const heat: StackEvents = {
      events: async (ref, q) => (asked.push({ ref, q }), all.slice(0, visible).reverse()),
    };
    const { lines, say } = said();
    const progress = stackUpdateProgress(w.incidents, () => heat, say);
    progress.follow(incident);
    await progress.report();
    visible = all.length;
    await progress.report();
    await progress.done();
    // the member's creation (a second and more before the incident) is not this update's
    expect(lines).toEqual(all.slice(2).map((e) => eventLine(root, e)));
    expect(lines[0]).toBe('stack-update: web server CHECK_FAILED (lab: alarm fired)');
    expect(lines.at(-1)).toBe('stack-update: web server DELETE_COMPLETE (state changed)');
    expect(asked.map((a) => a.q)).toEqual(Array(3).fill({ nestedDepth: 2, sortDir: 'desc', limit: 100 }));
    expect(asked.every((a) => a.ref === root || (a.ref.id === root.id && a.ref.name === root.name))).toBe(true);
  });

  it('asks Heat nothing for an incident that updates no stack', async () => {
    const w = world();
    const incident = (await invoke(w, classify, recordedEvent('aodh/event-webhook.json'))).body.results[0].incident!;
    const heat: StackEvents = { events: jest.fn(async () => []) };
    const { lines, say } = said();
    const progress = stackUpdateProgress(w.incidents, () => heat, say);
    progress.follow(incident);
    await progress.done();
    expect(heat.events).not.toHaveBeenCalled();
    expect(lines).toEqual([]);
  });
});

describe('evacuation progress', () => {
  const PETS = ['pet-1', 'pet-2', 'pet-3'];
  const RECHECK_MS = 2000; // the default policy's recheckAfterSec

  it('says n/m servers ACTIVE as evacuate confirms them in Nova, each change once, and the failed ones', async () => {
    const w = world();
    const incident = await forcedDownEvacuation(w, PETS);
    const { lines, say } = said();
    const progress = evacuationProgress(w.incidents, incident, say);
    await progress.report();
    await reconcile(w, evacuate); // three evacuations requested, none landed yet
    await progress.report();
    w.cloud.tick(); // pet-1 and pet-2 land ACTIVE on compute2; pet-3 went to ERROR there, as Nova says
    w.cloud.nova.setServer('pet-3', { status: 'ERROR' });
    w.advance(RECHECK_MS);
    await reconcile(w, evacuate);
    await progress.report();
    await progress.done();
    expect(lines).toEqual(['evacuate: 0/3 servers ACTIVE (acting)', 'evacuate: 2/3 servers ACTIVE, 1 failed (failed)']);
  });

  it('says 3/3 and the incident resolved when every server landed, read once more when the step is done', async () => {
    const w = world();
    const incident = await forcedDownEvacuation(w, PETS);
    const { lines, say } = said();
    const progress = evacuationProgress(w.incidents, incident, say);
    await reconcile(w, evacuate);
    await progress.report();
    w.cloud.tick();
    w.advance(RECHECK_MS);
    await reconcile(w, evacuate);
    await progress.done();
    expect(lines).toEqual(['evacuate: 0/3 servers ACTIVE (acting)', 'evacuate: 3/3 servers ACTIVE (resolved)']);
  });

  it('never rejects when the state store fails a read (approve calls it without waiting): says it with -v', async () => {
    const w = world();
    const incident = await forcedDownEvacuation(w, PETS);
    let fail = true;
    const flaky = {
      get: async (key: string) => {
        if (fail) throw new Error('redis://127.0.0.1:6379/3 is unreachable');
        return w.incidents.get(key);
      },
    };
    const debug: string[] = [];
    const { lines, say } = said();
    const progress = evacuationProgress(flaky, incident, { ...say, debug: (s) => void debug.push(s) });
    await expect(progress.report()).resolves.toBeUndefined();
    fail = false;
    await progress.report();
    await progress.done();
    expect(debug).toEqual(['state store: Error: redis://127.0.0.1:6379/3 is unreachable']);
    expect(lines).toEqual(['evacuate: 0/3 servers ACTIVE (acting)']);
  });

  it('says nothing for an incident the state store does not hold', async () => {
    const { lines, say } = said();
    const progress = evacuationProgress(world().incidents, 'no-such-incident', say);
    await progress.report();
    await progress.done();
    expect(lines).toEqual([]);
  });
});
