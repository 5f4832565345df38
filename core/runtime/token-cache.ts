/**
 * Keystone token validations, remembered briefly (keystonemiddleware's `token_cache_time` does the
 * same, 300 s by default): a sender that repeats its token (Alertmanager, a monitor, retries) costs
 * one `GET /v3/auth/tokens` per `ttlMs`, and concurrent requests with one token share one
 * validation. An entry lives at most `ttlMs` and never past the token's own expiry; at most
 * `maxEntries` are kept (the oldest goes first). Only validations Keystone answered are kept;
 * refusals are asked again every time. A token revoked in Keystone is still believed here for up to
 * `ttlMs`. Entries are keyed by the token's SHA-256, not by the token.
 */
import { createHash } from 'node:crypto';
import type { ValidatedToken } from '../openstack/keystone';
import type { TokenValidator } from './auth';

export type TokenCacheOptions = { ttlMs: number; maxEntries?: number; now?: () => number };
export const TOKEN_CACHE_MAX_ENTRIES = 1000;

export function cachedValidator(inner: TokenValidator, o: TokenCacheOptions): TokenValidator {
  const max = o.maxEntries ?? TOKEN_CACHE_MAX_ENTRIES;
  const now = o.now ?? Date.now;
  const kept = new Map<string, { token: ValidatedToken; until: number }>();
  const asking = new Map<string, Promise<ValidatedToken>>();

  function remember(key: string, token: ValidatedToken) {
    const until = Math.min(now() + o.ttlMs, token.expiresAt);
    if (until <= now()) return;
    kept.delete(key);
    while (kept.size >= max) kept.delete(kept.keys().next().value!);
    kept.set(key, { token, until });
  }

  async function validateToken(subject: string): Promise<ValidatedToken> {
    if (o.ttlMs <= 0) return inner.validateToken(subject);
    const key = createHash('sha256').update(subject).digest('base64');
    const hit = kept.get(key);
    if (hit && hit.until > now()) return hit.token;
    if (hit) kept.delete(key);
    let pending = asking.get(key);
    if (!pending) {
      pending = inner
        .validateToken(subject)
        .then((t) => (remember(key, t), t))
        .finally(() => asking.delete(key));
      asking.set(key, pending);
    }
    return pending;
  }

  return { validateToken };
}
