/**
 * Timestamps as the monitors write them, normalised to ISO-8601 UTC with `Z`.
 * Aodh (`2026-11-23T01:37:37.604627`), Nova (`2026-11-23 01:36:50.307998`) and Masakari write
 * UTC without a zone; Alertmanager writes RFC 3339 with a zone and up to nanoseconds.
 */
import * as z from 'zod';

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:?\d{2})?$/i;

/** `2026-11-23 01:36:50.307998` → `2026-11-23T01:36:50.307Z`; no zone means UTC. Undefined if unreadable. */
export function toIsoUtc(text: string): string | undefined {
  const m = TIMESTAMP.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, fraction = '0', zone = 'Z'] = m;
  const wallClock = new Date(Date.UTC(2000, +mo - 1, +d, +h, +mi, +s, Number(fraction.slice(0, 3).padEnd(3, '0'))));
  wallClock.setUTCFullYear(+y); // Date.UTC maps years 0-99 to 1900-1999; Alertmanager writes 0001-01-01 for "no end"
  const sameDay =
    wallClock.getUTCFullYear() === +y && wallClock.getUTCMonth() === +mo - 1 && wallClock.getUTCDate() === +d;
  if (!sameDay || +h > 23 || +mi > 59 || +s > 59) return undefined; // 2026-02-30, 24:00, leap seconds
  return new Date(wallClock.getTime() - zoneOffsetMinutes(zone) * 60_000).toISOString();
}

function zoneOffsetMinutes(zone: string): number {
  if (zone.toUpperCase() === 'Z') return 0;
  const digits = zone.slice(1).replace(':', '');
  return (zone.startsWith('-') ? -1 : 1) * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4)));
}

/** A timestamp string any monitor may send; the schema checks it is readable, mapping converts it. */
export const timestampSchema = z.string().refine((text) => toIsoUtc(text) !== undefined, {
  message: 'Expected a timestamp like 2026-11-23T01:37:37.604627 (UTC) or RFC 3339 with a zone',
});

/** For values a schema has already checked with `timestampSchema`. */
export const isoUtc = (checked: string): string => toIsoUtc(checked) as string;
