/** `stackmend serve`: the local runtime in the foreground, until Ctrl-C. */
import { STEP_NAMES } from '../core/domain/pipeline';
import { jsonLogger } from '../core/runtime/log';
import { consoleConfigFromEnv } from '../console/config';
import { parseRuntimeConfig } from '../core/runtime/config';
import { parametersFrom, parse } from './args';
import { CloudCallCounter, mountMetrics } from './metrics';
import { startLocalRuntime } from './local-runtime';

export async function serve(argv: string[]): Promise<number> {
  const { values } = parse(argv, {
    port: { type: 'string' },
    namespace: { type: 'string' },
    'log-level': { type: 'string' },
    /** Callers whose Keystone tokens classify-alarm accepts (Aodh trust+http:// actions): user names/ids, roles. */
    'keystone-user': { type: 'string', multiple: true },
    'keystone-role': { type: 'string', multiple: true },
    /** Accept alarms that carry no credential at all (a lab; never a real cloud). */
    'insecure-no-auth': { type: 'boolean' },
  });
  const calls = new CloudCallCounter(); // for /metrics (cli/metrics.ts)
  const log = calls.observe(
    jsonLogger({ level: (values['log-level'] as 'info') ?? 'info', fields: { app: 'stackmend' } }),
  );
  const [users = [], roles = []] = [values['keystone-user'], values['keystone-role']];
  const parameters = {
    ...parametersFrom(values),
    auth: {
      ...(users.length + roles.length ? { keystone: { users, roles } } : {}),
      insecure_no_auth: !!values['insecure-no-auth'],
    },
  };
  const rt = await startLocalRuntime({
    port: values.port ? Number(values.port) : 3233,
    namespace: values.namespace,
    parameters,
    log,
    console: consoleConfigFromEnv(),
  });
  mountMetrics(rt, calls, parseRuntimeConfig(parameters).policy.maxOpenIncidents);
  // the key and the webhook token are secrets: say where the key is, never what it is
  log.info('stackmend serving', {
    apihost: rt.whisk.url,
    namespace: rt.whisk.namespace,
    keyFile: rt.whisk.keyFile,
    alarmUrl: rt.url('classify-alarm'),
    console: `${rt.whisk.url}/ui`,
    metrics: `${rt.whisk.url}/metrics`,
    functions: STEP_NAMES.map((f) => rt.url(f)),
  });
  if (values['insecure-no-auth']) log.warn('classify-alarm accepts alarms without credentials (--insecure-no-auth)');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await rt.close();
  return 0;
}
