/**
 * The functions' edges, with no cloud at all: malformed or unknown input gets a clear 400
 * listing the issues and never reaches OpenStack; the platform adapters agree.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { silentLogger } from '../../../core/domain/log';
import { MemoryStore } from '../../../core/state/memory-store';
import { depsFactory } from '../../../functions/_shared/deps';
import { step as classify } from '../../../functions/classify-alarm';
import { step as notify } from '../../../functions/notify';
import { startLocalWhisk } from '../../../local/whisk';
import { QueuedTransport } from '../../../core/runtime/dispatch';
import { gzipSync } from 'node:zlib';
import { lambdaHandler, openwhiskMain } from '../../../core/runtime/adapters';

/** classify-alarm's Lambda handler with its configuration (STACKMEND_CONFIG) holding a webhook token. */
const lambdaWithToken = (event: never, context: never) =>
  lambdaHandler(
    'classify-alarm',
    (r) => classify.handle(r),
    () => ({ webhook_token: 'unit-webhook-token', state_url: 'memory:', allow_local_state: true }),
    classify.gate!({ log: silentLogger }),
  )(event, context);

const aodh = JSON.parse(fs.readFileSync(path.join(__dirname, '../../events/aodh/event-webhook-2.json'), 'utf8'));

function noCloud() {
  const calls = { cloud: 0 };
  const store = new MemoryStore();
  const factory = depsFactory({
    store,
    log: silentLogger,
    transport: new QueuedTransport(store),
    cloud: () => {
      calls.cloud++;
      throw new Error('no cloud in unit tests');
    },
  });
  return { factory, calls, store };
}
const TOKEN = 'unit-webhook-token';
/** A raw-http web action's parameters, as OpenWhisk passes them (JSON bodies base64-encoded). */
const raw = (body: string | Buffer, headers: Record<string, string> = {}) => ({
  __ow_method: 'post',
  __ow_headers: { 'content-type': 'application/json', ...headers },
  __ow_body: Buffer.from(body).toString('base64'),
  __ow_query: '',
});
/** the bundle's own entry points, run here in one process: local state allowed (functions/_shared/deps.ts) */
const withToken = { webhook_token: TOKEN, state_url: 'memory:', allow_local_state: true };
const bearer = { authorization: `Bearer ${TOKEN}` };

const req = (
  body: unknown,
  extra: Partial<{ query: Record<string, string>; config: Record<string, unknown> }> = {},
) => ({ method: 'POST', headers: {}, query: {}, body, config: {}, ...extra });

describe('classify-alarm at its edge', () => {
  it('answers 400 with the zod issues for a broken Aodh alarm, and never touches the cloud', async () => {
    const { factory, calls } = noCloud();
    const { reason_data: _gone, ...broken } = aodh;
    const res = await classify.handle(req(broken), factory);
    expect(res.statusCode).toBe(400);
    expect(res.body).toMatchObject({
      error: 'InvalidPayloadError',
      issues: expect.arrayContaining([expect.objectContaining({ path: expect.stringContaining('reason_data') })]),
    });
    expect(calls.cloud).toBe(0);
  });

  it.each([[42], ['text'], [[]], [{ hello: 'world' }]])('rejects an unknown payload %j with 400', async (payload) => {
    const { factory, calls } = noCloud();
    const res = await classify.handle(req(payload), factory);
    expect(res.statusCode).toBe(400);
    expect(calls.cloud).toBe(0);
  });

  it('refuses a wrong webhook token with 401 before reading the payload', async () => {
    const { factory, calls } = noCloud();
    const main = openwhiskMain(
      'classify-alarm',
      (r) => classify.handle(r, factory),
      classify.gate!({ log: silentLogger }),
    );
    const res = await main({
      ...raw('not json at all', { authorization: 'Bearer nope' }),
      webhook_token: 's3cret-webhook-token',
    });
    expect(res).toMatchObject({ error: { statusCode: 401, body: { error: 'AuthenticationRequiredError' } } });
    expect(JSON.stringify(res)).not.toContain('s3cret-webhook-token');
    expect(calls.cloud).toBe(0);
  });

  it('says which stackmend parameter is invalid', async () => {
    const { factory } = noCloud();
    const res = await classify.handle(req(aodh, { config: { dispatch: { transport: 'carrier-pigeon' } } }), factory);
    expect(res.statusCode).toBe(500);
    expect((res.body as { message: string }).message).toMatch(/dispatch\.transport/);
  });
});

