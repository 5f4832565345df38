/**
 * Every stage file's `parameters` is a valid runtime configuration: what the actions receive as
 * package parameters must parse with the schema the functions use. A key renamed in
 * core/runtime/config.ts fails here until the stage files follow.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { RuntimeConfigSchema } from '../../core/runtime/config';
import { TRANSPORTS, checkTransport } from '../../deploy/transports.cjs';
import { repoRoot } from './support';

const stagesDir = path.join(repoRoot, 'deploy/stages');
const stages = fs.readdirSync(stagesDir).filter((f) => f.endsWith('.yml'));

/**
 * As osls would with an empty environment: `${env:NAME, 'fallback'}` → fallback, `${env:NAME}` → a stand-in;
 * a value that is only `${file(path)}` → that file (from the repository root) parsed, as osls parses YAML.
 */
function resolveEnv(value: unknown): unknown {
  const file = typeof value === 'string' ? /^\$\{file\(([^)]+)\)\}$/.exec(value) : null;
  if (file) return resolveEnv(parseYaml(fs.readFileSync(path.join(repoRoot, file[1]), 'utf8')));
  if (typeof value === 'string')
    return value.replace(
      /\$\{env:(\w+)(?:,\s*'([^']*)')?\}/g,
      (_all, name: string, fallback?: string) => fallback ?? `stand-in-for-${name}`,
    );
  if (Array.isArray(value)) return value.map(resolveEnv);
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveEnv(v)]));
  return value;
}

describe('stage files', () => {
  it.each(stages)('%s holds a valid runtime configuration and reconcile feed parameters', (file) => {
    const stage = resolveEnv(parseYaml(fs.readFileSync(path.join(stagesDir, file), 'utf8'))) as {
      parameters: unknown;
      reconcile?: object;
    };

    const parsed = RuntimeConfigSchema.safeParse(stage.parameters);

    expect(parsed.error?.issues ?? []).toEqual([]);
    expect(Object.keys(stage.reconcile ?? {}).filter((k) => ['minutes', 'seconds', 'cron'].includes(k))).toHaveLength(
      1,
    );
  });

  it.each(stages)('%s names a transport each platform offers (Lambda: its `lambda: dispatch:`)', (file) => {
    const stage = resolveEnv(parseYaml(fs.readFileSync(path.join(stagesDir, file), 'utf8'))) as {
      parameters: { dispatch?: unknown };
      lambda?: { dispatch?: unknown };
    };

    expect(checkTransport('openwhisk', stage.parameters, file)).toBe('openwhisk');
    expect(checkTransport('lambda', { ...stage.parameters, ...stage.lambda }, file)).toBe('queue');
  });

  it('refuses a transport the platform does not offer, naming the ones it does', () => {
    expect(() => checkTransport('lambda', { dispatch: { transport: 'openwhisk' } }, 'prod.yml')).toThrow(
      `prod.yml: dispatch.transport "openwhisk" does not work on lambda; use ${TRANSPORTS.lambda.join(', ')}`,
    );
    expect(() => checkTransport('openwhisk', { dispatch: { transport: 'inprocess' } }, 'prod.yml')).toThrow(
      /"inprocess" does not work on openwhisk; use openwhisk, http, zaqar, queue/,
    );
  });

  it.each(stages)('%s takes every secret from the environment', (file) => {
    const stage = parseYaml(fs.readFileSync(path.join(stagesDir, file), 'utf8'));
    const { os_auth, dispatch, webhook_token } = stage.parameters;

    for (const secret of [
      os_auth?.auth?.password,
      os_auth?.auth?.application_credential_secret,
      dispatch?.auth,
      webhook_token,
    ]) {
      if (secret !== undefined) expect(secret).toMatch(/^\$\{env:\w+(, '')?\}$/);
    }
  });
});
