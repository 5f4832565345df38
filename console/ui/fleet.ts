/**
 * Fleet: every compute host as Nova reports it now, with stackmend's view of it, its free capacity in
 * Placement, and the circuit breaker.
 */
import type { Fleet } from '../fleet';
import { ago, Head, html } from './html';
import { usePoll } from './poll';

const service = (h: Fleet['hosts'][number]) =>
  [
    h.state,
    h.forcedDown ? 'forced down' : '',
    h.status === 'disabled' ? `disabled${h.disabledReason ? ` (${h.disabledReason})` : ''}` : '',
  ]
    .filter(Boolean)
    .join(', ');

export function FleetPage() {
  const fleet = usePoll<Fleet>('/fleet', 5000);
  if (!fleet.data) return html`<section>${fleet.error ?? 'asking Nova…'}</section>`;
  const { hosts, breaker } = fleet.data;
  return html`<section>
    <p data-testid="breaker" class=${breaker.tripped ? 'bad' : 'good'}>
      circuit breaker: ${breaker.open} open incidents, limit ${breaker.limit} —
      ${breaker.tripped ? 'the next incident is held for a human' : 'closed: incidents are acted on'}
    </p>
    ${fleet.data.capacityError && html`<p class="bad" data-testid="capacity-error">${fleet.data.capacityError}</p>`}
    <table data-testid="fleet">
      <${Head}
        cols=${['host', 'service', 'liveness', 'last heartbeat', 'servers', 'evacuable', 'free vCPU / RAM / disk', 'open incidents', 'maintenance']}
      />
      <tbody>
        ${hosts.map(
          (h) =>
            html`<tr data-testid=${`host-${h.host}`}>
              <td>${h.host}</td>
              <td class=${h.state === 'up' && !h.forcedDown && h.status === 'enabled' ? 'good' : 'bad'}>
                ${service(h)}
              </td>
              <td>${h.liveness}</td>
              <td>${ago(h.heartbeatAgeSec)} ago</td>
              <td>${h.servers}</td>
              <td>${h.evacuable}</td>
              <td>
                ${h.freeVcpus ?? '—'} / ${h.freeRamMb === undefined ? '—' : `${h.freeRamMb} MB`} /
                ${h.freeDiskGb === undefined ? '—' : `${h.freeDiskGb} GB`}
              </td>
              <td>${h.openIncidents.length}</td>
              <td>${h.maintenance ? 'on' : ''}</td>
            </tr>`,
        )}
      </tbody>
    </table>
  </section>`;
}