describe('the platform adapters', () => {
  it('OpenWhisk raw web action, merged web action and Lambda API Gateway give the same 400 (a failed activation on OpenWhisk)', async () => {
    const bad = { hello: 'world' };
    const text = await classify.main({
      ...withToken,
      __ow_method: 'post',
      __ow_headers: { 'Content-Type': 'application/json', ...bearer },
      __ow_body: JSON.stringify(bad),
      __ow_query: '',
    });
    const b64 = await classify.main({ ...withToken, ...raw(JSON.stringify(bad), bearer) });
    const merged = await classify.main({ ...withToken, ...bad, __ow_method: 'post', __ow_headers: bearer });
    const lambda = (await lambdaWithToken(
      {
        requestContext: { http: { method: 'POST' } },
        headers: { 'content-type': 'application/json', ...bearer },
        body: JSON.stringify(bad),
        isBase64Encoded: false,
      } as never,
      {} as never,
    )) as { statusCode: number; body: string };
    for (const r of [text, b64, merged])
      expect(r).toMatchObject({ error: { statusCode: 400, body: { error: 'InvalidPayloadError' } } });
    expect(lambda.statusCode).toBe(400);
    expect(JSON.parse(lambda.body)).toEqual((text.error as { body: unknown }).body);
  });

  it('notify refuses an unknown incident with 404 and a hint', async () => {
    const { factory } = noCloud();
    const res = await notify.handle(req({ incident: 'nope' }), factory);
    expect(res.statusCode).toBe(404);
    expect((res.body as { message: string }).message).toMatch(/not in the state store/);
  });

  it('records a failed step as a failed activation, and the web action answers with its status', async () => {
    const { factory } = noCloud();
    const whisk = await startLocalWhisk({ port: 0 });
    try {
      whisk.registerAction('stackmend/notify', {
        main: openwhiskMain('notify', (r) => notify.handle(r, factory)),
        annotations: { 'web-export': true, 'raw-http': true },
      });
      const web = await fetch(whisk.webActionUrl('stackmend/notify'), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ incident: 'nope' }),
      });
      const invoked = await whisk.invoke('stackmend/notify', { incident: 'nope' });

      expect(web.status).toBe(404);
      expect(await web.json()).toMatchObject({ step: 'notify', error: 'IncidentNotFoundError' });
      expect(invoked.response).toMatchObject({ success: false, status: 'application error' });
      expect(whisk.activations().every((a) => !a.response.success)).toBe(true);
    } finally {
      await whisk.close();
    }
  });

  it('unwraps a Zaqar push around a step input (recorded envelope shape)', async () => {
    const { factory } = noCloud();
    const res = await notify.handle(
      req({ ttl: 3600, body: { incident: 'nope' }, Message_Type: 'Notification', queue_name: 'stackmend-notify' }),
      factory,
    );
    expect(res.statusCode).toBe(404);
  });

  it('answers 400 for a step input that is not {incident}', async () => {
    const { factory } = noCloud();
    const res = await notify.handle(req({ incidnet: 'typo' }), factory);
    expect(res).toMatchObject({ statusCode: 400, body: { issues: [expect.objectContaining({ path: 'incident' })] } });
  });
});

describe('bodies that are not JSON', () => {
  it('answer 400 through the OpenWhisk web action and the Lambda handler alike', async () => {
    const ow = await classify.main({ ...withToken, ...raw('not json at all', bearer) });
    const lambda = (await lambdaWithToken(
      {
        httpMethod: 'POST',
        headers: { 'content-type': 'application/json', ...bearer },
        body: 'not json at all',
      } as never,
      {} as never,
    )) as { statusCode: number; body: string };
    expect(ow).toMatchObject({ error: { statusCode: 400, body: { error: 'InvalidPayloadError' } } });
    expect(lambda.statusCode).toBe(400);
  });
});

describe('what classify-alarm accepts as a body (checked before it is parsed)', () => {
  const alarm = JSON.stringify(aodh);
  it.each([
    ['text/plain', 415],
    ['application/x-www-form-urlencoded', 415],
    ['multipart/form-data; boundary=x', 415],
    ['application/json; charset=utf-8', 400],
  ])('answers Content-Type %s with %i', async (type, status) => {
    const res = await classify.main({ ...withToken, ...raw('{"hello":"world"}', { ...bearer, 'content-type': type }) });
    expect(res).toMatchObject({ error: { statusCode: status } });
  });

  it('answers 400 for a Content-Encoding the body does not match, 415 for one it does not know', async () => {
    const lie = await classify.main({ ...withToken, ...raw(alarm, { ...bearer, 'content-encoding': 'gzip' }) });
    const br = await classify.main({ ...withToken, ...raw(alarm, { ...bearer, 'content-encoding': 'br' }) });
    expect(lie).toMatchObject({ error: { statusCode: 400, body: { error: 'ContentEncodingError' } } });
    expect(br).toMatchObject({ error: { statusCode: 415 } });
  });

  it('reads a gzip body that says so', async () => {
    const zipped = gzipSync(Buffer.from('{"hello":"world"}'));
    const res = await classify.main({ ...withToken, ...raw(zipped, { ...bearer, 'content-encoding': 'gzip' }) });
    expect(res).toMatchObject({ error: { statusCode: 400, body: { error: 'InvalidPayloadError' } } });
  });

  it("lets the platform's own invocations through (rule, trigger, REST invoke with the key): no __ow_method", async () => {
    const reconcile = await classify.main({ ...withToken, reconcile: true });
    expect(reconcile).toMatchObject({ statusCode: 200 });
  });

  it('answers 401 to a caller without credentials whatever the body, and 413 to a body over 1 MB', async () => {
    const anonymous = await classify.main({
      ...withToken,
      ...raw('{"hello":"world"}', { 'content-type': 'text/plain' }),
    });
    const huge = await classify.main({ ...withToken, ...raw(Buffer.alloc(1024 * 1024 + 10, 0x20), bearer) });
    expect(anonymous).toMatchObject({ error: { statusCode: 401 } });
    expect(huge).toMatchObject({ error: { statusCode: 413 } });
  });
});
