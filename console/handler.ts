/**
 * The operator console: the page at /ui (its script and style sheet beside it) and the JSON API at
 * /ui/api (./api/routes.ts). One platform-neutral handler; `stackmend serve` mounts it on the local
 * runtime (cli/local-runtime.ts), a deployment can run it as a raw-HTTP web action (README, "Operator
 * console").
 */
import type { RuntimeConfig } from '../core/runtime/config';
import { cloudConfigOf, type DepsFactory } from '../functions/_shared/deps';
import { routeApi } from './api/routes';
import { errorReply, type ConsoleReply, type ConsoleRequest } from './api/http';
import type { ConsolePorts } from './api/ports';
import { type Assets, uiAssets } from './assets';
import { keystoneLogin, Sessions, type KeystoneLogin } from './auth';
import type { ConsoleConfig } from './config';

export const PREFIX = '/ui';

/** Same-origin only; no inline script; not framed. */
const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

const asset = (type: string, body: string): ConsoleReply => ({
  status: 200,
  headers: { 'content-type': `${type}; charset=utf-8`, 'cache-control': 'no-cache', ...SECURITY_HEADERS },
  body,
});

export function consoleHandler(ports: ConsolePorts, assets: () => Promise<Assets> = uiAssets) {
  return async (req: ConsoleRequest): Promise<ConsoleReply> => {
    const rest = req.url.pathname.slice(PREFIX.length);
    if (rest.startsWith('/api/')) return routeApi(req, rest.slice(4), ports);
    if (req.method !== 'GET') return { status: 405, headers: { allow: 'GET' } };
    try {
      if (rest === '' || rest === '/') return asset('text/html', (await assets()).html);
      if (rest === '/app.js') return asset('text/javascript', (await assets()).js);
      if (rest === '/app.css') return asset('text/css', (await assets()).css);
    } catch (e) {
      ports.deps.log.error('console page could not be built', { error: e });
      return errorReply(e);
    }
    return { status: 404, headers: { 'content-type': 'text/plain' }, body: `no console page ${req.url.pathname}` };
  };
}

/**
 * The console's ports from the runtime's: its state store, incidents, cloud and dispatcher (not in dry
 * run), Keystone of the runtime's cloud for logins (looked up at the first login).
 */
export function consolePorts(o: {
  factory: DepsFactory;
  runtime: RuntimeConfig;
  config: ConsoleConfig;
  keystone?: KeystoneLogin;
}): ConsolePorts {
  const deps = o.factory(o.runtime, { dryRun: false });
  let login: KeystoneLogin | undefined = o.keystone;
  const keystone: KeystoneLogin = (c) => (login ??= keystoneLogin(cloudConfigOf(o.runtime)))(c);
  return {
    deps,
    config: o.config,
    sessions: new Sessions({ store: deps.store, config: o.config, keystone, now: deps.now }),
  };
}
