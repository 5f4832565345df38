/**
 * console/views.ts: which phase each timeline entry belongs to, an incident's phases to scale and each
 * step's duration (drawn by console/ui/incidents.ts Timeline), on records shaped as the steps write them
 * (the timeline entries of functions/evacuate and classify-alarm).
 */
import type { IncidentRecord, TimelineEntry } from '../../../core/domain/plan';
import { mttrSeries, phaseOf, segmentsOf, stepTimes } from '../../../console/views';
import { Timeline } from '../../../console/ui/incidents';
import { one, textOf } from '../../support/render';

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

  it('gives each step the time from the entry before it, the first from the alarm, and draws it', () => {
    const r = recordOf('resolved', [
      entry(0, 'classify-alarm', 'HELD_FOR_APPROVAL'),
      entry(1, 'notify', 'DONE'),
      entry(60, 'evacuate', 'APPROVED'),
      entry(60.5, 'evacuate', 'DONE'),
      entry(64, 'evacuate', 'RESOLVED'),
    ]);
    const times = stepTimes(r, T0 + 999_000);
    expect(times).toEqual({ ms: [2000, 1000, 59_000, 500, 3500] }); // over: no wait after the last entry
    const v = Timeline({ record: r, times });
    expect(textOf(one(v, 'step-2'))).toBe('01:56:00 +59 s evacuate APPROVED: evacuate APPROVED');
    expect(textOf(one(v, 'step-3-took'))).toBe('+0.5 s');
  });

  it('says how long an open incident has waited since its last step, and counts a clock step back as 0', () => {
    const r = recordOf('held', [entry(0, 'classify-alarm', 'HELD_FOR_APPROVAL'), entry(-1, 'notify', 'DONE')]);
    const times = stepTimes(r, T0 + 30_000);
    expect(times).toEqual({ ms: [2000, 0], openForMs: 30_000 });
    expect(textOf(one(Timeline({ record: r, times }), 'step-waiting'))).toBe('open: 30 s since the last step');
  });
});
