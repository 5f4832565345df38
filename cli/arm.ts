/** `stackmend arm|disarm <stack>`. */
import { connect } from '../core/openstack/cloud';
import { loadCloudConfig } from '../core/openstack/config';
import { openStore } from '../core/state';
import { arm, disarm, type ArmTarget } from '../triggers/arm';
import { parametersFrom, parse, UsageError } from './args';

function context(values: Record<string, unknown>) {
  const p = parametersFrom(values);
  return {
    cloud: connect(loadCloudConfig({ cloud: p.cloud as string | undefined })),
    store: openStore(String(p.state_url)),
  };
}

export async function armCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    via: { type: 'string' },
    url: { type: 'string' },
    queue: { type: 'string' },
    subscriber: { type: 'string' },
  });
  if (!positionals[0]) throw new UsageError('arm needs a stack name or id');
  const via = values.via ?? 'http';
  let target: ArmTarget;
  if (via === 'http') {
    if (!values.url)
      throw new UsageError(
        "--url is required with --via http: classify-alarm's web action URL (see `stackmend serve`)",
      );
    target = { via: 'http', url: values.url };
  } else if (via === 'zaqar') {
    target = { via: 'zaqar', queue: values.queue ?? 'stackmend-alarms', subscriber: values.subscriber ?? values.url };
  } else throw new UsageError('--via is http or zaqar');
  const { cloud, store } = context(values);
  try {
    const report = await arm(cloud, store, positionals[0], target);
    process.stdout.write(
      values.json
        ? `${JSON.stringify(report)}\n`
        : `armed ${report.stack.name}: ${report.servers} servers, ${report.created.length} alarms created, ${report.kept} kept, ${report.removed.length} removed\n`,
    );
    return 0;
  } finally {
    await store.close();
  }
}

export async function disarmCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {});
  if (!positionals[0]) throw new UsageError('disarm needs a stack name or id');
  const { cloud, store } = context(values);
  try {
    const r = await disarm(cloud, store, positionals[0]);
    process.stdout.write(`disarmed ${r.stack.name}: ${r.removed} alarms deleted\n`);
    return 0;
  } finally {
    await store.close();
  }
}
