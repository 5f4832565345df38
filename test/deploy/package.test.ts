/**
 * `osls package`, offline and without credentials, for both descriptors: the artifacts CI checks
 * before anything is deployed.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RECONCILING, WEB_ACTIONS } from '../../core/domain/pipeline';
import { ActionContainer } from '../../local/whisk/container/container';
import { declaredFunctions, readZip, scratchService, type ScratchService } from './support';

let service: ScratchService;
beforeAll(async () => {
  service = await scratchService();
});
afterAll(() => service?.remove());

const built = () => Object.keys(service.sizes.functions).sort();

describe('packaging for OpenWhisk', () => {
  it('declares every built function as an action of the stackmend package', () => {
    const declared = declaredFunctions('serverless.yml');

    expect(Object.keys(declared).sort()).toEqual(built());
    for (const [fn, def] of Object.entries(declared)) {
      expect(def).toMatchObject({ name: `stackmend/${fn}`, handler: `dist/${fn}/index.main` });
    }
  });

  it('keeps every bundle within its size budget (npm run build -- --analyze shows what fills one)', () => {
    const over = Object.entries(service.sizes.functions)
      .filter(([, size]) => size.bytes > size.limitBytes)
      .map(([fn, size]) => `${fn}: ${(size.bytes / 1024).toFixed(1)} KiB > ${(size.limitBytes / 1024).toFixed(1)} KiB`);

    expect(over).toEqual([]);
  });

  it('makes one zip per function: its bundle and the package.json naming it', async () => {
    const result = await service.osls(['package']);
    expect(result).toMatchObject({ code: 0 });

    for (const fn of built()) {
      const zip = readZip(fs.readFileSync(path.join(service.dir, '.serverless', `${fn}.zip`)));
      expect(zip.map((e) => e.name).sort()).toEqual([`dist/${fn}/index.js`, 'package.json']);
      expect(zip.find((e) => e.name === `dist/${fn}/index.js`)!.data.length).toBe(service.sizes.functions[fn]!.bytes);
      expect(JSON.parse(zip.find((e) => e.name === 'package.json')!.data.toString())).toEqual({
        main: `dist/${fn}/index.js`,
      });
    }
  });

  it('runs each zip as `wsk action create … --kind nodejs:20 <zip>` would: /init and /run in an action container', async () => {
    for (const fn of built()) {
      const code = fs.readFileSync(path.join(service.dir, '.serverless', `${fn}.zip`)).toString('base64');
      const container = await ActionContainer.start('http://127.0.0.1:1');
      try {
        const init = await container.post('/init', { value: { name: fn, main: 'main', code, binary: true } }, 30_000);
        const run = await container.post('/run', { value: { state_url: 'file:.stackmend/state' } }, 30_000);

        expect(init).toEqual({ kind: 'answered', code: 200, body: { OK: true } });
        // the bundle answers, and refuses the container-private state before doing anything
        expect(run).toMatchObject({
          kind: 'answered',
          code: 200,
          body: { error: { statusCode: 500, body: { step: fn, error: 'ConfigError' } } },
        });
      } finally {
        await container.destroy();
      }
    }
  });
});

describe("the periodic trigger's feed (deploy/reconcile-feed.cjs)", () => {
  /** deploy/stages/local.yml with another `reconcile`, as stage `name` of the scratch service. */
  const stageWith = (name: string, reconcile: string) => {
    const local = fs.readFileSync(path.join(service.dir, 'deploy/stages/local.yml'), 'utf8');
    const replaced = local.replace(/^reconcile:.*\n(?:[ #].*\n)*/m, `reconcile:\n${reconcile}\n`);
    expect(replaced).not.toBe(local);
    fs.writeFileSync(path.join(service.dir, 'deploy/stages', `${name}.yml`), replaced);
  };
  /** The trigger osls compiled (the plugin's --verbose line `Compiled Trigger (name): {…}`). */
  const compiledTrigger = (output: string, name: string) => {
    const line = output.split('\n').find((l) => l.includes(`Compiled Trigger (${name}): `));
    return line && JSON.parse(line.slice(line.indexOf('{')));
  };

  it('binds /whisk.system/alarms/interval every minute for the stages as committed', async () => {
    const out = fs.mkdtempSync(path.join(service.dir, 'out-'));
    const result = await service.osls(['package', '--verbose', '--package', out]);

    expect(result).toMatchObject({ code: 0 });
    expect(compiledTrigger(result.stdout + result.stderr, 'stackmend-reconcile')).toMatchObject({
      parameters: [{ key: 'reconcile', value: true }],
      feed: { feedName: 'alarms/interval', namespace: 'whisk.system', params: { minutes: 1 } },
    });
  });

  it("binds /whisk.system/alarms/alarm on the stage's six-field cron", async () => {
    stageWith('cron', '  cron: "*/10 * * * * *"');
    const out = fs.mkdtempSync(path.join(service.dir, 'out-'));
    const result = await service.osls(['package', '--stage', 'cron', '--verbose', '--package', out]);

    expect(result).toMatchObject({ code: 0 });
    expect(compiledTrigger(result.stdout + result.stderr, 'stackmend-reconcile')).toMatchObject({
      feed: { feedName: 'alarms/alarm', namespace: 'whisk.system', params: { cron: '*/10 * * * * *' } },
    });
  });

  it('refuses a bad cron before anything is packaged, naming the stage file', async () => {
    stageWith('badcron', '  cron: "*/10 * * * * * *"');
    const out = fs.mkdtempSync(path.join(service.dir, 'out-'));
    const result = await service.osls(['package', '--stage', 'badcron', '--package', out]);

    expect(result.code).not.toBe(0);
    expect(result.stdout + result.stderr).toContain('deploy/stages/badcron.yml: reconcile cron is not valid');
    expect(fs.readdirSync(out)).toEqual([]);
  });
});

describe('packaging for AWS Lambda', () => {
  it('wires the handlers on nodejs22.x, the HTTP route and the reconcile schedules; no event bus', async () => {
    const result = await service.osls(['package', '-c', 'serverless.aws.yml']);
    expect(result).toMatchObject({ code: 0 });

    const template = JSON.parse(
      fs.readFileSync(path.join(service.dir, '.serverless/cloudformation-template-update-stack.json'), 'utf8'),
    );
    const resources = Object.values(template.Resources) as { Type: string; Properties: Record<string, any> }[];
    const lambdas = resources.filter((r) => r.Type === 'AWS::Lambda::Function').map((r) => r.Properties);
    const steps = built().filter((fn) => !(fn in WEB_ACTIONS)); // web actions (the console) are OpenWhisk's only
    expect(lambdas.map((l) => l.Handler).sort()).toEqual(steps.map((fn) => `dist/${fn}/index.handler`));
    expect(new Set(lambdas.map((l) => l.Runtime))).toEqual(new Set(['nodejs22.x']));
    const config = JSON.parse(lambdas[0]!.Environment.Variables.STACKMEND_CONFIG);
    expect(config).toMatchObject({ state_url: expect.any(String), dispatch: { transport: 'queue' } });
    expect(Object.keys(lambdas[0]!.Environment.Variables)).toEqual(['STACKMEND_CONFIG']);

    const routes = resources.filter((r) => r.Type === 'AWS::ApiGatewayV2::Route').map((r) => r.Properties.RouteKey);
    expect(routes).toEqual(['POST /classify-alarm']);
    const rules = resources.filter((r) => r.Type === 'AWS::Events::Rule').map((r) => r.Properties);
    expect(rules.filter((r) => r.EventPattern || r.EventBusName)).toEqual([]);
    expect(resources.filter((r) => r.Type === 'AWS::Events::EventBus')).toEqual([]);
    const scheduled = rules.filter((r) => r.ScheduleExpression);
    expect(scheduled).toHaveLength(RECONCILING.length); // every step the registry says reconciles
    expect(scheduled.map((r) => JSON.parse(r.Targets[0].Input))).toEqual(RECONCILING.map(() => ({ reconcile: true })));
  });
});
