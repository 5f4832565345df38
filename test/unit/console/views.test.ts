/**
 * console/views.ts: which phase each timeline entry belongs to, and an incident's phases to scale, on
 * records shaped as the steps write them (the timeline entries of functions/evacuate and classify-alarm).
 */
import type { IncidentRecord, TimelineEntry } from '../../../core/domain/plan';
import { mttrSeries, phaseOf, segmentsOf } from '../../../console/views';

const T0 = Date.parse('2026-11-23T01:55:00Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString();
const entry = (s: number, step: TimelineEntry['step'], outcome: TimelineEntry['outcome']): TimelineEntry => ({
  at: at(s),
  step,
  outcome,
  reason: `${step} ${outcome}`,
});

const recordOf = (status: IncidentRecord['status'], timeline: TimelineEntry[]): IncidentRecord =>
  ({
    key: 'k',
    status,
    incident: { observedAt: at(-2), kind: 'host-down', subject: { type: 'host', host: 'compute1' } },
    timeline,
    createdAt: timeline[0].at,
    updatedAt: timeline.at(-1)!.at,
  }) as IncidentRecord;

describe('console views', () => {
  it.each<[TimelineEntry['step'], TimelineEntry['outcome'], string]>([
    ['classify-alarm', 'HELD_FOR_APPROVAL', 'decide'],
    ['evacuate', 'HELD_FOR_APPROVAL', 'decide'],
    ['evacuate', 'APPROVED', 'act'],
    ['evacuate', 'DISPATCHED', 'act'],
    ['evacuate', 'RESCHEDULED', 'verify'],
    ['evacuate', 'RESOLVED', 'verify'],
    ['evacuate', 'DONE', 'act'], // its host check and force-down, before the evacuations
    ['stack-update', 'DONE', 'act'],
    ['notify', 'DONE', 'tell'],
  ])('puts %s %s in %s', (step, outcome, phase) => {
    expect(phaseOf(entry(0, step, outcome))).toBe(phase);
  });

  it('draws a held, approved and evacuated host to scale: detect 2 s, decide 60 s, act 1 s, verify 4 s', () => {
    const r = recordOf('resolved', [
      entry(0, 'classify-alarm', 'HELD_FOR_APPROVAL'),
      entry(1, 'notify', 'DONE'),
      entry(60, 'evacuate', 'APPROVED'),
      entry(60.5, 'evacuate', 'DONE'), // the host check and force-down
      entry(61, 'evacuate', 'RESCHEDULED'),
      entry(62, 'classify-alarm', 'RESCHEDULED'), // a recheck after verification began stays in verify
      entry(63, 'evacuate', 'DONE'), // ACTIVE elsewhere: still verifying
      entry(64, 'evacuate', 'RESOLVED'),
      entry(65, 'notify', 'DONE'),
    ]);
    expect(segmentsOf(r, T0 + 999_000).map((s) => [s.phase, s.ms])).toEqual([
      ['detect', 2000],
      ['decide', 60_000],
      ['act', 1000],
      ['verify', 4000], // to the incident's last entry (the notice)
    ]);
    expect(mttrSeries([r])).toEqual([{ key: 'k', resolvedAt: at(64), seconds: 66 }]);
  });

  it('runs the last phase of an open incident up to now', () => {
    const r = recordOf('held', [entry(0, 'classify-alarm', 'HELD_FOR_APPROVAL')]);
    expect(segmentsOf(r, T0 + 30_000).map((s) => [s.phase, s.ms])).toEqual([
      ['detect', 2000],
      ['decide', 30_000],
    ]);
    expect(mttrSeries([r])).toEqual([]);
  });
});
