/**
 * Times as the trust checks compare them: epoch milliseconds read from the timestamps Nova and the
 * monitors write (core/domain/alarms/time.ts reads every form; no zone means UTC).
 */
import { toIsoUtc } from './alarms/time';

/** How far a sender's clock may run ahead of stackmend's before its time counts as in the future. */
export const CLOCK_SKEW_SEC = 5;

/** `2026-11-23T01:47:36.000000` → epoch ms; undefined when absent or unreadable. */
export function epochMsOf(text: string | null | undefined): number | undefined {
  const iso = text ? toIsoUtc(text) : undefined;
  return iso === undefined ? undefined : Date.parse(iso);
}

export const isoOf = (ms: number): string => new Date(ms).toISOString();
