/**
 * Hand-offs in the runtime: a step reaches only the steps its STEPS entry declares, and a re-arm
 * handed on is kept until it is done (a failed one is given back for a later invocation).
 */
import { silentLogger } from '../../../core/domain/log';
import { ArmedServers } from '../../../core/runtime/arm/armed';
import { performDueRearms } from '../../../core/runtime/arm/rearm';
import { createDispatcher, handingOnFrom, QueuedTransport } from '../../../core/runtime/dispatch';
import { MemoryStore } from '../../../core/state/memory-store';

const root = { name: 'web', id: '6b5f1d8e-0000-4000-8000-000000000001' };

describe('hand-offs', () => {
  const store = new MemoryStore();
  const dispatcher = createDispatcher(new QueuedTransport(store, () => 1000), {
    store,
    now: () => 1000,
    log: silentLogger,
  });

  it('lets mark-unhealthy hand on to stack-update, through the due queue', async () => {
    const receipt = await handingOnFrom('mark-unhealthy', dispatcher).send('stack-update', 'inc-1');
    expect(receipt).toMatchObject({ step: 'stack-update', transport: 'due-queue' });
    expect(await store.pending('stack-update')).toEqual([{ id: 'inc-1', dueAt: 1000 }]);
  });

  it('refuses a hand-off the registry does not declare, naming the entry to change', async () => {
    await expect(handingOnFrom('notify', dispatcher).send('evacuate', 'inc-1')).rejects.toMatchObject({
      name: 'UndeclaredHandOffError',
      message: expect.stringMatching(/STEPS\["notify"\]\.handsOnTo/),
    });
    expect(await store.pending('evacuate')).toEqual([]);
  });
});

describe('re-arming after a replacement', () => {
  it('is handed on only for an armed stack', async () => {
    const armed = new ArmedServers(new MemoryStore());
    expect(await armed.requestRearm(root, 0)).toBe(false);
    await armed.record({ stack: root, target: { via: 'http', url: 'http://classify' } }, []);
    expect(await armed.requestRearm(root, 0)).toBe(true);
    expect(await armed.takeRearms(0)).toEqual([root.id]);
  });

  it('gives a re-arm that failed back to the due queue', async () => {
    const store = new MemoryStore();
    const armed = new ArmedServers(store);
    await armed.record({ stack: root, target: { via: 'http', url: 'http://classify' } }, []);
    await armed.requestRearm(root, 0);
    const unreachable = () => {
      throw new Error('the cloud is unreachable');
    };
    expect(await performDueRearms({ cloud: unreachable, armed, now: () => 5, log: silentLogger })).toBe(1);
    expect(await store.pending('arm')).toEqual([{ id: root.id, dueAt: 60_005 }]);
  });
});
