/** `stackmend serve`: the local runtime in the foreground, until Ctrl-C. */
import { STEP_NAMES } from '../core/domain/pipeline';
import { jsonLogger } from '../core/runtime/log';
import { parametersFrom, parse } from './args';
import { startLocalRuntime } from './local-runtime';

export async function serve(argv: string[]): Promise<number> {
  const { values } = parse(argv, {
    port: { type: 'string' },
    namespace: { type: 'string' },
    'log-level': { type: 'string' },
  });
  const log = jsonLogger({ level: (values['log-level'] as 'info') ?? 'info', fields: { app: 'stackmend' } });
  const rt = await startLocalRuntime({
    port: values.port ? Number(values.port) : 3233,
    namespace: values.namespace,
    parameters: parametersFrom(values),
    log,
  });
  log.info('stackmend serving', {
    apihost: rt.whisk.url,
    namespace: rt.whisk.namespace,
    auth: rt.whisk.auth,
    alarmUrl: rt.alarmUrl,
    functions: STEP_NAMES.map((f) => rt.url(f)),
  });
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await rt.close();
  return 0;
}
