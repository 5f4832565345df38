/**
 * The same bundle answers the same input alike on both platforms: OpenWhisk `main(params)` (web
 * action or rule/trigger parameters) and Lambda `handler(event)` (API Gateway HTTP API, EventBridge,
 * a schedule's constant input). The events follow AWS's documented shapes (typed by
 * @types/aws-lambda); the inputs are ones that need no cloud: a malformed payload and a reconcile
 * tick with nothing due, on an in-memory state store.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import type { APIGatewayProxyEventV2, EventBridgeEvent } from 'aws-lambda';
import { scratchService, type ScratchService } from './support';

let service: ScratchService;
beforeAll(async () => {
  service = await scratchService();
});
afterAll(() => service?.remove());

const TOKEN = 'parity-webhook-token';
/** a bundle run by hand in one process: the in-memory store is allowed explicitly (functions/_shared/deps.ts) */
const config = { state_url: 'memory:', allow_local_state: true, dry_run: true, webhook_token: TOKEN };
const MARK = '@@parity@@';

/** Loads the bundle in a fresh node (Lambda reads STACKMEND_CONFIG at cold start) and calls both entries. */
function both(fn: string, params: Record<string, unknown>, event: unknown): { openwhisk: Answer; lambda: Answer } {
  const probe = `const b = require(process.argv[1]); const [params, event] = JSON.parse(process.argv[2]);
    Promise.all([b.main(params), b.handler(event, {})]).then(([openwhisk, lambda]) => { process.stdout.write('${MARK}' + JSON.stringify({ openwhisk, lambda }) + '\\n'); process.exit(0); });`;
  const run = spawnSync(
    process.execPath,
    ['-e', probe, path.join(service.dir, 'dist', fn, 'index.js'), JSON.stringify([{ ...config, ...params }, event])],
    {
      env: { ...process.env, STACKMEND_CONFIG: JSON.stringify(config) },
      encoding: 'utf8',
      timeout: 60_000,
    },
  );
  const line = run.stdout.split('\n').find((l) => l.startsWith(MARK));
  if (!line) throw new Error(`dist/${fn}/index.js gave no answer: ${run.stderr}`);
  const answers = JSON.parse(line.slice(MARK.length)) as { openwhisk: Answer | { error: Answer }; lambda: Answer };
  // OpenWhisk: an error answer is the `error` field (a failed activation), with the same status and body
  const { openwhisk } = answers;
  return { openwhisk: 'error' in openwhisk ? openwhisk.error : openwhisk, lambda: answers.lambda };
}

type Answer = { statusCode: number; body: unknown };
const bodyOf = (answer: Answer) => (typeof answer.body === 'string' ? JSON.parse(answer.body) : answer.body);

function apiGatewayPost(body: string): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: 'POST /classify-alarm',
    rawPath: '/classify-alarm',
    rawQueryString: '',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
    requestContext: {
      accountId: '123456789012',
      apiId: 'api',
      domainName: 'api.example.org',
      domainPrefix: 'api',
      requestId: 'r1',
      routeKey: 'POST /classify-alarm',
      stage: '$default',
      time: '01/Jan/2030:00:00:00 +0000',
      timeEpoch: 1893456000000,
      http: { method: 'POST', path: '/classify-alarm', protocol: 'HTTP/1.1', sourceIp: '192.0.2.1', userAgent: 'aodh' },
    },
    body,
    isBase64Encoded: false,
  };
}

function eventBridge(step: string, detail: unknown): EventBridgeEvent<string, unknown> {
  return {
    version: '0',
    id: 'e1',
    'detail-type': step,
    source: 'stackmend',
    account: '123456789012',
    time: '2030-01-01T00:00:00Z',
    region: 'eu-west-1',
    resources: [],
    detail,
  };
}

describe('OpenWhisk and Lambda entries of one bundle', () => {
  it('answer a malformed alarm alike: web action (raw-http) and API Gateway', () => {
    const body = JSON.stringify({ not: 'an alarm' });
    const webParams = {
      __ow_method: 'post',
      __ow_headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      __ow_path: '',
      __ow_query: '',
      __ow_body: Buffer.from(body).toString('base64'),
    };

    const { openwhisk, lambda } = both('classify-alarm', webParams, apiGatewayPost(body));

    expect(lambda.statusCode).toBe(openwhisk.statusCode);
    expect(bodyOf(lambda)).toEqual(bodyOf(openwhisk));
    expect(openwhisk.statusCode).toBe(400);
  });

  it.each(['mark-unhealthy', 'stack-update', 'evacuate', 'notify'])(
    '%s answers a malformed step input alike: rule parameters and EventBridge',
    (fn) => {
      const { openwhisk, lambda } = both(fn, { not: 'a step input' }, eventBridge(fn, { not: 'a step input' }));

      expect(lambda.statusCode).toBe(openwhisk.statusCode);
      expect(bodyOf(lambda)).toEqual(bodyOf(openwhisk));
    },
  );

  it.each(['mark-unhealthy', 'stack-update', 'evacuate', 'notify'])(
    '%s answers a reconcile tick alike: alarm trigger and schedule',
    (fn) => {
      const { openwhisk, lambda } = both(fn, { reconcile: true }, { reconcile: true });

      expect(lambda.statusCode).toBe(openwhisk.statusCode);
      expect(bodyOf(lambda)).toEqual(bodyOf(openwhisk));
    },
  );
});
