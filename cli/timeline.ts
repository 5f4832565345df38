/** Readable timelines for the terminal. */
import type { TimelineEntry } from '../core/domain/plan';

export const formatEntry = (e: TimelineEntry, indent = '') =>
  `${indent}${e.at.slice(11, 23)}  ${e.step.padEnd(14)} ${e.outcome.padEnd(17)} ${e.reason}`;
export const formatTimeline = (t: TimelineEntry[], indent = '') => t.map((e) => formatEntry(e, indent)).join('\n');
