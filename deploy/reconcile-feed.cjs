/**
 * The feed of the periodic trigger `stackmend-reconcile` (serverless.yml), from the stage's `reconcile`
 * setting (deploy/stages/<stage>.yml), checked when a stage is packaged or deployed
 * (deploy/openwhisk-plugin.cjs), before anything is built or sent:
 * - `{minutes: N}` (default `{minutes: 1}`) → `/whisk.system/alarms/interval`, which every OpenWhisk's
 *   alarms package offers;
 * - `{cron: "*\/10 * * * * *"}` → `/whisk.system/alarms/alarm` with that `cron`: five fields, or six with
 *   leading seconds where the provider allows them (an alarms package installed with LIMIT_CRON_FIELDS
 *   refuses a seconds field other than 0 when the feed is bound).
 * Names and parameters as in Apache OpenWhisk's openwhisk-package-alarms README.
 */
'use strict';

const { CronError, nextRun, parseCron } = require('./cron.cjs');

const FEEDS = { minutes: '/whisk.system/alarms/interval', cron: '/whisk.system/alarms/alarm' };
const DEFAULT = { minutes: 1 };

/** `{feed, parameters}` for the stage's `reconcile`, or an Error naming `where` and what to write instead. */
function reconcileFeed(reconcile, where) {
  const fail = (what) => {
    throw new Error(
      `${where}: reconcile ${what}; write \`reconcile: {minutes: 1}\` (every minute, any OpenWhisk) or ` +
        '`reconcile: {cron: "*/10 * * * * *"}` (six fields, seconds first, where the alarms provider allows seconds)',
    );
  };
  const given = reconcile === undefined || reconcile === null ? DEFAULT : reconcile;
  if (typeof given !== 'object' || Array.isArray(given)) fail(`must be a mapping, not ${JSON.stringify(given)}`);
  const keys = Object.keys(given);
  const unknown = keys.filter((k) => !(k in FEEDS));
  if (unknown.length)
    fail(`has ${unknown.map((k) => `"${k}"`).join(', ')}, which a deploy does not send (only minutes or cron)`);
  if (keys.length !== 1) fail(keys.length ? 'names both minutes and cron' : 'is empty');
  if ('minutes' in given) {
    if (!Number.isInteger(given.minutes) || given.minutes < 1)
      fail(`minutes ${JSON.stringify(given.minutes)} is not a whole number of at least 1`);
    return { feed: FEEDS.minutes, parameters: { minutes: given.minutes } };
  }
  if (typeof given.cron !== 'string') fail(`cron ${JSON.stringify(given.cron)} is not a string`);
  try {
    nextRun(parseCron(given.cron), new Date());
  } catch (error) {
    if (error instanceof CronError) fail(`cron is not valid: ${error.message}`);
    throw error;
  }
  return { feed: FEEDS.cron, parameters: { cron: given.cron.trim() } };
}

module.exports = { FEEDS, reconcileFeed };
