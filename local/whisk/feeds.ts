/**
 * The alarms package of `whisk.system`, as in-process feed actions. A deploy binds a trigger to a
 * feed by invoking the feed action with `lifecycleEvent: CREATE` (and `DELETE` on remove):
 *   /whisk.system/alarms/interval  {minutes}  — or {seconds}, a local-only extension for quick runs
 *   /whisk.system/alarms/alarm     {cron}     — 5 or 6 fields, UTC
 *   /whisk.system/alarms/once      {date}
 * plus `trigger_payload` (object or JSON string) and `maxTriggers`. Timers are unref'd and never
 * run inside an activation's log capture.
 */
import * as z from 'zod';
import type { LogSink, UserMain } from './types';
import { outsideActivation } from './console-capture';
import { parseCron, nextRun } from './cron';

const Lifecycle = z.enum(['CREATE', 'DELETE', 'READ', 'UPDATE', 'PAUSE', 'UNPAUSE']);
const Common = z.object({
  lifecycleEvent: Lifecycle,
  triggerName: z.string().min(1),
  trigger_payload: z.union([z.string(), z.record(z.string(), z.unknown())]).optional(),
  maxTriggers: z.coerce.number().int().optional(),
});
const IntervalParams = Common.extend({
  minutes: z.coerce.number().int().positive().optional(),
  seconds: z.coerce.number().int().positive().optional(),
}).refine((p) => p.lifecycleEvent !== 'CREATE' || (p.minutes === undefined) !== (p.seconds === undefined), {
  message: 'give exactly one of minutes (OpenWhisk) or seconds (local runtime only)',
});
const AlarmParams = Common.extend({ cron: z.string().optional() }).refine(
  (p) => p.lifecycleEvent !== 'CREATE' || !!p.cron,
  { message: 'cron is required, e.g. "*/5 * * * *"' },
);
const OnceParams = Common.extend({ date: z.union([z.string(), z.number()]).optional() }).refine(
  (p) => p.lifecycleEvent !== 'CREATE' || p.date !== undefined,
  { message: 'date is required (ISO 8601)' },
);

/** Fires the trigger (fully qualified name); returns false when it no longer exists. */
export type FireTrigger = (triggerName: string, payload: Record<string, unknown>) => boolean;

interface Alarm {
  timer?: NodeJS.Timeout;
  fired: number;
  config: Record<string, unknown>;
}

export class AlarmScheduler {
  private readonly alarms = new Map<string, Alarm>();
  constructor(
    private readonly fire: FireTrigger,
    private readonly log: LogSink,
    /** the alarm's key for a trigger name as the feed caller spelled it (e.g. resolves `/_/`) */
    private readonly keyOf: (triggerName: string) => string = (name) => name,
  ) {}

  /** The three feed actions, keyed by action name inside the `alarms` package. */
  feedActions(): Record<'interval' | 'alarm' | 'once', UserMain> {
    return {
      interval: this.feed(IntervalParams, (p) => {
        const every = (p.seconds ?? p.minutes! * 60) * 1000;
        return () => every;
      }),
      alarm: this.feed(AlarmParams, (p) => {
        const schedule = parseCron(p.cron!);
        // after the time last due, not only after now: a timer a few ms early must not fire that second twice
        let due = Date.now();
        return () => {
          due = nextRun(schedule, new Date(Math.max(Date.now(), due))).getTime();
          return due - Date.now();
        };
      }),
      once: this.feed(OnceParams, (p) => {
        const at = new Date(p.date!).getTime();
        if (Number.isNaN(at))
          throw new Error(`date "${p.date}" is not a date; use ISO 8601 such as 2030-01-01T00:00:00Z`);
        let armed = false;
        return () => (armed ? undefined : ((armed = true), Math.max(0, at - Date.now())));
      }),
    };
  }

  cancel(triggerName: string): boolean {
    const alarm = this.alarms.get(triggerName);
    clearTimeout(alarm?.timer);
    return this.alarms.delete(triggerName);
  }

  cancelAll(): void {
    for (const name of [...this.alarms.keys()]) this.cancel(name);
  }

  scheduled(): string[] {
    return [...this.alarms.keys()];
  }

  private feed<P extends z.infer<typeof Common>>(
    schema: z.ZodType<P>,
    delays: (params: P) => () => number | undefined,
  ): UserMain {
    return (raw) => {
      const parsed = schema.safeParse(raw);
      if (!parsed.success)
        return {
          error: `feed parameters are not valid: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`,
        };
      const params = parsed.data;
      const name = this.keyOf(params.triggerName);
      switch (params.lifecycleEvent) {
        case 'DELETE':
        case 'PAUSE':
          this.cancel(name);
          return {};
        case 'READ':
          return this.alarms.has(name)
            ? { config: this.alarms.get(name)!.config, status: { active: !!this.alarms.get(name)!.timer } }
            : { error: `no alarm is bound to ${name}` };
        default: {
          let nextDelay: () => number | undefined;
          try {
            nextDelay = delays(params);
          } catch (error) {
            return {
              error: `feed parameters are not valid: ${error instanceof Error ? error.message : String(error)}`,
            };
          }
          this.cancel(name);
          this.arm(name, nextDelay, payloadOf(params.trigger_payload), params.maxTriggers, {
            ...params,
            lifecycleEvent: undefined,
          });
          return {};
        }
      }
    };
  }

  private arm(
    name: string,
    nextDelay: () => number | undefined,
    payload: Record<string, unknown>,
    maxTriggers: number | undefined,
    config: Record<string, unknown>,
  ): void {
    const alarm: Alarm = { fired: 0, config };
    this.alarms.set(name, alarm);
    const schedule = () => {
      const delay = nextDelay();
      if (delay === undefined || (maxTriggers !== undefined && maxTriggers >= 0 && alarm.fired >= maxTriggers))
        return void (alarm.timer = undefined);
      alarm.timer = setTimeout(tick, Math.min(delay, 2 ** 31 - 1));
      alarm.timer.unref();
    };
    const tick = () => {
      if (this.alarms.get(name) !== alarm) return;
      alarm.fired++;
      if (!this.fire(name, payload)) {
        this.log({ level: 'warn', msg: 'alarm trigger is gone; alarm stopped', trigger: name });
        this.cancel(name);
        return;
      }
      schedule();
    };
    outsideActivation(schedule);
  }
}

function payloadOf(payload: string | Record<string, unknown> | undefined): Record<string, unknown> {
  if (payload === undefined || payload === '') return {};
  if (typeof payload !== 'string') return payload;
  try {
    const parsed: unknown = JSON.parse(payload);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : { payload: parsed };
  } catch {
    return { payload };
  }
}
