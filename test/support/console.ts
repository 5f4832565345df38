/**
 * The console (console/handler.ts) on a unit test's world (./steps.ts): its API called as `stackmend serve`
 * would call it, and Keystone as a stand-in for the login port — alice holds `admin`, bob only `reader`.
 */
import { OpenStackApiError } from '../../core/openstack/errors';
import { parseRuntimeConfig } from '../../core/runtime/config';
import type { KeystoneLogin } from '../../console/auth';
import { parseConsoleConfig } from '../../console/config';
import { consoleHandler, consolePorts } from '../../console/handler';
import type { World } from './steps';

export const OPERATOR_TOKEN = 'console-operator-credential-0001';

export const keystone: KeystoneLogin = async ({ username, password }) => {
  const users: Record<string, { password: string; roles: string[] }> = {
    alice: { password: 'alice-pw', roles: ['admin', 'member'] },
    bob: { password: 'bob-pw', roles: ['reader'] },
  };
  const u = users[username];
  if (!u || u.password !== password)
    throw new OpenStackApiError({
      service: 'keystone',
      status: 401,
      method: 'POST',
      url: 'http://keystone/v3/auth/tokens',
    });
  return { name: username, roles: u.roles };
};

/** The reply; `json` is its body parsed, asserted by each test. */
export type Reply = { status: number; json: any; cookie?: string };
export type ConsoleCall = (method: string, path: string, body?: unknown, cookie?: string) => Promise<Reply>;

/** The console's handler on `w`'s ports, with an operator credential; the page is a stub. */
export function consoleOf(w: World): ConsoleCall {
  const handle = consoleHandler(
    consolePorts({
      factory: w.factory,
      runtime: parseRuntimeConfig(w.config),
      config: parseConsoleConfig({ operator_token: OPERATOR_TOKEN }),
      keystone,
    }),
    async () => ({ html: '<main id="app"></main>', js: '', css: '' }),
  );
  return async (method, path, body, cookie) => {
    const res = await handle({
      method,
      url: new URL(`http://console${path}`),
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(cookie ? { cookie } : {}) },
      body: Buffer.from(body === undefined ? '' : JSON.stringify(body)),
    });
    const setCookie = res.headers?.['set-cookie'];
    return {
      status: res.status,
      json: res.body && /json/.test(String(res.headers?.['content-type'])) ? JSON.parse(String(res.body)) : undefined,
      cookie: typeof setCookie === 'string' ? setCookie.split(';')[0] : undefined,
    };
  };
}

/** Signs `username` in with Keystone (password `<username>-pw`); the session's cookie. */
export async function signIn(call: ConsoleCall, username: string): Promise<string> {
  const r = await call('POST', '/ui/api/login', { method: 'keystone', username, password: `${username}-pw` });
  if (r.status !== 200) throw new Error(`${username} could not sign in: ${r.status} ${JSON.stringify(r.json)}`);
  return r.cookie!;
}
