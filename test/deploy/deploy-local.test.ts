/**
 * `osls deploy|invoke|remove` against the local runtime, with the bundles `npm run build` makes:
 * what an operator does against a real OpenWhisk. Asserts the deployed structure, not what the
 * functions answer.
 */
import openwhisk from 'openwhisk';
import { HANDED_ON, isStepName, RECONCILING, STEPS, WEB_ACTIONS } from '../../core/domain/pipeline';
import { startLocalWhisk, pathOf, type LocalWhisk } from '../../local/whisk';
import { declaredFunctions, readZip, scratchService, stageParameters, type ScratchService } from './support';

let whisk: LocalWhisk;
let service: ScratchService;
let ow: ReturnType<typeof openwhisk>;
let env: Record<string, string>;
const functions = Object.keys(declaredFunctions('serverless.yml')).sort();
/** The steps another step hands on to: a trigger and a rule each (core/domain/pipeline.ts). */
const chained = [...HANDED_ON].sort();
/** The steps the periodic reconcile visits. */
const reconciled = [...RECONCILING].sort(); // every step the registry says reconciles (core/domain/pipeline.ts)
/** The alarms feed's READ lifecycle event (the client's typings only list CREATE/DELETE/UPDATE). */
const readFeed = (options: { name: string; trigger: string }) => ow.feeds.feed('READ' as never, options);

beforeAll(async () => {
  [whisk, service] = await Promise.all([startLocalWhisk({ port: 0, containerConcurrency: 4 }), scratchService()]);
  ow = openwhisk({ apihost: whisk.url, api_key: whisk.auth, namespace: whisk.namespace });
  env = { OW_APIHOST: whisk.url, OW_AUTH: whisk.auth, OW_NAMESPACE: whisk.namespace };
  const deployed = await service.osls(['deploy'], env);
  if (deployed.code !== 0) throw new Error(`osls deploy failed:\n${deployed.stdout}\n${deployed.stderr}`);
});
afterAll(async () => {
  await whisk?.close();
  service?.remove();
});

