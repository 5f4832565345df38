/**
 * The deployment, proven on the real lab: `osls deploy` the built bundles to the local OpenWhisk
 * runtime, arm a Heat stack so Aodh calls the *deployed* classify-alarm web action, delete a
 * member → healed through the deployed actions, each running in its own containers, chained by
 * trigger fires (with the key OpenWhisk hands them: provide-api-key) and rules, state in Redis —
 * not by in-process calls. Then `osls invoke` and `osls remove`.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { lab } from '../../bench/lab';
import { waitFor } from '../../bench/wait';
import { connectLab } from '../../bench/openstack/cloud';
import { loadCloudConfig } from '../../core/openstack/config';
import { openStore } from '../../core/state';
import type { StateStore } from '../../core/state/store';
import { Incidents } from '../../functions/_shared/incidents';
import { startLocalWhisk, type LocalWhisk } from '../../local/whisk';
import { arm } from '../../triggers/arm';
import { createGroup } from '../e2e/support';
import { noteSecrets } from '../support/run-logs';
import { printedJson, scratchService, type ScratchService } from './support';

/** db 11: keys under the default `stackmend:` prefix (the state contract tests there use their own prefixes) */
const STATE_URL = 'redis://127.0.0.1:6379/11';
const TOKEN = 'deployed-webhook-token-3b81e6';
let whisk: LocalWhisk;
let service: ScratchService;
let store: StateStore;
let env: Record<string, string>;
const cloud = connectLab(loadCloudConfig({ cloud: 'stackmend-lab' }));

beforeAll(async () => {
  lab(['reset'], { quiet: true });
  // the container model: every step in its own containers, up to 4 per action (local/whisk/container/)
  [whisk, service] = await Promise.all([startLocalWhisk({ port: 0, containerConcurrency: 4 }), scratchService()]);
  noteSecrets(TOKEN, whisk.auth); // test/after-all/logs-hold-no-secrets.test.ts
  // the "local" stage, with the reconcile alarm every second (the alarm feed's six-field cron) for a quick test
  const stage = parseYaml(fs.readFileSync(path.join(service.dir, 'deploy/stages/local.yml'), 'utf8'));
  fs.writeFileSync(
    path.join(service.dir, 'deploy/stages/labtest.yml'),
    fs
      .readFileSync(path.join(service.dir, 'deploy/stages/local.yml'), 'utf8')
      .replace(/minutes: 1/, 'cron: "* * * * * *"')
      // Aodh's trust+http:// action sends a token of the lab admin, who arms the stack
      .replace(/^parameters:\n/m, 'parameters:\n  auth:\n    keystone:\n      users: [admin]\n'),
  );
  expect(stage.parameters.dispatch.transport).toBe('openwhisk');
  const admin = parseYaml(fs.readFileSync(path.join(os.homedir(), '.config/openstack/clouds.yaml'), 'utf8')).clouds[
    'stackmend-lab'
  ].auth;
  env = {
    OW_APIHOST: whisk.url,
    OW_AUTH: whisk.auth,
    OW_NAMESPACE: whisk.namespace,
    OS_AUTH_URL: admin.auth_url,
    OS_USERNAME: admin.username,
    OS_PASSWORD: admin.password,
    OS_PROJECT_NAME: admin.project_name,
    STACKMEND_STATE_URL: STATE_URL,
    STACKMEND_WEBHOOK_TOKEN: TOKEN,
    STACKMEND_NOTIFY_QUEUE: 'stackmend-deployed-notify',
  };
  store = openStore(STATE_URL);
  for (const e of await store.list('')) await store.delete(e.key);
  const deployed = await service.osls(['deploy', '--stage', 'labtest'], env);
  if (deployed.code !== 0) throw new Error(`osls deploy failed:\n${deployed.stdout}\n${deployed.stderr}`);
});
afterAll(async () => {
  await whisk?.close();
  await store?.close();
  service?.remove();
});

describe('the deployed functions heal the lab', () => {
  let incident: string;

  it('replaces a deleted ResourceGroup member through the deployed actions and their rules', async () => {
    const stack = await createGroup(cloud, 'deployed-e2e');
    // the Keystone form: no secret in the alarm (Aodh logs an http action's URL at INFO)
    await arm(cloud, store, stack, { via: 'http', url: `trust+${whisk.webActionUrl('stackmend/classify-alarm')}` });
    const before = await cloud.heat.listServers(stack);
    await new Promise((r) => setTimeout(r, 4500)); // aodh-listener's event alarm cache
    await cloud.nova.deleteServer(before.find((s) => s.resourceName === '2')!.serverId);
    const incidents = new Incidents(store, Date.now);
    await waitFor(
      'the incident to resolve',
      async () => (await incidents.list()).some((r) => r.status === 'resolved' || r.status === 'failed'),
      150,
      500,
    );
    const [r] = await incidents.list();
    incident = r.key;
    expect(r).toMatchObject({ status: 'resolved', decision: { verdict: 'replace' } });
    const after = await cloud.heat.listServers(stack);
    expect(after.filter((a) => !before.some((b) => b.serverId === a.serverId)).map((s) => s.resourceName)).toEqual([
      '2',
    ]);
    await waitFor(
      'notify to run (fired by the stackmend-notify trigger)',
      async () => whisk.activations().some((a) => a.name === 'notify'),
      30,
      250,
    );
    const ran = new Set(whisk.activations().map((a) => a.name));
    for (const fn of [
      'classify-alarm',
      'mark-unhealthy',
      'stack-update',
      'notify',
      'stackmend-mark-unhealthy',
      'stackmend-stack-update',
      'stackmend-notify',
    ])
      expect(ran).toContain(fn);
    // the operator was told through the stage's Zaqar queue
    let told: unknown[] = [];
    await waitFor(
      'the notice in Zaqar',
      async () =>
        (told = (await cloud.zaqar.claim('stackmend-deployed-notify', { limit: 10 })).map((m) => m.body)).length > 0,
      30,
      500,
    );
    expect(told).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ incident: r.key, status: 'resolved', title: expect.stringMatching(/healed/) }),
      ]),
    );
  });

  it('answers `osls invoke` with the action result', async () => {
    const res = await service.osls(
      ['invoke', '-f', 'notify', '--stage', 'labtest', '-d', JSON.stringify({ incident })],
      env,
    );
    expect(res.code).toBe(0);
    expect(printedJson(res.stdout)).toMatchObject({ statusCode: 200, body: { step: 'notify', incident } });
  });

  it('removes everything with `osls remove`', async () => {
    const res = await service.osls(['remove', '--stage', 'labtest'], env);
    expect(res.code).toBe(0);
    const list = await fetch(`${whisk.url}/api/v1/namespaces/guest/actions`, {
      headers: { Authorization: `Basic ${Buffer.from(whisk.auth).toString('base64')}` },
    });
    expect(await list.json()).toEqual([]);
  });
});
