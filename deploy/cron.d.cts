/** Types of ./cron.cjs. */
export interface CronSchedule {
  seconds: Set<number>;
  minutes: Set<number>;
  hours: Set<number>;
  days: Set<number>;
  months: Set<number>;
  weekdays: Set<number>;
  restrictedDays: boolean;
  restrictedWeekdays: boolean;
}
/** The expression is not one the alarm feed takes; the message names the field and what it holds. */
export class CronError extends Error {}
/** 5 fields, or 6 with leading seconds; a CronError naming the field otherwise. */
export function parseCron(expression: string): CronSchedule;
/** The first time strictly after `after` that the schedule matches (UTC, second precision); a CronError if never. */
export function nextRun(schedule: CronSchedule, after: Date): Date;
