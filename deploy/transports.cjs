/**
 * Which `dispatch.transport` (core/runtime/config.ts) works on which platform, checked when a stage is
 * deployed or packaged (deploy/openwhisk-plugin.cjs, deploy/lambda-config.cjs):
 * - OpenWhisk: `openwhisk` (trigger fire with the activation's key), `http` (the web actions),
 *   `zaqar` (a queue whose subscription pushes to the web action), `queue` (the due queue, worked off
 *   by the stackmend-reconcile alarm);
 * - Lambda: only `queue`: serverless.aws.yml routes HTTP to classify-alarm alone and has no event bus,
 *   so the steps hand on through the due queue, worked off by the one-minute schedule.
 * `inprocess` exists only inside `stackmend serve`.
 */
'use strict';

const TRANSPORTS = { openwhisk: ['openwhisk', 'http', 'zaqar', 'queue'], lambda: ['queue'] };

/** Throws an Error naming the stage's transport and the ones the platform offers. */
function checkTransport(platform, parameters, where) {
  const transport = (parameters && parameters.dispatch && parameters.dispatch.transport) || 'queue';
  if (TRANSPORTS[platform].includes(transport)) return transport;
  throw new Error(
    `${where}: dispatch.transport "${transport}" does not work on ${platform}; use ${TRANSPORTS[platform].join(', ')}` +
      (platform === 'lambda' ? ' (set it under `lambda: dispatch:` in the stage file, see deploy/README.md)' : ''),
  );
}

module.exports = { TRANSPORTS, checkTransport };
