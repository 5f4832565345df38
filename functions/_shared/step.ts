/**
 * One shape for every step: input schema at the edge, the use case, reconcile of due
 * work, error → status mapping, and the two platform entry points built from it. The step
 * hands on only to the steps its STEPS entry (core/domain/pipeline.ts) lists; re-arms it
 * handed on are performed once it has returned (core/runtime/arm/rearm.ts).
 */
import * as z from 'zod';
import { toSchemaIssues } from '../../core/domain/alarms/issues';
import { ConfigError, InvalidPayloadError } from '../../core/domain/errors';
import type { AlarmTransport } from '../../core/domain/incident';
import { STEPS, type StepName } from '../../core/domain/pipeline';
import type { IncidentStatus, Outcome } from '../../core/domain/plan';
import {
  lambdaConfigFromEnv,
  lambdaHandler,
  openwhiskActivationFromEnv,
  openwhiskMain,
  type Response,
} from '../../core/runtime/adapters';
import { performDueRearms } from '../../core/runtime/arm/rearm';
import { RuntimeConfigSchema, type RuntimeConfig } from '../../core/runtime/config';
import { handingOnFrom, type Receipt } from '../../core/runtime/dispatch';
import { unwrapTransport, inEnvelope, type Request } from '../../core/runtime/envelope';
import { errorResponse } from '../../core/runtime/errors';
import type { Gate, GatePorts } from '../../core/runtime/gate';
import { Controls } from './controls';
import { stopByOf } from './deadline';
import { defaultDeps, type Deps, type DepsFactory } from './deps';
import { reconcileDue } from './reconcile';

export type StepResult = {
  outcome: Outcome;
  reason: string;
  incident?: string;
  status?: IncidentStatus;
  next?: Receipt[];
  details?: Record<string, unknown>;
};

/**
 * `req.body` is the step input with any Zaqar envelope removed; `transport` says whether there was one.
 * `due`: the input is work the step scheduled for itself, taken from its due queue by a reconcile.
 */
export type StepContext = {
  deps: Deps;
  req: Request;
  transport: AlarmTransport;
  due?: true;
  /** Epoch ms: no new work starts after it — the deadline less its margin (./deadline.ts). */
  stopBy: number;
};

export type StepDef<I> = {
  name: StepName;
  /** Schema of the step's own input (after the transport envelope is removed). */
  input: z.ZodType<I>;
  run(input: I, ctx: StepContext): Promise<StepResult[]>;
  /** A public entry point's gate (given its ports): the platform adapters run it before the body is parsed. */
  gate?: (ports: GatePorts) => Gate;
  /** New input is a dry run while an operator has the stored dry-run switch on (./controls.ts). */
  honoursDryRunSwitch?: true;
  /**
   * Work of its own that every periodic reconcile runs before the due queue (classify-alarm:
   * functions/classify-alarm/detect.ts); `wanted`: whether a configuration has any (a local runtime
   * then reconciles the step on every tick, not only when its due queue holds work).
   */
  periodic?: { wanted: (config: RuntimeConfig) => boolean; run: (ctx: StepContext) => Promise<StepResult[]> };
};

const ReconcileSchema = z.object({ reconcile: z.literal(true) });
const DryRunFlag = z.object({ dry_run: z.union([z.boolean(), z.literal('true'), z.literal('1')]).optional() });

export type Step = {
  name: StepName;
  /** The platform-neutral handler (the local runtime and tests call it with their own ports). */
  handle(req: Request, factory?: DepsFactory): Promise<Response>;
  gate?: (ports: GatePorts) => Gate;
  /** The step has periodic work of its own under this configuration (StepDef.periodic). */
  periodicWanted(config: RuntimeConfig): boolean;
  main(params: Record<string, unknown>): Promise<Record<string, unknown>>;
  handler: ReturnType<typeof lambdaHandler>;
};

const OK_STATUS: Partial<Record<Outcome, number>> = { DISPATCHED: 202, RESCHEDULED: 202, HELD_FOR_APPROVAL: 202 };

export function defineStep<I>(def: StepDef<I>): Step {
  async function handle(req: Request, factory: DepsFactory = defaultDeps): Promise<Response> {
    let transport: AlarmTransport = 'direct';
    try {
      const parsedConfig = RuntimeConfigSchema.safeParse(req.config);
      if (!parsedConfig.success)
        throw new ConfigError(
          `stackmend parameters are invalid: ${toSchemaIssues(parsedConfig.error)
            .map((i) => `${i.path}: ${i.message}`)
            .join('; ')}`,
        );
      const unwrapped = unwrapTransport(req.body);
      const body = unwrapped.body;
      transport = unwrapped.transport;
      const flag = DryRunFlag.safeParse(body).data?.dry_run ?? req.query.dry_run;
      const due = STEPS[def.name].reconciles && ReconcileSchema.safeParse(body).success;
      const asked = parsedConfig.data.dry_run || flag === true || flag === 'true' || flag === '1';
      // the operator's stored switch applies to new input only: work already decided runs as decided
      const dryRun =
        asked ||
        (!!def.honoursDryRunSwitch && !due && (await dryRunSwitched(factory(parsedConfig.data, { dryRun: false }))));
      const shared = factory(parsedConfig.data, { dryRun });
      const deps: Deps = { ...shared, dispatcher: handingOnFrom(def.name, shared.dispatcher) };
      const ctx: StepContext = {
        deps,
        req: { ...req, body },
        transport,
        stopBy: stopByOf(req.deadline, deps.now()),
      };
      const results = due ? await reconcile(def, ctx) : await def.run(parseInput(def, body), ctx);
      // never before an alarm is answered: a re-arm is several Aodh calls (seconds under load) that would delay
      // the alarm's decision; the reconcile of every step, classify-alarm's included, and the other steps do them
      if (!dryRun && (due || !def.gate)) await performDueRearms(deps);
      for (const r of results)
        deps.log.info(`${def.name}: ${r.outcome}`, {
          step: def.name,
          outcome: r.outcome,
          incident: r.incident,
          reason: r.reason,
        });
      const first = results[0] ?? { outcome: 'IGNORED' as const, reason: 'nothing to do (no due work)' };
      return { statusCode: OK_STATUS[first.outcome] ?? 200, body: { step: def.name, ...first, results } };
    } catch (e) {
      return errorResponse(def.name, inEnvelope(transport, e));
    }
  }
  return {
    name: def.name,
    handle,
    periodicWanted: (config) => !!def.periodic?.wanted(config),
    gate: def.gate,
    main: openwhiskMain(def.name, (r) => handle(r), def.gate?.({}), openwhiskActivationFromEnv),
    handler: lambdaHandler(def.name, (r) => handle(r), lambdaConfigFromEnv, def.gate?.({})),
  };
}

/** Whether the operator's stored dry-run switch is on, read through the store of the step's ports. */
async function dryRunSwitched(d: Deps): Promise<boolean> {
  return !!(await new Controls(d.store, d.now).dryRun());
}

function parseInput<I>(def: StepDef<I>, body: unknown): I {
  const r = def.input.safeParse(body);
  if (!r.success) throw new InvalidPayloadError(`input of ${def.name}`, toSchemaIssues(r.error));
  return r.data;
}

async function reconcile<I>(def: StepDef<I>, ctx: StepContext): Promise<StepResult[]> {
  const own = def.periodic ? await def.periodic.run(ctx) : [];
  const due = await reconcileDue(def.name, ctx, (incident) =>
    def.run(parseInput(def, { incident }), { ...ctx, due: true }),
  );
  return [...own, ...due];
}
