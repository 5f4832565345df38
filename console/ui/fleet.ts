/**
 * Fleet: every compute host as Nova reports it now, with stackmend's view of it (fenced by stackmend,
 * evacuable servers, maintenance and by which switch), its free capacity in Placement; the host
 * aggregates; the circuit breaker and beside it the blast radius: each limited scope's failed hosts, the
 * fence cycle, and the storms holding new host incidents with when their cooldown ends.
 */
import type { Fleet } from '../fleet';
import { ago, clock, Head, html } from './html';
import { usePoll } from './poll';

type Host = Fleet['hosts'][number];
type Blast = Fleet['blast'];

const service = (h: Host) =>
  [
    h.state,
    h.forcedDown ? 'forced down' : '',
    h.status === 'disabled' ? `disabled${h.disabledReason ? ` (${h.disabledReason})` : ''}` : '',
  ]
    .filter(Boolean)
    .join(', ');

const fenced = (h: Host) => {
  const f = h.fenced;
  if (!f) return '';
  const how = [
    f.poweredOff ? `powered off through ${f.poweredOff.through} at ${clock(f.poweredOff.at)}` : '',
    f.isolated ? 'forced down and disabled in Nova' : '',
  ].filter(Boolean);
  return `${how.join('; ')} (incident ${f.incident})`;
};

const evacuable = (h: Host) =>
  h.evacuable === undefined ? html`<span class="muted" title=${h.evacuableUnknown}>unknown</span>` : h.evacuable;

function BlastRadius({ blast }: { blast: Blast }) {
  const limits = blast.scopes.map(
    (s) => `${s.scope}: ${s.failed.length} of ${s.total} failed (limit ${s.limit})${s.tripped ? ' — over' : ''}`,
  );
  const cycle = `fenced this cycle: ${blast.fencedThisCycle.length} of ${blast.maxFencedPerCycle}`;
  return html`<div data-testid="blast">
    <p data-testid="blast-limits" class=${blast.scopes.some((s) => s.tripped) ? 'bad' : ''}>
      blast radius — ${[...limits, cycle].join(' · ')}
    </p>
    ${
      blast.storms.length
        ? html`<ul data-testid="storms" class="bad">
            ${blast.storms.map(
              (s) =>
                html`<li data-testid=${`storm-${s.scope}`}>
                  ${
                    s.state === 'storm'
                      ? `storm in ${s.scope} since ${s.since}: ${s.failed.length} of ${s.total} failed (limit ${s.limit}); new host incidents there are held`
                      : `cooldown in ${s.scope}: back under its limit since ${s.calmSince}; new host incidents there are held until ${s.until}`
                  }
                </li>`,
            )}
          </ul>`
        : html`<p data-testid="storms" class="good">no storm: new host incidents are not held by the blast radius</p>`
    }
  </div>`;
}

/** The fleet as read (no hooks: test/unit/console/fleet.test.ts draws it). */
export function FleetView({ fleet }: { fleet: Fleet }) {
  const { hosts, breaker, aggregates } = fleet;
  return html`<section>
    <p data-testid="breaker" class=${breaker.tripped ? 'bad' : 'good'}>
      circuit breaker: ${breaker.open} open incidents, limit ${breaker.limit} —
      ${breaker.tripped ? 'the next incident is held for a human' : 'closed: incidents are acted on'}
    </p>
    <${BlastRadius} blast=${fleet.blast} />
    ${fleet.capacityError && html`<p class="bad" data-testid="capacity-error">${fleet.capacityError}</p>`}
    <table data-testid="fleet">
      <${Head}
        cols=${['host', 'service', 'fenced by stackmend', 'liveness', 'last heartbeat', 'servers', 'evacuable', 'free vCPU / RAM / disk', 'open incidents', 'maintenance']}
      />
      <tbody>
        ${hosts.map(
          (h) =>
            html`<tr data-testid=${`host-${h.host}`}>
              <td>${h.host}</td>
              <td class=${h.state === 'up' && !h.forcedDown && h.status === 'enabled' ? 'good' : 'bad'}>
                ${service(h)}
              </td>
              <td data-testid=${`fenced-${h.host}`}>${fenced(h)}</td>
              <td>${h.liveness}</td>
              <td>${ago(h.heartbeatAgeSec)} ago</td>
              <td>${h.servers}</td>
              <td data-testid=${`evacuable-${h.host}`}>${evacuable(h)}</td>
              <td>
                ${h.freeVcpus ?? '—'} / ${h.freeRamMb === undefined ? '—' : `${h.freeRamMb} MB`} /
                ${h.freeDiskGb === undefined ? '—' : `${h.freeDiskGb} GB`}
              </td>
              <td>${h.openIncidents.length}</td>
              <td data-testid=${`maintenance-${h.host}`}>
                ${h.maintenance ? `on (${h.maintenanceBy.join(', ')})` : ''}
              </td>
            </tr>`,
        )}
      </tbody>
    </table>
    <h3>host aggregates</h3>
    <table data-testid="aggregates">
      <${Head} cols=${['aggregate', 'hosts', 'maintenance']} />
      <tbody>
        ${aggregates.map(
          (a) =>
            html`<tr data-testid=${`aggregate-${a.name}`}>
              <td>${a.name}</td>
              <td>${a.hosts.join(', ')}</td>
              <td>${a.maintenance ? 'on' : ''}</td>
            </tr>`,
        )}
      </tbody>
    </table>
  </section>`;
}

export function FleetPage() {
  const fleet = usePoll<Fleet>('/fleet', 5000);
  if (!fleet.data) return html`<section>${fleet.error ?? 'asking Nova…'}</section>`;
  return html`<${FleetView} fleet=${fleet.data} />`;
}
