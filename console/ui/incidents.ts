/**
 * Incidents: the list with its filters and the MTTR chart; one incident's timeline (alarm → decision
 * and rule → each step with its request ids and results → verification) and, for a held evacuation,
 * Approve / Deny for an operator.
 */
import { useState } from 'preact/hooks';
import { FENCE_METHODS } from '../../core/domain/fence';
import type { IncidentRecord } from '../../core/domain/plan';
import { STATUS_FILTERS, type IncidentSummary, type MttrPoint, type StepTimes } from '../views';
import { api, type Me } from './api';
import { MttrChart, PhaseLegend, secs, TimelineBar, Total } from './charts';
import { clock, Head, html, TextInput } from './html';
import { usePoll } from './poll';

type List = {
  incidents: IncidentSummary[];
  facets: { kinds: string[]; hosts: string[]; stacks: string[] };
  mttr: MttrPoint[];
};
type Detail = { summary: IncidentSummary; record: IncidentRecord; times: StepTimes };
type Filter = { status: string; kind: string; host: string; stack: string };

const query = (f: Filter) => new URLSearchParams(Object.entries(f).filter(([, v]) => v)).toString();

function Select({
  label,
  value,
  options,
  onChange,
}: {
  label: string;
  value: string;
  options: string[];
  onChange: (v: string) => void;
}) {
  return html`<label
    >${label}
    <select
      data-testid=${`filter-${label}`}
      value=${value}
      onChange=${(e: Event) => onChange((e.target as HTMLSelectElement).value)}
    >
      <option value="">any</option>
      ${options.map((o) => html`<option value=${o}>${o}</option>`)}
    </select>
  </label>`;
}

export function IncidentsPage({ me }: { me: Me }) {
  const [filter, setFilter] = useState<Filter>({ status: '', kind: '', host: '', stack: '' });
  const [chosen, choose] = useState<string | undefined>();
  const list = usePoll<List>(`/incidents?${query(filter)}`);
  const set = (k: keyof Filter) => (v: string) => setFilter({ ...filter, [k]: v });
  const facets = list.data?.facets ?? { kinds: [], hosts: [], stacks: [] };
  return html`<section>
    <h2>MTTR over time</h2>
    <${MttrChart} points=${list.data?.mttr ?? []} />
    <h2>Incidents</h2>
    <div class="filters">
      <${Select} label="status" value=${filter.status} options=${[...STATUS_FILTERS]} onChange=${set('status')} />
      <${Select} label="kind" value=${filter.kind} options=${facets.kinds} onChange=${set('kind')} />
      <${Select} label="host" value=${filter.host} options=${facets.hosts} onChange=${set('host')} />
      <${Select} label="stack" value=${filter.stack} options=${facets.stacks} onChange=${set('stack')} />
    </div>
    ${list.error && html`<p class="error">${list.error}</p>`}
    <table data-testid="incidents">
      <${Head} cols=${['observed', 'status', 'kind', 'subject', 'decision', 'detect → decide → act → verify']} />
      <tbody>
        ${(list.data?.incidents ?? []).map(
          (i) =>
            html`<tr
              class=${`pick ${chosen === i.key ? 'chosen' : ''}`}
              data-testid=${`incident-${i.key}`}
              onClick=${() => choose(i.key)}
            >
              <td>${i.observedAt.replace('T', ' ').slice(0, 19)}</td>
              <td><span class=${`status status-${i.status}`}>${i.status}</span></td>
              <td>${i.kind}</td>
              <td>${i.host ?? ''} ${i.stacks[0] ? html`<span class="muted">${i.stacks[0]}</span>` : ''}</td>
              <td>${i.verdict} <span class="muted">${i.rule}</span></td>
              <td><${TimelineBar} segments=${i.segments} /><${Total} segments=${i.segments} /></td>
            </tr>`,
        )}
      </tbody>
    </table>
    ${chosen && html`<${IncidentDetail} key=${chosen} id=${chosen} me=${me} />`}
  </section>`;
}

