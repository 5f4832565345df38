/** Controls: maintenance per host and for everything, the stored dry run, pause / resume of automation. */
import { useState } from 'preact/hooks';
import type { Fleet } from '../fleet';
import { api, type Me } from './api';
import { html } from './html';
import { usePoll } from './poll';

type Switch = { since: string; by?: { via: string; name: string } };
type State = { dryRun?: Switch; paused?: Switch; maintenance: (Switch & { subject: string })[] };
type Change = { control: 'maintenance'; subject: string; on: boolean } | { control: 'dry-run' | 'pause'; on: boolean };

const since = (s?: Switch) => (s ? `on since ${s.since}${s.by ? ` (by ${s.by.name})` : ''}` : 'off');

export function ControlsPage({ me }: { me: Me }) {
  const state = usePoll<State>('/controls');
  const fleet = usePoll<Fleet>('/fleet', 10_000);
  const [msg, setMsg] = useState<string | undefined>();
  const change = (c: Change) => () =>
    api<{ audit: { reason: string } }>('/controls', c).then(
      (r) => (setMsg(r.audit.reason), state.reload()),
      (e: Error) => setMsg(e.message),
    );
  const s = state.data;
  if (!s) return html`<section>${state.error ?? 'loading…'}</section>`;
  const inMaint = (subject: string) => s.maintenance.find((m) => m.subject === subject);
  const toggle = (label: string, id: string, on: Switch | undefined, c: (on: boolean) => Change) =>
    html`<div class="switch">
      <b>${label}</b> <span data-testid=${`${id}-state`}>${since(on)}</span>
      ${me.operator && html`<button data-testid=${`${id}-toggle`} onClick=${change(c(!on))}>turn ${on ? 'off' : 'on'}</button>`}
    </div>`;
  return html`<section>
    ${!me.operator && html`<p class="muted">read-only: changing a control needs the operator role</p>`}
    ${toggle('automation paused', 'pause', s.paused, (on) => ({ control: 'pause', on }))}
    ${toggle('dry run (new alarms decided, nothing written)', 'dry-run', s.dryRun, (on) => ({ control: 'dry-run', on }))}
    ${toggle('maintenance of everything', 'maintenance-all', inMaint('all'), (on) => ({ control: 'maintenance', subject: 'all', on }))}
    ${(fleet.data?.hosts ?? []).map((h) =>
      toggle(`maintenance of ${h.host}`, `maintenance-${h.host}`, inMaint(`host:${h.host}`), (on) => ({
        control: 'maintenance',
        subject: `host:${h.host}`,
        on,
      })),
    )}
    ${s.maintenance
      .filter((m) => m.subject.startsWith('stack:'))
      .map((m) =>
        toggle(`maintenance of ${m.subject}`, `maintenance-${m.subject}`, m, (on) => ({
          control: 'maintenance',
          subject: m.subject,
          on,
        })),
      )}
    ${msg && html`<p data-testid="controls-message">${msg}</p>`}
  </section>`;
}
