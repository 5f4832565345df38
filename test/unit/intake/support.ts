/**
 * Test support for the intake: the recorded fixtures of test/events/<source>/ and a way to state
 * what each one must become.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Incident } from '../../../core/domain/incident';
import type { IntakeResult, UnresolvedAlarm } from '../../../core/domain/intake';

const EVENTS = path.join(__dirname, '..', '..', 'events');

/** The payload files of one fixture folder (not its README or meta/), sorted. */
export const fixtureNames = (folder: string): string[] =>
  fs
    .readdirSync(path.join(EVENTS, folder))
    .filter((name) => name.endsWith('.json'))
    .sort();

/** A fresh copy of a recorded body, so a test may mutate it. */
export const load = <T = Record<string, any>>(folder: string, name: string): T =>
  JSON.parse(fs.readFileSync(path.join(EVENTS, folder, name), 'utf8')) as T;

/** The receive time the runtime would pass; only alarms without a time of their own use it. */
export const RECEIVED_AT = '2026-11-23T03:00:00.000Z';

export type Expected =
  | { incidents: Partial<Incident>[] }
  | { ignored: RegExp[] }
  | { incidents: Partial<Incident>[]; ignored: RegExp[] }
  | { unresolved: Partial<UnresolvedAlarm> };

/** Asserts a result holds exactly the expected incidents, ignored reasons and unresolved alarms. */
export function expectOutcome(result: IntakeResult, expected: Expected): void {
  const incidents = 'incidents' in expected ? expected.incidents : [];
  const ignored = 'ignored' in expected ? expected.ignored : [];
  expect(result.incidents).toHaveLength(incidents.length);
  incidents.forEach((incident, i) => expect(result.incidents[i]).toMatchObject(incident));
  expect(result.ignored.map((g) => g.reason)).toEqual(ignored.map((r) => expect.stringMatching(r)));
  if ('unresolved' in expected) expect(result.unresolved).toEqual([expect.objectContaining(expected.unresolved)]);
  else expect(result.unresolved).toEqual([]);
}

/** Every issue of an InvalidPayloadError thrown by `act`, or a failure if it did not throw one. */
export function issuesOf(act: () => unknown): {
  what: string;
  issues: { path: string; message: string; code?: string }[];
} {
  try {
    act();
  } catch (error) {
    expect((error as Error).name).toBe('InvalidPayloadError');
    return error as { what: string; issues: { path: string; message: string; code?: string }[] };
  }
  throw new Error('expected an InvalidPayloadError');
}
