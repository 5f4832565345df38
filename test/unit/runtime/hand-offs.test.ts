/**
 * Hand-offs in the runtime: a step reaches only the steps its STEPS entry declares, and a re-arm
 * handed on is kept until it is done (a failed one is given back for a later invocation); an armed
 * stack's target is kept without its credential and re-armed with it from the configuration.
 */
import { silentLogger } from '../../../core/domain/log';
import { ArmedServers } from '../../../core/runtime/arm/armed';
import { armStack } from '../../../core/runtime/arm/alarms';
import { performDueRearms } from '../../../core/runtime/arm/rearm';
import type { ArmTarget } from '../../../core/runtime/arm/target';
import { createDispatcher, handingOnFrom, QueuedTransport } from '../../../core/runtime/dispatch';
import { MemoryStore } from '../../../core/state/memory-store';
import { FakeCloud } from '../../support/fakes/cloud';

const root = { name: 'web', id: '6b5f1d8e-0000-4000-8000-000000000001' };
const WEBHOOK_TOKEN = 'rearm-webhook-token-5d2c';
const SECRETS = { webhook_token: WEBHOOK_TOKEN, auth: { basic: [] } };

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
    expect(
      await performDueRearms({ cloud: unreachable, armed, now: () => 5, log: silentLogger, config: SECRETS }),
    ).toBe(1);
    expect(await store.pending('arm')).toEqual([{ id: root.id, dueAt: 60_005 }]);
  });
});

describe('an armed stack in the state store', () => {
  const CLASSIFY = 'http://127.0.0.1:3233/api/v1/web/guest/stackmend/classify-alarm';
  const armedWith = async (target: ArmTarget) => {
    const store = new MemoryStore();
    const cloud = new FakeCloud(() => 0);
    const stack = cloud.heat.addStack('web');
    cloud.heat.addGroup(stack, 'group', ['7f1c7a3e-0000-4000-8000-00000000000a']);
    const armed = new ArmedServers(store);
    await armStack(cloud, armed, stack, target);
    return { store, cloud, stack, armed };
  };
  const everything = async (store: MemoryStore) => JSON.stringify(await store.list(''));

  it.each<[string, ArmTarget, object]>([
    [
      'a Basic webhook URL',
      { via: 'http', url: CLASSIFY.replace('http://', `http://webhook:${WEBHOOK_TOKEN}@`) },
      { via: 'http', url: CLASSIFY, basicUser: 'webhook' },
    ],
    [
      'a legacy ?token= URL',
      { via: 'http', url: `${CLASSIFY}?token=${WEBHOOK_TOKEN}` },
      { via: 'http', url: CLASSIFY, queryToken: true },
    ],
    [
      'a Zaqar subscriber with Basic credentials',
      { via: 'zaqar', queue: 'q', subscriber: CLASSIFY.replace('http://', `http://webhook:${WEBHOOK_TOKEN}@`) },
      { via: 'zaqar', queue: 'q', subscriber: CLASSIFY, basicUser: 'webhook' },
    ],
    ['the Keystone form', { via: 'http', url: `trust+${CLASSIFY}` }, { via: 'http', url: `trust+${CLASSIFY}` }],
  ])('keeps %s without its credential', async (_name, target, stored) => {
    const { store, stack, armed } = await armedWith(target);
    expect((await armed.stack(stack.id))?.target).toEqual(stored);
    expect(await everything(store)).not.toContain(WEBHOOK_TOKEN);
  });

  it("is re-armed with the credential put back from the runtime's configuration", async () => {
    const url = CLASSIFY.replace('http://', `http://webhook:${WEBHOOK_TOKEN}@`);
    const { cloud, stack, armed } = await armedWith({ via: 'http', url });
    cloud.heat.addGroup(stack, 'more', ['7f1c7a3e-0000-4000-8000-00000000000b']);
    await armed.requestRearm(stack, 0);
    expect(
      await performDueRearms({ cloud: () => cloud, armed, now: () => 0, log: silentLogger, config: SECRETS }),
    ).toBe(1);
    const actions = [...cloud.aodh.alarms.values()].map((a) => a.alarm_actions[0]);
    expect(actions).toHaveLength(6);
    expect(new Set(actions)).toEqual(new Set([url.replace('http://', 'http:')])); // as Aodh stores it (fakes/alarming.ts)
  });

  it('is not re-armed, and is retried later, while the configuration lacks the credential it names', async () => {
    const { store, cloud, stack, armed } = await armedWith({
      via: 'http',
      url: CLASSIFY.replace('http://', 'http://aodh:some-password-0123@'),
    });
    await armed.requestRearm(stack, 0);
    const logged: unknown[] = [];
    const log = { ...silentLogger, warn: (_m: string, f?: unknown) => void logged.push(f) };
    expect(await performDueRearms({ cloud: () => cloud, armed, now: () => 0, log, config: SECRETS })).toBe(1);
    expect(logged).toEqual([
      expect.objectContaining({ error: expect.objectContaining({ name: 'ArmCredentialMissingError' }) }),
    ]);
    expect(await store.pending('arm')).toEqual([{ id: stack.id, dueAt: 60_000 }]);
  });
});
