/** Signing in and out of the console (./../auth.ts), and who the caller is. */
import { clearCookie, LoginSchema, setCookie } from '../auth';
import { json, parseBody, type ConsoleReply } from './http';
import type { ApiContext } from './ports';

const view = (s: { who: { via: string; name: string }; roles: string[]; operator: boolean; expiresAt: string }) => ({
  who: s.who,
  roles: s.roles,
  operator: s.operator,
  expiresAt: s.expiresAt,
});

export async function login({ req, ports }: ApiContext): Promise<ConsoleReply> {
  const l = parseBody(req, LoginSchema, 'login');
  const { id, session } = await ports.sessions.login(l);
  return json(200, view(session), { 'set-cookie': setCookie(id, ports.config.session_ttl_sec) });
}

export async function logout({ req, ports }: ApiContext): Promise<ConsoleReply> {
  await ports.sessions.logout(req.headers);
  return json(200, { signedOut: true }, { 'set-cookie': clearCookie() });
}

export async function me({ session }: ApiContext): Promise<ConsoleReply> {
  return session ? json(200, view(session)) : json(200, { who: null });
}
