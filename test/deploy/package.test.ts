/**
 * `osls package`, offline and without credentials, for both descriptors: the artifacts CI checks
 * before anything is deployed.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RECONCILING } from '../../core/domain/pipeline';
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

  it('makes one zip per function holding only that function’s bundle', async () => {
    const result = await service.osls(['package']);
    expect(result).toMatchObject({ code: 0 });

    for (const fn of built()) {
      const zip = readZip(fs.readFileSync(path.join(service.dir, '.serverless', `${fn}.zip`)));
      expect(zip.map((e) => e.name)).toEqual([`dist/${fn}/index.js`]);
      expect(zip[0]!.data.length).toBe(service.sizes.functions[fn]!.bytes);
    }
  });
});

describe('packaging for AWS Lambda', () => {
  it('wires the handlers, the HTTP route, the EventBridge chain and the reconcile schedule', async () => {
    const result = await service.osls(['package', '-c', 'serverless.aws.yml']);
    expect(result).toMatchObject({ code: 0 });

    const template = JSON.parse(
      fs.readFileSync(path.join(service.dir, '.serverless/cloudformation-template-update-stack.json'), 'utf8'),
    );
    const resources = Object.values(template.Resources) as { Type: string; Properties: Record<string, any> }[];
    const lambdas = resources.filter((r) => r.Type === 'AWS::Lambda::Function').map((r) => r.Properties);
    expect(lambdas.map((l) => l.Handler).sort()).toEqual(built().map((fn) => `dist/${fn}/index.handler`));
    expect(new Set(lambdas.map((l) => l.Runtime))).toEqual(new Set(['nodejs20.x']));
    const config = JSON.parse(lambdas[0]!.Environment.Variables.STACKMEND_CONFIG);
    expect(config).toMatchObject({ state_url: expect.any(String), dispatch: expect.any(Object) });

    const routes = resources.filter((r) => r.Type === 'AWS::ApiGatewayV2::Route').map((r) => r.Properties.RouteKey);
    expect(routes).toEqual(['POST /classify-alarm']);
    const rules = resources.filter((r) => r.Type === 'AWS::Events::Rule').map((r) => r.Properties);
    const chained = rules
      .filter((r) => r.EventPattern)
      .map((r) => r.EventPattern['detail-type'][0])
      .sort();
    expect(chained).toEqual(['evacuate', 'mark-unhealthy', 'notify', 'stack-update']);
    const scheduled = rules.filter((r) => r.ScheduleExpression);
    expect(scheduled).toHaveLength(RECONCILING.length); // every step the registry says reconciles
    expect(scheduled.map((r) => JSON.parse(r.Targets[0].Input))).toEqual(RECONCILING.map(() => ({ reconcile: true })));
  });
});
