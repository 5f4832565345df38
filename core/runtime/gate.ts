/**
 * The gate of a public entry point (classify-alarm): body size, caller, content type and encoding,
 * in that order, all before the body is parsed. The platform adapters (./adapters.ts) run it between
 * unwrapping the transport and parsing the body.
 */
import type { Logger } from '../domain/log';
import { cloudConfigFromEntry, loadCloudConfig } from '../openstack/config';
import { KeystoneSession } from '../openstack/keystone';
import { authenticate, type AuthPorts, type TokenValidator } from './auth';
import { acceptBody } from './body';
import { parseRuntimeConfig, type RuntimeConfig } from './config';
import type { RawRequest } from './envelope';
import { jsonLogger } from './log';
import { cachedValidator } from './token-cache';

/** Admits a request (its principal set, its bytes decoded) or throws the error to answer with. */
export type Gate = (raw: RawRequest) => Promise<RawRequest>;
export type GatePorts = { keystone?: (config: RuntimeConfig) => TokenValidator | undefined; log?: Logger };

/** One Keystone session and validation cache per cloud configuration, kept while the container is warm. */
function keystoneFromConfig(): (config: RuntimeConfig) => TokenValidator | undefined {
  const validators = new Map<string, TokenValidator>();
  return (config) => {
    if (!config.os_auth && !config.cloud) return undefined;
    const id = JSON.stringify([config.os_auth, config.cloud, config.auth.keystone?.cache_sec]);
    let validator = validators.get(id);
    if (!validator) {
      const cloud = config.os_auth
        ? cloudConfigFromEntry('os_auth', config.os_auth)
        : loadCloudConfig({ cloud: config.cloud });
      validator = cachedValidator(new KeystoneSession(cloud), { ttlMs: (config.auth.keystone?.cache_sec ?? 0) * 1000 });
      validators.set(id, validator);
    }
    return validator;
  };
}

export function publicEntry(step: string, ports: GatePorts = {}): Gate {
  const keystone = ports.keystone ?? keystoneFromConfig();
  return async (raw) => {
    const config = parseRuntimeConfig(raw.config);
    const log = ports.log ?? jsonLogger({ level: config.log_level, fields: { app: 'stackmend' } });
    const validator = config.auth.keystone ? keystone(config) : undefined;
    const authPorts: AuthPorts = validator ? { keystone: () => validator } : {};
    try {
      const principal = await authenticate(raw, config, authPorts);
      const bytes = raw.web && raw.bytes ? acceptBody(raw.headers, raw.bytes) : raw.bytes;
      return { ...raw, bytes, principal };
    } catch (e) {
      log.warn(`${step}: refused`, { step, error: (e as Error).name, message: (e as Error).message });
      throw e;
    }
  };
}
