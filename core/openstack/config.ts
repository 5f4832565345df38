/**
 * Cloud configuration the way openstacksdk users expect it: a clouds.yaml entry
 * (./, ~/.config/openstack/, /etc/openstack/) chosen by OS_CLOUD, or OS_* variables.
 * resolveCloudConfig is pure (inputs passed in, the CA bundle read through `readFile`);
 * loadCloudConfig does the file reads.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import * as z from 'zod';
import { ConfigError } from '../domain/errors';
import { tlsFromEntry, type ReadFile, type TlsConfig } from './tls';

const AuthSchema = z.object({
  auth_url: z.string().url(),
  username: z.string().optional(),
  user_id: z.string().optional(),
  password: z.string().optional(),
  project_name: z.string().optional(),
  project_id: z.string().optional(),
  user_domain_name: z.string().optional(),
  user_domain_id: z.string().optional(),
  project_domain_name: z.string().optional(),
  project_domain_id: z.string().optional(),
  domain_name: z.string().optional(),
  application_credential_id: z.string().optional(),
  application_credential_secret: z.string().optional(),
});

/** One clouds.yaml entry (also the shape of the `os_auth` action parameter). */
export const CloudEntrySchema = z.object({
  auth: AuthSchema,
  auth_type: z.enum(['password', 'v3password', 'v3applicationcredential', 'application_credential']).optional(),
  region_name: z.string().optional(),
  interface: z.enum(['public', 'internal', 'admin']).optional(),
  identity_api_version: z.union([z.string(), z.number()]).optional(),
  /** Path of a PEM bundle of the CA(s) that signed the cloud's certificates (openstacksdk's `cacert`). */
  cacert: z.string().min(1).optional(),
  /** The PEM text itself: a deployed action has no file to point at (os_auth). */
  cacert_pem: z.string().min(1).optional(),
  /** false: accept any certificate (openstacksdk's `verify`; it wins over cacert). */
  verify: z.boolean().optional(),
  /** openstacksdk's deprecated opposite of verify (OS_INSECURE). */
  insecure: z.boolean().optional(),
});
export type CloudEntry = z.infer<typeof CloudEntrySchema>;
export { CaCertError, type TlsConfig } from './tls';

export type PasswordAuth = {
  type: 'password';
  username?: string;
  userId?: string;
  password: string;
  userDomain: { id?: string; name?: string };
  project: { id?: string; name?: string; domain: { id?: string; name?: string } };
};
export type AppCredentialAuth = { type: 'application_credential'; id: string; secret: string };

export type CloudConfig = {
  name: string;
  authUrl: string; // always ends in /v3
  auth: PasswordAuth | AppCredentialAuth;
  region?: string;
  interface: 'public' | 'internal' | 'admin';
  tls: TlsConfig;
};

export const CLOUDS_YAML_PATHS = (cwd: string, home: string) => [
  path.join(cwd, 'clouds.yaml'),
  path.join(home, '.config', 'openstack', 'clouds.yaml'),
  '/etc/openstack/clouds.yaml',
];

const v3 = (url: string) => (/\/v3\/?$/.test(url) ? url.replace(/\/$/, '') : `${url.replace(/\/$/, '')}/v3`);

/** Turns one parsed clouds.yaml entry into a CloudConfig, or says what is missing. */
export function cloudConfigFromEntry(name: string, entry: unknown, readFile?: ReadFile): CloudConfig {
  const parsed = CloudEntrySchema.safeParse(entry);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(
      `cloud "${name}" is not a valid clouds.yaml entry (${issues}); see https://docs.openstack.org/openstacksdk/latest/user/config/configuration.html`,
    );
  }
  const e = parsed.data;
  const a = e.auth;
  const appCred =
    e.auth_type?.includes('application') || (a.application_credential_id && a.application_credential_secret);
  let auth: CloudConfig['auth'];
  if (appCred) {
    if (!a.application_credential_id || !a.application_credential_secret) {
      throw new ConfigError(
        `cloud "${name}": application credential auth needs application_credential_id and application_credential_secret`,
      );
    }
    auth = { type: 'application_credential', id: a.application_credential_id, secret: a.application_credential_secret };
  } else {
    if (!a.password || !(a.username || a.user_id) || !(a.project_name || a.project_id)) {
      throw new ConfigError(
        `cloud "${name}": password auth needs username (or user_id), password and project_name (or project_id)`,
      );
    }
    const defaultDomain = a.domain_name ?? 'Default';
    auth = {
      type: 'password',
      username: a.username,
      userId: a.user_id,
      password: a.password,
      userDomain: a.user_domain_id ? { id: a.user_domain_id } : { name: a.user_domain_name ?? defaultDomain },
      project: {
        id: a.project_id,
        name: a.project_id ? undefined : a.project_name,
        domain: a.project_domain_id ? { id: a.project_domain_id } : { name: a.project_domain_name ?? defaultDomain },
      },
    };
  }
  return {
    name,
    authUrl: v3(a.auth_url),
    auth,
    region: e.region_name,
    interface: e.interface ?? 'public',
    tls: tlsFromEntry(name, e, readFile),
  };
}

