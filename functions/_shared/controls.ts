/**
 * The operator's switches, kept in the state store and read by classify-alarm at every decision:
 * maintenance of a subject (`host:<name>`, `aggregate:<name>`, `stack:<id>`, or `all` for everything;
 * the keys functions/_shared/facts.ts reads), a stored dry run (new alarms are decided and reported,
 * nothing written: functions/_shared/step.ts) and a pause of everything, of a host or of a host
 * aggregate (what would act there is held for a human instead: core/policy/decide.ts). Every change is
 * appended to the audit log with who made it.
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
/** A pause of one host or aggregate (`host:<name>`, `aggregate:<name>`); `all` is the global pause. */
export const pauseKey = (subject: string) => (subject === EVERYTHING ? SWITCH_KEY.pause : `pause:${subject}`);

const SwitchSchema = z.object({ since: z.string(), by: z.object({ via: z.string(), name: z.string() }).optional() });
/** A switch that is on: since when, and who turned it on (absent for maintenance set by `stackmend maintenance`). */
export type Switch = z.infer<typeof SwitchSchema>;

/** A change of a switch, as the audit log keeps it next to the incidents' timeline entries. */
export type ControlAudit = {
  at: string;
  control: Control;
  /** `host:compute1`, `aggregate:<name>`, `stack:<id>`, `all`; dry-run: `all`; pause: `all`, a host, an aggregate. */
  subject: string;
  on: boolean;
  by: Principal;
  reason: string;
};

export type ControlsState = {
  dryRun?: Switch;
  paused?: Switch;
  maintenance: (Switch & { subject: string })[];
  /** Hosts and aggregates paused on their own (the global pause is `paused`). */
  pauses?: (Switch & { subject: string })[];
};

const SWITCH_KEY = { 'dry-run': 'control:dry-run', pause: 'control:pause' } as const;
const keyOf = (control: Control, subject: string) =>
  control === 'maintenance' ? maintenanceKey(subject) : control === 'pause' ? pauseKey(subject) : SWITCH_KEY[control];
const PAUSE_PREFIX = pauseKey('');

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

  /** Is an aggregate in maintenance or paused? (Only then is a server's host looked up in Nova's aggregates.) */
  async anyAggregate(): Promise<boolean> {
    const [m, p] = await Promise.all([
      this.store.list(maintenanceKey('aggregate:')),
      this.store.list(pauseKey('aggregate:')),
    ]);
    return m.length + p.length > 0;
  }

  /** The pause that holds these subjects (`host:<name>`, `aggregate:<name>`): the global one first. */
  async pausedFor(subjects: string[]): Promise<(Switch & { subject: string }) | undefined> {
    for (const subject of [EVERYTHING, ...subjects]) {
      const on = asSwitch(await this.store.get(pauseKey(subject)));
      if (on) return { subject, ...on };
    }
    return undefined;
  }

  async state(): Promise<ControlsState> {
    const subjects = async (prefix: string) =>
      (await this.store.list(prefix)).map((e) => ({ subject: e.key.slice(prefix.length), ...asSwitch(e.value)! }));
    return {
      dryRun: await this.dryRun(),
      paused: await this.paused(),
      maintenance: await subjects(maintenanceKey('')),
      pauses: await subjects(PAUSE_PREFIX),
    };
  }

  /** Turns `control` on or off for `subject` (maintenance) and appends who did it to the audit log. */
  async set(control: Control, on: boolean, by: Principal, subject = EVERYTHING): Promise<ControlAudit> {
    const at = new Date(this.now()).toISOString();
    const key = keyOf(control, subject);
    if (on) await this.store.put<Switch>(key, { since: at, by: { via: by.via, name: by.name } });
    else await this.store.delete(key);
    const what = control === 'maintenance' || subject !== EVERYTHING ? `${control} of ${subject}` : control;
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
