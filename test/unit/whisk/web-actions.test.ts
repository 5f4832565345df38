/** Web actions over plain HTTP, with OpenWhisk's parameter, auth and response rules. */
import { startHarness, type Harness } from './support';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(() => h.whisk.close());

const echo = (p: Record<string, unknown>) => ({ statusCode: 200, body: p });

describe('web actions', () => {
  it('hands a raw-http action the unparsed query and body (JSON base64-encoded, as OpenWhisk does)', async () => {
    h.whisk.registerAction('stackmend/classify-alarm', {
      main: echo,
      annotations: { 'web-export': true, 'raw-http': true, final: true },
    });

    const res = await fetch(`${h.whisk.webActionUrl('stackmend/classify-alarm')}/extra?token=t1&x=2`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Custom': 'A' },
      body: JSON.stringify({ alarm_id: 'a1' }),
    });

    expect(res.status).toBe(200);
    const p = await res.json();
    expect(p).toMatchObject({
      __ow_method: 'post',
      __ow_path: '/extra',
      __ow_query: 'token=t1&x=2',
      __ow_headers: { 'x-custom': 'A', 'content-type': 'application/json' },
    });
    expect(JSON.parse(Buffer.from(p.__ow_body, 'base64').toString())).toEqual({ alarm_id: 'a1' });
  });

  it('passes a text body of a raw-http action as it is', async () => {
    h.whisk.registerAction('demo/raw', { main: echo, annotations: { 'web-export': true, 'raw-http': true } });

    const res = await fetch(h.whisk.webActionUrl('demo/raw'), {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain' },
      body: 'hello',
    });

    expect((await res.json()).__ow_body).toBe('hello');
  });

  it('merges the query and a JSON body into the parameters of a non-raw action (body wins)', async () => {
    h.whisk.registerAction('demo/merged', {
      main: echo,
      annotations: { 'web-export': true },
      parameters: { region: 'RegionOne' },
    });

    const res = await fetch(`${h.whisk.webActionUrl('demo/merged')}?a=query&b=query`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ b: 'body', n: 1 }),
    });

    expect(await res.json()).toMatchObject({
      region: 'RegionOne',
      a: 'query',
      b: 'body',
      n: 1,
      __ow_method: 'put',
      __ow_path: '',
    });
  });

  it('refuses a request that tries to override a final parameter', async () => {
    h.whisk.registerAction('demo/final', {
      main: echo,
      annotations: { 'web-export': true, final: true },
      parameters: { dry_run: false },
    });

    const res = await fetch(`${h.whisk.webActionUrl('demo/final')}?dry_run=true`);

    expect(res.status).toBe(400);
    expect((await res.json()).error).toMatch(/parameters that are not allowed/);
  });

  it('requires the namespace auth for require-whisk-auth: true', async () => {
    h.whisk.registerAction('stackmend/notify', {
      main: echo,
      annotations: { 'web-export': true, 'require-whisk-auth': true },
    });
    const url = h.whisk.webActionUrl('stackmend/notify');

    const refused = await fetch(url, { method: 'POST' });
    const accepted = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(h.whisk.auth).toString('base64')}` },
    });

    expect(refused.status).toBe(401);
    expect(accepted.status).toBe(200);
    expect((await accepted.json()).__ow_user).toBe('guest');
  });

  it('requires the matching X-Require-Whisk-Auth header for a secret-valued require-whisk-auth', async () => {
    h.whisk.registerAction('demo/secret', {
      main: echo,
      annotations: { 'web-export': true, 'require-whisk-auth': 's3cret' },
    });
    const url = h.whisk.webActionUrl('demo/secret');

    expect((await fetch(url, { headers: { 'X-Require-Whisk-Auth': 'wrong' } })).status).toBe(401);
    expect((await fetch(url, { headers: { 'X-Require-Whisk-Auth': 's3cret' } })).status).toBe(200);
  });

  it('answers 404 for an action that is not web-exported', async () => {
    h.whisk.registerAction('demo/private', { main: echo });

    expect((await fetch(h.whisk.webActionUrl('demo/private'))).status).toBe(404);
  });

  it.each([
    [
      '{statusCode, headers, body} as the response',
      { statusCode: 409, headers: { 'X-Step': 'busy' }, body: { reason: 'stack busy' } },
      '',
      409,
      { reason: 'stack busy' },
    ],
    ['.json: the whole result', { ok: true }, '.json', 200, { ok: true }],
    ['.http: a result without HTTP fields as an empty 204', { ok: true }, '', 204, null],
  ])('turns %s', async (_what, result, extension, status, body) => {
    h.whisk.registerAction('demo/out', { main: () => result, annotations: { 'web-export': true } });

    const res = await fetch(`${h.whisk.webActionUrl('demo/out')}${extension}`);

    expect(res.status).toBe(status);
    expect(body === null ? await res.text() : await res.json()).toEqual(body ?? '');
  });

  it('answers an application error with its error field, and a crash with 400', async () => {
    h.whisk.registerAction('demo/conflict', {
      main: () => ({ error: { statusCode: 503, body: { retry: true } } }),
      annotations: { 'web-export': true },
    });
    h.whisk.registerAction('demo/crash', {
      main: () => {
        throw new Error('boom');
      },
      annotations: { 'web-export': true },
    });

    const conflict = await fetch(h.whisk.webActionUrl('demo/conflict'));
    const crash = await fetch(h.whisk.webActionUrl('demo/crash'));

    expect(conflict.status).toBe(503);
    expect(await conflict.json()).toEqual({ retry: true });
    expect(crash.status).toBe(400);
    expect(crash.headers.get('x-openwhisk-activation-id')).toMatch(/^[0-9a-f]{32}$/);
  });
});
