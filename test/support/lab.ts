/**
 * Test helpers for the real OpenStack lab (`npm run lab -- up`).
 *
 * - `labCloud(name)` reads an entry of clouds.yaml (`stackmend-lab` = admin, `stackmend-lab-member`).
 * - `labLogin(name)` gets a Keystone token and the catalog with plain fetch, and returns a small
 *   `LabSession` whose `call()` sends a request to a service found by type in the catalog.
 * - `lab(...args)` runs `test/lab/lab.sh` (e.g. `lab('reset')`), `labReset()` throws if reset fails.
 * - `waitFor()` polls until a function returns a truthy value.
 *
 * These helpers are for tests only; the product's own OpenStack client lives in core/openstack.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { waitFor as pollUntil } from '../../bench/wait';

export const LAB_SH = join(__dirname, '..', 'lab', 'lab.sh');
export const LAB_STATE_DIR = '/var/lib/stackmend-lab';

export interface LabCloud {
  auth: {
    auth_url: string;
    username: string;
    password: string;
    project_name: string;
    user_domain_name: string;
    project_domain_name: string;
  };
  region_name: string;
  interface: string;
}

/** The clouds.yaml entry `name` (OS_CLIENT_CONFIG_FILE, else ~/.config/openstack/clouds.yaml). */
export function labCloud(name = 'stackmend-lab'): LabCloud {
  const file = process.env.OS_CLIENT_CONFIG_FILE ?? join(homedir(), '.config', 'openstack', 'clouds.yaml');
  const doc = parse(readFileSync(file, 'utf8')) as { clouds?: Record<string, LabCloud> };
  const cloud = doc.clouds?.[name];
  if (!cloud) throw new Error(`clouds.yaml ${file} has no entry "${name}": run \`npm run lab -- up\``);
  return cloud;
}

export interface CatalogEntry {
  type: string;
  name: string;
  endpoints: { interface: string; region: string; url: string }[];
}

export interface LabResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface CallOptions {
  body?: unknown;
  /** Sent as-is (e.g. a YAML workflow); `body` is JSON-encoded otherwise. */
  rawBody?: string;
  headers?: Record<string, string>;
}

export interface LabSession {
  token: string;
  projectId: string;
  userId: string;
  catalog: CatalogEntry[];
  /** Public endpoint URL of a service type (e.g. 'compute'), without a trailing slash. */
  endpoint(type: string): string;
  /** Authenticated request to `endpoint(type) + path`; answers are parsed as JSON when they are. */
  call<T = any>(type: string, method: string, path: string, opts?: CallOptions): Promise<LabResponse<T>>;
}

/** Password login with the clouds.yaml entry; returns token, project, catalog and a request helper. */
export async function labLogin(name = 'stackmend-lab'): Promise<LabSession> {
  const c = labCloud(name);
  const res = await fetch(`${c.auth.auth_url.replace(/\/$/, '')}/auth/tokens`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      auth: {
        identity: {
          methods: ['password'],
          password: {
            user: { name: c.auth.username, domain: { name: c.auth.user_domain_name }, password: c.auth.password },
          },
        },
        scope: { project: { name: c.auth.project_name, domain: { name: c.auth.project_domain_name } } },
      },
    }),
  });
  if (res.status !== 201)
    throw new Error(`Keystone login as ${c.auth.username} answered ${res.status}: ${await res.text()}`);
  const token = res.headers.get('x-subject-token') ?? '';
  const { token: body } = (await res.json()) as {
    token: { project: { id: string }; user: { id: string }; catalog: CatalogEntry[] };
  };
  const endpoint = (type: string): string => {
    const svc = body.catalog.find((e) => e.type === type);
    const ep = svc?.endpoints.find((e) => e.interface === c.interface && e.region === c.region_name);
    if (!ep) throw new Error(`no ${c.interface} endpoint of type ${type} in the catalog`);
    return ep.url.replace(/\/$/, '');
  };
  const call = async (type: string, method: string, path: string, opts: CallOptions = {}): Promise<LabResponse> => {
    const headers: Record<string, string> = { 'X-Auth-Token': token, Accept: 'application/json', ...opts.headers };
    let payload: string | undefined = opts.rawBody;
    if (opts.body !== undefined) {
      payload = JSON.stringify(opts.body);
      headers['Content-Type'] ??= 'application/json';
    }
    const r = await fetch(endpoint(type) + path, { method, headers, body: payload });
    const text = await r.text();
    let parsed: unknown = text;
    if ((r.headers.get('content-type') ?? '').includes('json') && text) parsed = JSON.parse(text);
    return { status: r.status, headers: r.headers, body: parsed, text };
  };
  return { token, projectId: body.project.id, userId: body.user.id, catalog: body.catalog, endpoint, call };
}

export interface LabRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `bash test/lab/lab.sh ...args` and returns its exit status and output. */
export function lab(...args: string[]): LabRun {
  const r = spawnSync('bash', [LAB_SH, ...args], { encoding: 'utf8', timeout: 170_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** `npm run lab -- reset`: call in beforeAll of every lab test file that changes the cloud. */
export function labReset(): void {
  const r = lab('reset');
  if (r.status !== 0) throw new Error(`lab reset failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
}

/** Values the lab records for benchmarks (e.g. MASAKARI_WAIT_PERIOD_AFTER_SERVICE_UPDATE). */
export function labSettings(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of readFileSync(join(LAB_STATE_DIR, 'masakari.env'), 'utf8').split('\n')) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line);
    if (m) out[m[1]] = m[2];
  }
  return out;
}

/** Polls `fn` every `intervalMs` until it returns a truthy value; throws after `timeoutMs`. */
export async function waitFor<T>(
  fn: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  what: string,
  { timeoutMs = 60_000, intervalMs = 500 } = {},
): Promise<T> {
  let value: T | undefined;
  await pollUntil(what, async () => !!(value = (await fn()) || undefined), timeoutMs / 1000, intervalMs);
  return value as T;
}
