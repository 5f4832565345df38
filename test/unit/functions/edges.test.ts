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
import { openwhiskMain } from '../../../core/runtime/adapters';
import { startLocalWhisk } from '../../../local/whisk';
import { QueuedTransport } from '../../../core/runtime/dispatch';

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
    const res = await classify.handle(
      req(aodh, { query: { token: 'nope' }, config: { webhook_token: 's3cret' } }),
      factory,
    );
    expect(res.statusCode).toBe(401);
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
    const raw = await classify.main({
      __ow_method: 'post',
      __ow_headers: { 'Content-Type': 'application/json' },
      __ow_body: JSON.stringify(bad),
      __ow_query: '',
    });
    const b64 = await classify.main({
      __ow_method: 'post',
      __ow_headers: {},
      __ow_body: Buffer.from(JSON.stringify(bad)).toString('base64'),
    });
    const merged = await classify.main({ ...bad, __ow_method: 'post', __ow_headers: {} });
    const lambda = (await classify.handler(
      {
        requestContext: { http: { method: 'POST' } },
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(bad),
        isBase64Encoded: false,
      } as never,
      {} as never,
    )) as { statusCode: number; body: string };
    for (const r of [raw, b64, merged])
      expect(r).toMatchObject({ error: { statusCode: 400, body: { error: 'InvalidPayloadError' } } });
    expect(lambda.statusCode).toBe(400);
    expect(JSON.parse(lambda.body)).toEqual((raw.error as { body: unknown }).body);
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
    const ow = await classify.main({
      __ow_method: 'post',
      __ow_headers: { 'content-type': 'text/plain' },
      __ow_body: 'not json at all',
    });
    const lambda = (await classify.handler(
      { httpMethod: 'POST', headers: {}, body: 'not json at all' } as never,
      {} as never,
    )) as { statusCode: number; body: string };
    expect(ow).toMatchObject({ error: { statusCode: 400, body: { error: 'InvalidPayloadError' } } });
    expect(lambda.statusCode).toBe(400);
  });
});
