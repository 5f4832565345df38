/**
 * The operator's switches, kept in the state store and read by classify-alarm at every decision:
 * maintenance of a subject (`host:<name>`, `stack:<id>`, or `all` for everything; the keys
 * functions/_shared/facts.ts reads), a stored dry run (new alarms are decided and reported, nothing
 * written: functions/_shared/step.ts) and a pause (what would act is held for a human instead:
 * core/policy/decide.ts). Every change is appended to the audit log with who made it.
 */
import * as z from 'zod';
import type { Principal } from '../../core/domain/fence';
import type { StateStore } from '../../core/state/store';
import { AUDIT_LOG } from './incidents';

export const CONTROLS = ['maintenance', 'dry-run', 'pause'] as const;
export type Control = (typeof CONTROLS)[number];

/** Maintenance of everything: classify-alarm checks it next to the alarm's own subjects. */
export const EVERYTHING = 'all';
export const maintenanceKey = (subject: string) => `maintenance:${subject}`;

const SwitchSchema = z.object({ since: z.string(), by: z.object({ via: z.string(), name: z.string() }).optional() });
/** A switch that is on: since when, and who turned it on (absent for maintenance set by `stackmend maintenance`). */
export type Switch = z.infer<typeof SwitchSchema>;

/** A change of a switch, as the audit log keeps it next to the incidents' timeline entries. */
export type ControlAudit = {
  at: string;
  control: Control;
  /** `host:compute1`, `stack:<id>`, `all`; `all` for dry-run and pause. */
  subject: string;
  on: boolean;
  by: Principal;
  reason: string;
};

export type ControlsState = { dryRun?: Switch; paused?: Switch; maintenance: (Switch & { subject: string })[] };

const SWITCH_KEY = { 'dry-run': 'control:dry-run', pause: 'control:pause' } as const;
const keyOf = (control: Control, subject: string) =>
  control === 'maintenance' ? maintenanceKey(subject) : SWITCH_KEY[control];

/** A stored value that is not a switch (written by hand or by an older version) still counts as on. */
const asSwitch = (v: unknown): Switch | undefined =>
  v === undefined ? undefined : (SwitchSchema.safeParse(v).data ?? { since: 'unknown' });

export class Controls {
  constructor(
    private readonly store: StateStore,
    private readonly now: () => number,
  ) {}

  async dryRun(): Promise<Switch | undefined> {
    return asSwitch(await this.store.get(SWITCH_KEY['dry-run']));
  }

  async paused(): Promise<Switch | undefined> {
    return asSwitch(await this.store.get(SWITCH_KEY.pause));
  }

  async state(): Promise<ControlsState> {
    const entries = await this.store.list(maintenanceKey(''));
    return {
      dryRun: await this.dryRun(),
      paused: await this.paused(),
      maintenance: entries.map((e) => ({ subject: e.key.slice(maintenanceKey('').length), ...asSwitch(e.value)! })),
    };
  }

  /** Turns `control` on or off for `subject` (maintenance) and appends who did it to the audit log. */
  async set(control: Control, on: boolean, by: Principal, subject = EVERYTHING): Promise<ControlAudit> {
    const at = new Date(this.now()).toISOString();
    const key = keyOf(control, subject);
    if (on) await this.store.put<Switch>(key, { since: at, by: { via: by.via, name: by.name } });
    else await this.store.delete(key);
    const what = control === 'maintenance' ? `maintenance of ${subject}` : control;
    const entry: ControlAudit = {
      at,
      control,
      subject,
      on,
      by: { via: by.via, name: by.name },
      reason: `${what} turned ${on ? 'on' : 'off'} by ${by.name} (${by.via})`,
    };
    await this.store.append<ControlAudit>(AUDIT_LOG, entry);
    return entry;
  }
}
