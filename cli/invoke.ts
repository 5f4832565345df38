/** `stackmend invoke <function>`: one function, once, JSON result on stdout. */
import { isStepName, STEP_NAMES, type StepName } from '../core/domain/pipeline';
import type { Response } from '../core/runtime/adapters';
import { jsonLogger } from '../core/runtime/log';
import { openStore } from '../core/state';
import { clientsOn, openConnection } from '../core/openstack/cloud';
import { RuntimeConfigSchema } from '../core/runtime/config';
import { cloudConfigOf, depsFactory } from '../functions/_shared/deps';
import { Incidents } from '../functions/_shared/incidents';
import { InProcessTransport, QueuedTransport } from '../core/runtime/dispatch';
import { parametersFrom, parse, readJsonArg, UsageError } from './args';
import { formatOf, renderObject, sayer } from './output';
import { stackUpdateProgress, type StackEvents } from './progress';
import { RECONCILING, STEP_MODULES } from './steps';

function readData(arg: string | undefined): unknown {
  if (!arg) throw new UsageError('--data is required: @payload.json or inline JSON');
  return readJsonArg('data', arg);
}

export function exitCodeOf(res: Response): number {
  if (res.statusCode === 400 || res.statusCode === 401) return 2;
  if (res.statusCode >= 500 || res.statusCode === 404) return 1;
  const outcomes = ((res.body as { results?: { outcome: string }[] }).results ?? []).map((r) => r.outcome);
  return outcomes.some((o) => o === 'HELD_FOR_APPROVAL' || o === 'FAILED') ? 3 : 0;
}

/** Runs `step` once; with `chain`, keeps running the hand-offs and due rechecks until nothing is left. */
export async function invokeStep(
  step: StepName,
  body: unknown,
  params: Record<string, unknown>,
  opts: { chain?: boolean; timeoutSec?: number; log?: (r: Response) => void; verbose?: boolean } = {},
) {
  const store = openStore(String(params.state_url));
  const log = jsonLogger({ level: opts.verbose ? 'debug' : 'warn', sink: (l) => process.stderr.write(`${l}\n`) });
  const inproc = new InProcessTransport(log);
  const factory = depsFactory({ store, log, transport: opts.chain ? inproc : new QueuedTransport(store) });
  const call = (s: StepName, b: unknown) =>
    STEP_MODULES[s].handle({ method: 'POST', headers: {}, query: {}, body: b, config: params }, factory);
  for (const s of STEP_NAMES) inproc.register(s, async (payload) => opts.log?.(await call(s, payload)));
  try {
    const first = await call(step, body);
    if (opts.chain) {
      const deadline = Date.now() + (opts.timeoutSec ?? 300) * 1000;
      for (;;) {
        await inproc.settled();
        const pending = (
          await Promise.all(RECONCILING.map(async (s) => (await store.pending(s)).map((p) => ({ s, ...p }))))
        ).flat();
        if (pending.length === 0 || Date.now() > deadline) break;
        const soonest = pending.reduce((a, b) => (a.dueAt <= b.dueAt ? a : b));
        await new Promise((r) => setTimeout(r, Math.max(0, soonest.dueAt - Date.now())));
        opts.log?.(await call(soonest.s, { reconcile: true }));
      }
    }
    return first;
  } finally {
    await store.close();
  }
}

export async function invoke(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { data: { type: 'string', short: 'd' }, chain: { type: 'boolean' } });
  const step = positionals[0] ?? '';
  if (!isStepName(step)) throw new UsageError(`unknown function "${step}": one of ${STEP_NAMES.join(', ')}`);
  const format = formatOf(values, 'json');
  const print = (r: Response) => process.stdout.write(renderObject(r.body as Record<string, unknown>, format));
  const params = parametersFrom(values);
  const data = readData(values.data);
  if (!values.chain) {
    const res = await invokeStep(step, data, params, { verbose: !!values.verbose });
    print(res);
    return exitCodeOf(res);
  }
  // a chain that updates a stack says its resource events on stderr as Heat records them (cli/progress.ts)
  let heat: StackEvents | undefined;
  const heatOf = () =>
    (heat ??= clientsOn(openConnection(cloudConfigOf(RuntimeConfigSchema.parse(params)), { readOnly: true })).heat);
  const store = openStore(String(params.state_url));
  const progress = stackUpdateProgress(new Incidents(store, Date.now), heatOf, sayer('invoke', values));
  const follow = (r: Response) => {
    for (const x of (r.body as { results?: { incident?: string }[] }).results ?? [])
      if (x.incident) progress.follow(x.incident);
    void progress.report();
  };
  const timer = setInterval(() => void progress.report(), 2000);
  const res = await invokeStep(step, data, params, {
    chain: true,
    log: (r) => (print(r), follow(r)),
    verbose: !!values.verbose,
  }).finally(() => clearInterval(timer));
  follow(res);
  await progress.done().finally(() => store.close());
  print(res);
  return exitCodeOf(res);
}
