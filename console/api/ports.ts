/** What the console's API handlers are given: the runtime's ports and the console's sessions. */
import type { Deps } from '../../functions/_shared/deps';
import { NotSignedInError, type Session, type Sessions } from '../auth';
import type { Principal } from '../../core/domain/fence';
import type { ConsoleConfig } from '../config';
import type { ConsoleRequest } from './http';

export type ConsolePorts = {
  /** A step's ports, not in dry run: the state store, incidents, the cloud, the dispatcher, the policy, the clock. */
  deps: Deps;
  sessions: Sessions;
  config: ConsoleConfig;
};

/**
 * One API call: the request, the path's parameters, the ports, and the caller's session (checked by
 * the router, ./routes.ts, against what the route needs).
 */
export type ApiContext = {
  req: ConsoleRequest;
  params: Record<string, string>;
  ports: ConsolePorts;
  session?: Session;
};

/** Who is acting: the signed-in caller of an operator route. */
export function actor(ctx: ApiContext): Principal {
  if (!ctx.session) throw new NotSignedInError();
  return ctx.session.who;
}
