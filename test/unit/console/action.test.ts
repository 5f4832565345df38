/**
 * The console as an OpenWhisk raw-http web action (console/action.ts): the `__ow_*` parameters as OpenWhisk's
 * controller sends them (a JSON body base64-encoded in `__ow_body`, lower-cased headers, the path after the
 * action's name), the console's answer as the web action's HTTP answer, and the deployed steps' refusal of a
 * state store that is private to one container.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../../console/action';

const TOKEN = 'an-operator-token-0123';
const state = () => `file:${fs.mkdtempSync(path.join(os.tmpdir(), 'stackmend-console-action-'))}`;

function web(base: Record<string, unknown>, method: string, p: string, o: { body?: unknown; cookie?: string } = {}) {
  return main({
    ...base,
    __ow_method: method,
    __ow_path: p,
    __ow_query: '',
    __ow_headers: { 'content-type': 'application/json', ...(o.cookie ? { cookie: o.cookie } : {}) },
    __ow_body: o.body === undefined ? '' : Buffer.from(JSON.stringify(o.body)).toString('base64'),
  }).then((r) => (r.error ?? r) as { statusCode: number; headers: Record<string, string>; body: any });
}

describe('the console web action', () => {
  const base = { state_url: state(), allow_local_state: true, console: { operator_token: TOKEN } };

  it('serves the page under /ui, same-origin only', async () => {
    const page = await web(base, 'get', '/ui/');
    expect(page).toMatchObject({ statusCode: 200, headers: { 'content-type': 'text/html; charset=utf-8' } });
    expect(page.body).toContain('<script src="/ui/app.js"></script>');
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
  });

  it('signs an operator in with the configured credential and keeps the session in the state store', async () => {
    expect((await web(base, 'get', '/ui/api/me')).body).toEqual({ who: null });
    const login = await web(base, 'post', '/ui/api/login', { body: { method: 'token', token: TOKEN, name: 'carol' } });
    expect(login.statusCode).toBe(200);
    const cookie = String(login.headers['set-cookie']).split(';')[0]!;
    const me = (await web(base, 'get', '/ui/api/me', { cookie })).body;
    expect(me).toMatchObject({ who: { name: 'carol' }, operator: true });
  });

  it('refuses a state store private to one container, saying why, as the deployed steps do', async () => {
    const r = await main({ state_url: state(), __ow_method: 'get', __ow_path: '/ui/api/me', __ow_headers: {} });
    expect(r).toMatchObject({
      error: {
        statusCode: 500,
        body: { step: 'console', error: 'ConfigError', message: expect.stringContaining('Redis') },
      },
    });
  });
});
