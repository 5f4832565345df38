/**
 * An armed stack's alarm target as the state store keeps it: URLs without their credential. A Basic
 * `user:password@` or a legacy `?token=` in the URL an operator armed with is replaced by the name the
 * runtime configuration knows the secret under (the Basic user; `webhook_token` for the query token),
 * and put back from the configuration when the runtime re-arms (core/runtime/arm/rearm.ts). The
 * Keystone form (`trust+http://`, the default of `stackmend arm`) carries no credential at all.
 */
import { ConfigError } from '../../domain/errors';
import type { AuthConfig } from '../config';

/** Where the alarms call: classify-alarm directly (an http action) or a Zaqar queue that pushes to it. */
export type ArmTarget = { via: 'http'; url: string } | { via: 'zaqar'; queue: string; subscriber?: string };
/** What replaced a URL's credential: the Basic user it named, whether it carried `?token=`. */
export type CredentialRef = { basicUser?: string; queryToken?: true };
export type StoredTarget =
  | ({ via: 'http'; url: string } & CredentialRef)
  | ({ via: 'zaqar'; queue: string; subscriber?: string } & CredentialRef);
/** The secrets a stored target may refer to: the runtime's `webhook_token` and `auth.basic`. */
export type ArmSecrets = { webhook_token?: string; auth: Pick<AuthConfig, 'basic'> };

export class ArmCredentialMissingError extends ConfigError {}

function parsed(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

/** `url` without a credential, and what was taken out. */
export function withoutCredential(url: string): { url: string } & CredentialRef {
  const u = parsed(url);
  if (!u || (!u.password && !u.searchParams.has('token'))) return { url };
  const ref: CredentialRef = {};
  if (u.password) {
    ref.basicUser = decodeURIComponent(u.username);
    [u.username, u.password] = ['', ''];
  }
  if (u.searchParams.has('token')) {
    ref.queryToken = true;
    u.searchParams.delete('token');
  }
  return { url: u.toString(), ...ref };
}

/** `url` with the credential `ref` names put back from the configuration. */
export function withCredential(url: string, ref: CredentialRef, secrets: ArmSecrets): string {
  if (!ref.basicUser && !ref.queryToken) return url;
  const u = new URL(url);
  const missing = (what: string) =>
    new ArmCredentialMissingError(
      `the alarms of this stack were armed with ${what}, which this runtime's configuration lacks: configure it ` +
        'here too, or arm the stack again with the Keystone form (stackmend arm --via keystone, trust+http://)',
    );
  if (ref.basicUser) {
    const user = ref.basicUser;
    const password =
      user === 'webhook' ? secrets.webhook_token : secrets.auth.basic.find((b) => b.username === user)?.password;
    if (!password) throw missing(`the Basic user "${user}" (auth.basic, or webhook_token for "webhook")`);
    [u.username, u.password] = [encodeURIComponent(user), encodeURIComponent(password)];
  }
  if (ref.queryToken) {
    if (!secrets.webhook_token) throw missing('a ?token= query parameter (webhook_token)');
    u.searchParams.set('token', secrets.webhook_token);
  }
  return u.toString();
}

export function storedTarget(t: ArmTarget): StoredTarget {
  switch (t.via) {
    case 'http':
      return { via: 'http', ...withoutCredential(t.url) };
    case 'zaqar': {
      if (!t.subscriber) return t;
      const { url, ...ref } = withoutCredential(t.subscriber);
      return { ...t, subscriber: url, ...ref };
    }
    default: {
      const unreachable: never = t;
      return unreachable;
    }
  }
}

export function liveTarget(s: StoredTarget, secrets: ArmSecrets): ArmTarget {
  const ref: CredentialRef = { basicUser: s.basicUser, queryToken: s.queryToken };
  switch (s.via) {
    case 'http':
      return { via: 'http', url: withCredential(s.url, ref, secrets) };
    case 'zaqar':
      return {
        via: 'zaqar',
        queue: s.queue,
        ...(s.subscriber ? { subscriber: withCredential(s.subscriber, ref, secrets) } : {}),
      };
    default: {
      const unreachable: never = s;
      return unreachable;
    }
  }
}