function IncidentDetail({ id, me }: { id: string; me: Me }) {
  const d = usePoll<Detail>(`/incidents/${encodeURIComponent(id)}`);
  if (!d.data) return html`<div class="panel">${d.error ?? 'loading…'}</div>`;
  const { summary, record } = d.data;
  return html`<div class="panel" data-testid="incident-detail">
    <h3>${summary.summary}</h3>
    <p>
      <span class=${`status status-${record.status}`} data-testid="detail-status">${record.status}</span>
      <span class="muted"> ${record.key}</span>
    </p>
    <p>
      <${TimelineBar} segments=${summary.segments} width=${480} /><br /><${PhaseLegend} segments=${summary.segments} />
    </p>
    <p>
      alarm: ${record.incident.source} via ${record.incident.transport}, observed ${record.incident.observedAt}
      ${record.reportedBy ? ` , sent by ${record.reportedBy.name} (${record.reportedBy.via})` : ''}
    </p>
    ${
      record.decision &&
      html`<p>
        decision: <b>${record.decision.verdict}</b> by rule <code>${record.decision.rule}</code>:${' '}
        ${record.decision.reason}
      </p>`
    }
    <${Timeline} record=${record} times=${d.data.times} />
    ${summary.approvable && html`<${Decide} id=${id} me=${me} onDone=${d.reload} />`}
  </div>`;
}

/**
 * Each step of the incident with its time, how long it took (from the entry before: the alarm's
 * observation for the first, console/views.ts stepTimes) and its request ids; an open incident's wait
 * since. No hooks: test/unit/console/views.test.ts draws it.
 */
export function Timeline({ record, times }: { record: IncidentRecord; times: StepTimes }) {
  return html`<ol class="timeline" data-testid="timeline">
    ${record.timeline.map(
      (e, i) =>
        html`<li data-testid=${`step-${i}`}>
          <code>${clock(e.at)}</code>
          <span class="muted" data-testid=${`step-${i}-took`}>+${secs(times.ms[i] ?? 0)}</span>
          <b>${e.step}</b> ${e.outcome}: ${e.reason}
          ${e.requestIds?.length ? html`<br /><span class="muted">request ids: ${e.requestIds.join(', ')}</span>` : ''}
        </li>`,
    )}
    ${
      times.openForMs !== undefined &&
      html`<li class="muted" data-testid="step-waiting">open: ${secs(times.openForMs)} since the last step</li>`
    }
  </ol>`;
}

function Decide({ id, me, onDone }: { id: string; me: Me; onDone: () => void }) {
  const [fencedBy, setFencedBy] = useState('');
  const [method, setMethod] = useState<string>('power-off');
  const [reason, setReason] = useState('');
  const [msg, setMsg] = useState<string | undefined>();
  if (!me.operator)
    return html`<p class="muted">held for an operator: you may look, not approve (no operator role)</p>`;
  const send = (what: 'approve' | 'deny', body: unknown) => (e: Event) => {
    e.preventDefault();
    api(`/incidents/${encodeURIComponent(id)}/${what}`, body).then(
      () => (setMsg(`${what === 'approve' ? 'approved' : 'denied'} by ${me.who?.name}`), onDone()),
      (err: Error) => setMsg(err.message),
    );
  };
  return html`<div>
    <form class="inline" onSubmit=${send('approve', { fencedBy, method })}>
      <${TextInput}
        id="fenced-by"
        placeholder="who fenced the host"
        value=${fencedBy}
        onValue=${setFencedBy}
        required
      />
      <select value=${method} onChange=${(e: Event) => setMethod((e.target as HTMLSelectElement).value)}>
        ${FENCE_METHODS.map((m) => html`<option value=${m}>${m}</option>`)}
      </select>
      <button data-testid="approve" type="submit">Approve evacuation</button>
    </form>
    <form class="inline" onSubmit=${send('deny', { reason })}>
      <${TextInput} id="deny-reason" placeholder="why not" value=${reason} onValue=${setReason} required />
      <button data-testid="deny" type="submit">Deny</button>
    </form>
    ${msg && html`<p data-testid="decide-message">${msg}</p>`}
  </div>`;
}
