/**
 * The console's JSON API under /ui/api, as a table: method, path, who may call it (`anyone`, a signed-in
 * `viewer`, an `operator`), handler. The router checks the session before the handler runs.
 */
import { StackmendError } from '../../core/domain/errors';
import { changeControl, showControls } from './controls';
import { showFleet } from './fleet';
import { errorReply, type ConsoleReply, type ConsoleRequest } from './http';
import { approveIncident, denyIncident, listIncidents, showIncident } from './incidents';
import type { ApiContext, ConsolePorts } from './ports';
import { login, logout, me } from './session';

export const ACCESS = ['anyone', 'viewer', 'operator'] as const;
type Access = (typeof ACCESS)[number];
type Route = {
  method: 'GET' | 'POST';
  path: string;
  access: Access;
  handle: (ctx: ApiContext) => Promise<ConsoleReply>;
};

export const ROUTES: readonly Route[] = [
  { method: 'POST', path: '/login', access: 'anyone', handle: login },
  { method: 'POST', path: '/logout', access: 'anyone', handle: logout },
  { method: 'GET', path: '/me', access: 'anyone', handle: me },
  { method: 'GET', path: '/incidents', access: 'viewer', handle: listIncidents },
  { method: 'GET', path: '/incidents/:key', access: 'viewer', handle: showIncident },
  { method: 'POST', path: '/incidents/:key/approve', access: 'operator', handle: approveIncident },
  { method: 'POST', path: '/incidents/:key/deny', access: 'operator', handle: denyIncident },
  { method: 'GET', path: '/fleet', access: 'viewer', handle: showFleet },
  { method: 'GET', path: '/controls', access: 'viewer', handle: showControls },
  { method: 'POST', path: '/controls', access: 'operator', handle: changeControl },
];

export class ApiNotFoundError extends StackmendError {
  override readonly status = 404;
}

function match(pattern: string, path: string): Record<string, string> | undefined {
  const [want, got] = [pattern.split('/'), path.split('/')];
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, w] of want.entries()) {
    if (!w.startsWith(':')) {
      if (w !== got[i]) return undefined;
    } else {
      const value = decoded(got[i]);
      if (!value) return undefined;
      params[w.slice(1)] = value;
    }
  }
  return params;
}

const decoded = (s: string) => {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined; // not percent-encoding: no route has it
  }
};

/** Answers `path` (under /ui/api) of `req`. */
export async function routeApi(req: ConsoleRequest, path: string, ports: ConsolePorts): Promise<ConsoleReply> {
  try {
    for (const r of ROUTES) {
      const params = r.method === req.method ? match(r.path, path) : undefined;
      if (!params) continue;
      const session = await ports.sessions.of(req.headers);
      if (r.access !== 'anyone') await ports.sessions.require(req.headers, r.access === 'operator');
      return await r.handle({ req, params, ports, session });
    }
    throw new ApiNotFoundError(`no console API ${req.method} /ui/api${path}: see console/api/routes.ts`);
  } catch (e) {
    if (!(e instanceof StackmendError) || e.status >= 500)
      ports.deps.log.error('console API failed', { method: req.method, path, error: e });
    return errorReply(e);
  }
}
