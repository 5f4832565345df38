/**
 * Controls: the global pause, the stored dry run and maintenance of everything; per compute host and per
 * host aggregate (Nova's, as the fleet API reads them) maintenance and pause / resume; maintenance of a
 * stack, typed by name or id. Each change goes through POST /ui/api/controls (console/api/controls.ts),
 * which audits it with who. Without the operator role every switch is shown, its button disabled.
 */
import { useState } from 'preact/hooks';
import { AGGREGATE_NAME, stackSubject } from '../../core/domain/subjects';
import type { Fleet } from '../fleet';
import { api, type Me } from './api';
import { html } from './html';
import { usePoll } from './poll';

type Switch = { since: string; by?: { via: string; name: string } };
type On = Switch & { subject: string };
/** GET /ui/api/controls (functions/_shared/controls.ts ControlsState). */
export type ControlsState = { dryRun?: Switch; paused?: Switch; maintenance: On[]; pauses?: On[] };
/** POST /ui/api/controls (console/api/controls.ts ControlChangeSchema). */
export type Change =
  | { control: 'maintenance'; subject: string; on: boolean }
  | { control: 'pause'; subject?: string; on: boolean }
  | { control: 'dry-run'; on: boolean };

const since = (s?: Switch) => (s ? `on since ${s.since}${s.by ? ` (by ${s.by.name})` : ''}` : 'off');
const READ_ONLY = 'changing a control needs the operator role';

/** The value of the form's field `name` when the form is sent. */
const fieldOf = (e: Event, name: string) =>
  String(((e.currentTarget as HTMLFormElement).elements.namedItem(name) as HTMLInputElement | null)?.value ?? '');

export type ControlsViewProps = {
  state: ControlsState;
  fleet?: Fleet;
  me: Me;
  message?: string;
  /** Sends a change to the API. */
  send: (c: Change) => void;
  /** Shows a message without asking the API (a stack typed wrong). */
  say: (message: string) => void;
};

/** The controls as they are now, each with its button (no hooks: test/unit/console/controls.test.ts draws it). */
export function ControlsView({ state, fleet, me, message, send, say }: ControlsViewProps) {
  const readOnly = !me.operator;
  const find = (list: On[] | undefined, subject: string) => list?.find((m) => m.subject === subject);
  const toggle = (label: string, id: string, on: Switch | undefined, c: (on: boolean) => Change, refused?: string) =>
    html`<div class="switch" data-testid=${id}>
      <b>${label}</b> <span data-testid=${`${id}-state`}>${since(on)}</span>
      <button
        data-testid=${`${id}-toggle`}
        disabled=${readOnly || !!refused}
        title=${refused ?? (readOnly ? READ_ONLY : '')}
        onClick=${() => send(c(!on))}
      >
        turn ${on ? 'off' : 'on'}
      </button>
    </div>`;
  // test ids: maintenance-<subject> and pause-<subject>; a host's maintenance is maintenance-<host>
  const maintenance = (label: string, subject: string, refused?: string, id = subject) =>
    toggle(
      `maintenance of ${label}`,
      `maintenance-${id}`,
      find(state.maintenance, subject),
      (on) => ({
        control: 'maintenance',
        subject,
        on,
      }),
      refused,
    );
  const pause = (label: string, subject: string, refused?: string) =>
    toggle(
      `automation of ${label} paused`,
      `pause-${subject}`,
      find(state.pauses, subject),
      (on) => ({
        control: 'pause',
        subject,
        on,
      }),
      refused,
    );
  const hosts = fleet?.hosts ?? [];
  const aggregates = fleet?.aggregates ?? [];
  const shown = new Set([...hosts.map((h) => `host:${h.host}`), ...aggregates.map((a) => `aggregate:${a.name}`)]);
  // switches on for a subject the fleet does not list now (a stack, a host gone from Nova): shown to turn off
  const others = (list: On[] | undefined) => (list ?? []).filter((m) => m.subject !== 'all' && !shown.has(m.subject));
  const sendStack = (e: Event) => {
    e.preventDefault();
    const typed = stackSubject(fieldOf(e, 'stack'));
    if ('error' in typed) say(typed.error);
    else send({ control: 'maintenance', subject: typed.subject, on: true });
  };
  return html`<section>
    ${readOnly && html`<p class="muted">read-only: ${READ_ONLY}</p>`}
    <h3>everything</h3>
    ${toggle('automation paused', 'pause', state.paused, (on) => ({ control: 'pause', on }))}
    ${toggle('dry run (new alarms decided, nothing written)', 'dry-run', state.dryRun, (on) => ({ control: 'dry-run', on }))}
    ${maintenance('everything', 'all')}
    <h3>compute hosts</h3>
    ${fleet ? '' : html`<p class="muted">asking Nova for the hosts…</p>`}
    ${hosts.map((h) => [maintenance(h.host, `host:${h.host}`, undefined, h.host), pause(h.host, `host:${h.host}`)])}
    <h3>host aggregates</h3>
    ${fleet && !aggregates.length ? html`<p class="muted">Nova lists no host aggregate</p>` : ''}
    ${aggregates.map((a) => {
      const refused = AGGREGATE_NAME.test(a.name)
        ? undefined
        : 'the controls take aggregate names of letters, digits, space, _ . - only';
      const label = `aggregate ${a.name} (${a.hosts.join(', ') || 'no hosts'})`;
      return [maintenance(label, `aggregate:${a.name}`, refused), pause(label, `aggregate:${a.name}`, refused)];
    })}
    <h3>stacks and other subjects</h3>
    ${others(state.maintenance).map((m) => maintenance(m.subject, m.subject))}
    ${others(state.pauses).map((m) => pause(m.subject, m.subject))}
    <form class="inline" data-testid="stack-maintenance" onSubmit=${sendStack}>
      <input
        name="stack"
        data-testid="stack-maintenance-input"
        placeholder="stack name or id"
        required
        disabled=${readOnly}
      />
      <button
        type="submit"
        data-testid="stack-maintenance-submit"
        disabled=${readOnly}
        title=${readOnly ? READ_ONLY : ''}
      >
        turn maintenance of the stack on
      </button>
    </form>
    ${message && html`<p data-testid="controls-message">${message}</p>`}
  </section>`;
}

export function ControlsPage({ me }: { me: Me }) {
  const state = usePoll<ControlsState>('/controls');
  const fleet = usePoll<Fleet>('/fleet', 10_000);
  const [message, say] = useState<string | undefined>();
  const send = (c: Change) =>
    api<{ audit: { reason: string } }>('/controls', c).then(
      (r) => (say(r.audit.reason), state.reload()),
      (e: Error) => say(e.message),
    );
  if (!state.data) return html`<section>${state.error ?? 'loading…'}</section>`;
  return html`<${ControlsView}
    state=${state.data}
    fleet=${fleet.data}
    me=${me}
    message=${message}
    send=${send}
    say=${say}
  />`;
}
