/**
 * Cron expressions for the `/whisk.system/alarms/alarm` feed (five fields, or six with leading seconds,
 * UTC). The parser is deploy/cron.cjs, which the deploy plugin checks a stage's cron with; here its
 * CronError becomes the REST API's 400.
 */
import * as cron from '../../deploy/cron.cjs';
import { WhiskBadRequestError } from './errors';

export type CronSchedule = cron.CronSchedule;

function asBadRequest<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof cron.CronError) throw new WhiskBadRequestError(error.message);
    throw error;
  }
}

export const parseCron = (expression: string): CronSchedule => asBadRequest(() => cron.parseCron(expression));

/** The first time strictly after `after` that the schedule matches (UTC, second precision). */
export const nextRun = (schedule: CronSchedule, after: Date): Date => asBadRequest(() => cron.nextRun(schedule, after));