describe('osls deploy to the local runtime', () => {
  it('creates the stackmend package with the stage parameters', async () => {
    const pkg = await ow.packages.get({ name: 'stackmend' });

    expect(pkg.parameters?.map((p) => p.key).sort()).toEqual(Object.keys(stageParameters('local')).sort());
    // no key in any parameter: the steps fire triggers with the key OpenWhisk hands them (provide-api-key)
    expect(pkg.parameters?.find((p) => p.key === 'dispatch')?.value).toEqual({ transport: 'openwhisk' });
    expect(JSON.stringify(pkg.parameters)).not.toContain(whisk.auth);
  });

  it('creates one action per function, each a zip of package.json and its own bundle', async () => {
    const actions = await ow.actions.list();
    expect(actions.map((a) => `${a.namespace}/${a.name}`).sort()).toEqual(
      functions.map((fn) => `guest/stackmend/${fn}`),
    );

    for (const fn of functions) {
      const action = await ow.actions.get({ name: `stackmend/${fn}` });
      const exec = action.exec as { kind: string; code: string; main: string };
      expect(exec).toMatchObject({ kind: 'nodejs:20', main: 'main' });
      const entries = readZip(Buffer.from(exec.code, 'base64'));
      expect(entries.map((e) => e.name).sort()).toEqual([`dist/${fn}/index.js`, 'package.json']);
      expect(JSON.parse(entries.find((e) => e.name === 'package.json')!.data.toString())).toEqual({
        main: `dist/${fn}/index.js`,
      });
    }
  });

  it('exports every action to the web: classify-alarm by its webhook token, the others behind whisk auth', async () => {
    const annotations = async (fn: string) =>
      Object.fromEntries(
        ((await ow.actions.get({ name: `stackmend/${fn}` })).annotations ?? []).map((a) => [a.key, a.value]),
      );

    expect(await annotations('classify-alarm')).toMatchObject({ 'web-export': true, 'raw-http': true, final: true });
    expect(await annotations('classify-alarm')).not.toHaveProperty('require-whisk-auth');
    for (const fn of functions.filter(isStepName))
      expect((await annotations(fn))['provide-api-key']).toBe(STEPS[fn].handsOnTo.some((n) => n !== fn));
    // the web actions (the console) answer browsers with their own login, not whisk auth
    for (const fn of Object.keys(WEB_ACTIONS)) {
      expect(await annotations(fn)).toMatchObject({ 'web-export': true, 'raw-http': true });
      expect(await annotations(fn)).not.toHaveProperty('require-whisk-auth');
    }
    for (const fn of chained)
      expect(await annotations(fn)).toMatchObject({ 'web-export': true, 'require-whisk-auth': true });
    const anonymous = await fetch(whisk.webActionUrl('stackmend/notify'), { method: 'POST', body: '{}' });
    expect(anonymous.status).toBe(401);
  });

  it('chains the steps with a trigger and an active rule each, and reconciles on an alarm', async () => {
    const triggers = (await ow.triggers.list()).map((t) => t.name).sort();
    const rules = [];
    for (const { name } of await ow.rules.list()) rules.push(await ow.rules.get(String(name)));
    const active = rules
      .filter((r) => r.status === 'active')
      .map((r) => `${r.trigger.name} → ${r.action.path}/${r.action.name}`)
      .sort();

    expect(triggers).toEqual([...chained.map((fn) => `stackmend-${fn}`), 'stackmend-reconcile'].sort());
    expect(active).toEqual(
      [
        ...chained.map((fn) => `stackmend-${fn} → guest/stackmend/${fn}`),
        ...reconciled.map((fn) => `stackmend-reconcile → guest/stackmend/${fn}`),
      ].sort(),
    );
    const reconcile = await ow.triggers.get({ name: 'stackmend-reconcile' });
    expect(reconcile.parameters).toEqual([{ key: 'reconcile', value: true }]);
    const feed = await readFeed({ name: '/whisk.system/alarms/interval', trigger: 'stackmend-reconcile' });
    expect(feed.response?.result).toMatchObject({ config: { minutes: 1 }, status: { active: true } });
  });

  it('updates everything in place on a second deploy', async () => {
    const again = await service.osls(['deploy'], env);
    expect(again).toMatchObject({ code: 0 });

    const versions = await Promise.all(
      functions.map(async (fn) => (await ow.actions.get({ name: `stackmend/${fn}` })).version),
    );
    expect(new Set(versions)).toEqual(new Set(['0.0.2']));
    expect((await ow.rules.list()).length).toBe(chained.length + reconciled.length);
    const feed = await readFeed({ name: '/whisk.system/alarms/interval', trigger: 'stackmend-reconcile' });
    expect(feed.response?.result).toMatchObject({ status: { active: true } });
  });

  it('answers `osls invoke` of a step given a wrong input as a failed activation with its status', async () => {
    const invoked = await service.osls(['invoke', '-f', 'notify', '-d', JSON.stringify({ probe: true })], env);

    expect(invoked.code).not.toBe(0);
    expect(invoked.stdout + invoked.stderr).toMatch(/application error, status code: 400/);
    const notify = whisk.activations().filter((a) => pathOf(a) === 'guest/stackmend/notify');
    expect(notify.at(-1)?.response).toMatchObject({
      success: false,
      result: { error: { statusCode: 400, body: { step: 'notify', error: 'InvalidPayloadError' } } },
    });
  });

  it('refuses to run a deployed step given a file: state store, saying why', async () => {
    const invoked = await service.osls(
      ['invoke', '-f', 'notify', '-d', JSON.stringify({ incident: 'x', state_url: 'file:.stackmend/state' })],
      env,
    );

    expect(invoked.code).not.toBe(0);
    const notify = whisk.activations().filter((a) => pathOf(a) === 'guest/stackmend/notify');
    const { error } = notify.at(-1)!.response.result as {
      error: { statusCode: number; body: { error: string; message: string } };
    };
    expect(error).toMatchObject({ statusCode: 500, body: { error: 'ConfigError' } });
    expect(error.body.message).toMatch(
      /is a directory of this action's container, but a deployed action runs in many containers/,
    );
  });

  it('answers `osls info` and `osls logs`', async () => {
    const [info, logs] = await Promise.all([service.osls(['info'], env), service.osls(['logs', '-f', 'notify'], env)]);

    expect(info).toMatchObject({ code: 0 });
    expect(info.stdout).toContain(`${whisk.url}/api/v1/web/guest/stackmend/classify-alarm`);
    expect(logs).toMatchObject({ code: 0 });
  });

  it('runs notify through its rule when stackmend-notify fires', async () => {
    const { activationId } = await ow.triggers.invoke({ name: 'stackmend-notify', params: { probe: 'fired' } });
    await whisk.settled();

    const ran = whisk.activations().filter((a) => a.cause === activationId);
    expect(ran.map(pathOf)).toEqual(['guest/stackmend/notify']);
  });
});

describe('osls remove from the local runtime', () => {
  it('deletes the package, actions, triggers, rules and the reconcile alarm', async () => {
    const removed = await service.osls(['remove'], env);
    expect(removed).toMatchObject({ code: 0 });

    expect(await ow.actions.list()).toEqual([]);
    expect(await ow.packages.list()).toEqual([]);
    expect(await ow.triggers.list()).toEqual([]);
    expect(await ow.rules.list()).toEqual([]);
    const feed = await readFeed({ name: '/whisk.system/alarms/interval', trigger: 'stackmend-reconcile' }).catch(
      (e: Error) => e,
    );
    expect(feed).toBeInstanceOf(Error);
  });
});
