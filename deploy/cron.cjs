/**
 * Cron expressions of the `/whisk.system/alarms/alarm` feed: five fields
 * (minute hour day-of-month month day-of-week) or six with leading seconds, in UTC, as Apache
 * OpenWhisk's alarms package takes them (openwhisk-package-alarms README: "supports five or six fields").
 * Each field takes `*`, `n`, `a-b`, `*\/s`, `a-b/s` and comma lists; day-of-week 0 or 7 is Sunday.
 * As in cron, when both day fields are restricted a day matching either one fires.
 * Plain CommonJS without dependencies: the deploy plugin checks a stage's cron with it
 * (deploy/reconcile-feed.cjs) and the local runtime schedules with it (local/whisk/cron.ts).
 */
'use strict';

/** The expression is not one the alarm feed takes; the message names the field and what it holds. */
class CronError extends Error {
  constructor(message) {
    super(message);
    this.name = 'CronError';
  }
}

const FIELDS = [
  { name: 'second', min: 0, max: 59 },
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12 },
  { name: 'day of week', min: 0, max: 7 },
];

function parseCron(expression) {
  const parts = String(expression).trim().split(/\s+/);
  if (parts.length !== 5 && parts.length !== 6) {
    throw new CronError(
      `cron "${expression}" must have 5 fields (minute hour day month weekday) or 6 (with leading seconds)`,
    );
  }
  const all = parts.length === 5 ? ['0', ...parts] : parts;
  const [seconds, minutes, hours, days, months, weekdays] = all.map((text, i) =>
    parseField(text, FIELDS[i], expression),
  );
  if (weekdays.delete(7)) weekdays.add(0);
  return {
    seconds,
    minutes,
    hours,
    days,
    months,
    weekdays,
    restrictedDays: all[3] !== '*',
    restrictedWeekdays: all[5] !== '*',
  };
}

function parseField(text, field, expression) {
  const values = new Set();
  for (const item of text.split(',')) {
    const match = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(item);
    if (!match)
      throw new CronError(
        `cron "${expression}": "${item}" is not a valid ${field.name}; use numbers, ranges, lists and steps`,
      );
    const from = match[1] === '*' ? field.min : Number(match[2]);
    const to = match[1] === '*' ? field.max : match[3] !== undefined ? Number(match[3]) : match[4] ? field.max : from;
    const step = match[4] ? Number(match[4]) : 1;
    if (from < field.min || to > field.max || from > to || step < 1) {
      throw new CronError(`cron "${expression}": ${field.name} "${item}" is outside ${field.min}-${field.max}`);
    }
    for (let v = from; v <= to; v += step) values.add(v);
  }
  return values;
}

/** The first time strictly after `after` that the schedule matches (UTC, second precision). */
function nextRun(schedule, after) {
  const t = new Date(Math.floor(after.getTime() / 1000) * 1000 + 1000);
  for (let guard = 0; guard < 200_000; guard++) {
    if (!schedule.months.has(t.getUTCMonth() + 1)) {
      t.setUTCMonth(t.getUTCMonth() + 1, 1);
      t.setUTCHours(0, 0, 0, 0);
    } else if (!dayMatches(schedule, t)) {
      t.setUTCDate(t.getUTCDate() + 1);
      t.setUTCHours(0, 0, 0, 0);
    } else if (!schedule.hours.has(t.getUTCHours())) {
      t.setUTCHours(t.getUTCHours() + 1, 0, 0, 0);
    } else if (!schedule.minutes.has(t.getUTCMinutes())) {
      t.setUTCMinutes(t.getUTCMinutes() + 1, 0, 0);
    } else if (!schedule.seconds.has(t.getUTCSeconds())) {
      t.setUTCSeconds(t.getUTCSeconds() + 1, 0);
    } else {
      return t;
    }
  }
  throw new CronError('cron schedule never fires (e.g. February 30); fix the expression');
}

function dayMatches(schedule, t) {
  const day = schedule.days.has(t.getUTCDate());
  const weekday = schedule.weekdays.has(t.getUTCDay());
  if (schedule.restrictedDays && schedule.restrictedWeekdays) return day || weekday;
  return day && weekday;
}

module.exports = { CronError, parseCron, nextRun };