/** OS_* environment variables → the equivalent clouds.yaml entry. */
export function entryFromEnv(env: Record<string, string | undefined>): CloudEntry | undefined {
  if (!env.OS_AUTH_URL) return undefined;
  const pick = (k: string) => env[`OS_${k.toUpperCase()}`] || undefined;
  const insecure = pick('insecure');
  return {
    auth: {
      auth_url: env.OS_AUTH_URL,
      ...Object.fromEntries(
        Object.keys(AuthSchema.shape)
          .filter((k) => k !== 'auth_url')
          .map((k) => [k, pick(k)]),
      ),
    },
    auth_type: (pick('auth_type') as CloudEntry['auth_type']) ?? undefined,
    region_name: pick('region_name'),
    interface: (pick('interface') as CloudEntry['interface']) ?? undefined,
    cacert: pick('cacert'),
    insecure: insecure === undefined ? undefined : insecure.toLowerCase() === 'true', // openstacksdk: only "true" is true
  };
}

export type ConfigSources = {
  env: Record<string, string | undefined>;
  files: { path: string; text: string }[];
  cloud?: string;
  /** Reads a cacert bundle (default: the file system). */
  readFile?: ReadFile;
};

/** Pure resolution: explicit cloud name > OS_CLOUD > OS_* variables. */
export function resolveCloudConfig({ env, files, cloud, readFile }: ConfigSources): CloudConfig {
  const wanted = cloud ?? env.OS_CLOUD;
  if (wanted) {
    for (const f of files) {
      const doc = (parseYaml(f.text) ?? {}) as { clouds?: Record<string, unknown> };
      if (doc.clouds && wanted in doc.clouds) return cloudConfigFromEntry(wanted, doc.clouds[wanted], readFile);
    }
    throw new ConfigError(
      `cloud "${wanted}" is not in any clouds.yaml (looked in: ${files.map((f) => f.path).join(', ') || 'none found'}). ` +
        'Run `npm run lab -- up` for the lab cloud, or add the entry.',
    );
  }
  const fromEnv = entryFromEnv(env);
  if (fromEnv) return cloudConfigFromEntry('env', fromEnv, readFile);
  throw new ConfigError(
    'no cloud selected: set OS_CLOUD (a clouds.yaml entry) or the OS_AUTH_URL/OS_USERNAME/... variables',
  );
}

/** Reads the clouds.yaml search path and resolves. */
export function loadCloudConfig(
  opts: { cloud?: string; env?: NodeJS.ProcessEnv; cwd?: string; home?: string } = {},
): CloudConfig {
  const env = opts.env ?? process.env;
  const files = CLOUDS_YAML_PATHS(opts.cwd ?? process.cwd(), opts.home ?? os.homedir())
    .filter((p) => fs.existsSync(p))
    .map((p) => ({ path: p, text: fs.readFileSync(p, 'utf8') }));
  if (env.OS_CLIENT_CONFIG_FILE && fs.existsSync(env.OS_CLIENT_CONFIG_FILE)) {
    files.unshift({ path: env.OS_CLIENT_CONFIG_FILE, text: fs.readFileSync(env.OS_CLIENT_CONFIG_FILE, 'utf8') });
  }
  return resolveCloudConfig({ env, files, cloud: opts.cloud });
}
