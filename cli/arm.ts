/**
 * `stackmend arm|disarm <stack>`. By default the alarms use the Keystone form: an Aodh `trust+http://`
 * action, for which Aodh sends a token of the user `arm` runs as (through a trust) and the alarm holds
 * no secret; classify-alarm accepts it when that user or a role of theirs is configured
 * (`stackmend serve --keystone-user`, auth.keystone). `--via http` takes the URL as given (e.g.
 * `webhook:<token>@`: Aodh logs such a URL at INFO, aodh/notifier/rest.py); `--via zaqar` a queue.
 * The state store keeps the target without its credential (core/runtime/arm/target.ts).
 */
import { connect } from '../core/openstack/cloud';
import { loadCloudConfig } from '../core/openstack/config';
import { openStore } from '../core/state';
import { arm, disarm, type ArmTarget } from '../triggers/arm';
import { parametersFrom, parse, UsageError } from './args';
import { formatOf, renderObject, sayer, type Say } from './output';

/** `trust+http(s)://…` for an http(s) URL (one in that form is kept), without userinfo: the alarm holds no secret. */
function keystoneForm(url: string, say: Say): string {
  const plain = url.replace(/^trust\+/, '');
  if (!/^https?:\/\//.test(plain)) throw new UsageError(`--url ${url} is not an http(s) URL`);
  const bare = plain.replace(/^(https?:\/\/)[^/@]*@/, '$1');
  if (bare !== plain) say.info('the Keystone form sends a token, not the user:password@ of --url: left out');
  return `trust+${bare}`;
}

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
  const via = values.via ?? 'keystone';
  let target: ArmTarget;
  if (via === 'keystone' || via === 'http') {
    if (!values.url)
      throw new UsageError(
        "--url is required with --via keystone or http: classify-alarm's web action URL (see `stackmend serve`)",
      );
    target = { via: 'http', url: via === 'keystone' ? keystoneForm(values.url, sayer('arm', values)) : values.url };
  } else if (via === 'zaqar') {
    target = { via: 'zaqar', queue: values.queue ?? 'stackmend-alarms', subscriber: values.subscriber ?? values.url };
  } else throw new UsageError('--via is keystone (the default), http or zaqar');
  const { cloud, store } = context(values);
  try {
    const report = await arm(cloud, store, positionals[0], target);
    process.stdout.write(
      values.json || values.format
        ? renderObject(report, formatOf(values, 'json'))
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
