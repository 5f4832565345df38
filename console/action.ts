/**
 * The console as an OpenWhisk web action (raw-http): `__ow_method`, `__ow_path`, `__ow_headers`, `__ow_query` and
 * the base64 `__ow_body` become the console's request (console/handler.ts), its reply the web action's HTTP answer.
 * The action answers under `/ui` (its `__ow_path`); a route of the operator's gateway or proxy mounts it at `/ui` of
 * a host, where the page's paths and its session cookie (`Path=/ui`) point. The ports are the deployed steps'
 * (functions/_shared/deps.ts `defaultDeps`: the shared Redis state store, where sessions and controls must be seen
 * by every container); the console's own settings are the `console` parameter (console/config.ts). The page is
 * bundled at build time (scripts/build.mjs defines STACKMEND_CONSOLE_ASSETS): an action has no esbuild.
 */
import { rawFromOpenWhisk } from '../core/runtime/envelope';
import { defaultDeps, parseConfig } from '../functions/_shared/deps';
import { errorReply, type ConsoleReply } from './api/http';
import type { ConsolePorts } from './api/ports';
import { type Assets, uiAssets } from './assets';
import { parseConsoleConfig } from './config';
import { consoleHandler, consolePorts, PREFIX } from './handler';

declare const STACKMEND_CONSOLE_ASSETS: Assets | undefined;
const bundled = typeof STACKMEND_CONSOLE_ASSETS === 'undefined' ? undefined : STACKMEND_CONSOLE_ASSETS;
const assets = () => (bundled ? Promise.resolve(bundled) : uiAssets());

/** One set of ports per container and configuration (a warm container reuses its Redis connection). */
let cached: { key: string; ports: ConsolePorts } | undefined;
function portsFor(params: Record<string, unknown>, config: Record<string, unknown>): ConsolePorts {
  const key = JSON.stringify([config, params.console]);
  if (cached?.key !== key)
    cached = {
      key,
      ports: consolePorts({
        factory: defaultDeps,
        runtime: parseConfig(config),
        config: parseConsoleConfig(params.console),
      }),
    };
  return cached.ports;
}

/**
 * The web action's answer: `{statusCode, headers, body}`, a JSON body as an object; from 400 up inside `error`, as
 * the steps answer (core/runtime/adapters.ts), so OpenWhisk records the activation as failed and still answers it.
 */
function answer(r: ConsoleReply): Record<string, unknown> {
  const text = Buffer.isBuffer(r.body) ? r.body.toString('utf8') : (r.body ?? '');
  const isJson = String(r.headers?.['content-type'] ?? '').startsWith('application/json');
  const res = { statusCode: r.status, headers: r.headers ?? {}, body: isJson && text ? JSON.parse(text) : text };
  return r.status >= 400 ? { error: res } : res;
}

export async function main(params: Record<string, unknown>): Promise<Record<string, unknown>> {
  const raw = rawFromOpenWhisk(params ?? {});
  const path = typeof params.__ow_path === 'string' ? params.__ow_path : '';
  const query = typeof params.__ow_query === 'string' && params.__ow_query ? `?${params.__ow_query}` : '';
  const url = new URL(`${path.startsWith(PREFIX) ? path : `${PREFIX}${path}`}${query}`, 'http://console.invalid');
  try {
    const ports = portsFor(params, raw.config);
    return answer(
      await consoleHandler(
        ports,
        assets,
      )({ method: raw.method, url, headers: raw.headers, body: raw.bytes ?? Buffer.alloc(0) }),
    );
  } catch (e) {
    // a configuration the console cannot run with: its named error and status, named as the steps name theirs
    const r = answer(errorReply(e)) as { error: { body: Record<string, unknown> } };
    return { error: { ...r.error, body: { step: 'console', ...r.error.body } } };
  }
}
