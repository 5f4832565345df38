'use strict';
/**
 * One action container of the local OpenWhisk runtime, in its own `node` process: the HTTP
 * interface OpenWhisk's invoker drives (apache/openwhisk-runtime-nodejs, core/nodejsActionBase
 * src/service.js), written from its behaviour:
 *
 *   POST /init {value: {name, main, code, binary, env}}  → 200 {OK: true}
 *     `env` is copied into process.env (objects as JSON); exactly one /init is accepted (403 after);
 *     a failure is 502 {error: "Initialization has failed due to: …"} and the container is done.
 *   POST /run {value, namespace, action_name, action_version, activation_id, transaction_id,
 *              deadline, api_key?}                  → the action's result (./user-code.cjs)
 *     every string field but `value` becomes `__OW_<FIELD>` in process.env first;
 *     one activation at a time: a /run while one runs is 403 "System not ready, status is running.".
 * After each activation (and after a failed /init) the line XXX_THE_END_OF_A_WHISK_ACTIVATION_XXX
 * is written to stdout and to stderr, so the invoker can cut the logs per activation.
 * It listens on 127.0.0.1, on a free port it writes to file descriptor 3 (the invoker's pipe).
 */
const http = require('node:http');
const fs = require('node:fs');
const { initialize, run } = require('./user-code.cjs');

const SENTINEL = 'XXX_THE_END_OF_A_WHISK_ACTIVATION_XXX';
const BODY_LIMIT = 48 * 1024 * 1024;
const state = { status: 'ready', main: undefined };

function setStatus(status) {
  if (state.status !== 'stopped') state.status = status;
}

function writeMarkers() {
  console.log(SENTINEL);
  console.error(SENTINEL);
}

const fail = (code, error) => ({ code, response: { error } });

async function initCode(body) {
  if (state.main !== undefined) return fail(403, 'Cannot initialize the action more than once.');
  if (state.status !== 'ready') return fail(403, `System not ready, status is ${state.status}.`);
  const value = (body && body.value) || {};
  if (typeof value.main !== 'string' || typeof value.code !== 'string' || !value.main || !value.code)
    return fail(403, 'Missing main/no code to execute.');
  setStatus('starting');
  try {
    for (const [key, v] of Object.entries(value.env && typeof value.env === 'object' ? value.env : {}))
      process.env[key] = v !== null && typeof v === 'object' ? JSON.stringify(v) : v ? String(v) : '';
    state.main = initialize(value);
    setStatus('ready');
    return { code: 200, response: { OK: true } };
  } catch (error) {
    console.error('Error during initialization:', error);
    writeMarkers();
    setStatus('stopped');
    return fail(502, `Initialization has failed due to: ${error && error.stack ? error.stack : error}`);
  }
}

async function runCode(body) {
  if (state.status !== 'ready' || state.main === undefined)
    return fail(403, state.main ? `System not ready, status is ${state.status}.` : 'System not initialized.');
  const message = body && typeof body === 'object' ? body : {};
  const value = message.value === undefined || message.value === null ? {} : message.value;
  if (typeof value !== 'object') return fail(403, `the argument must be a dictionary but has type '${typeof value}'.`);
  setStatus('running');
  for (const [key, v] of Object.entries(message))
    if (key !== 'value' && typeof v === 'string') process.env[`__OW_${key.toUpperCase()}`] = v;
  const answer = await run(state.main, value);
  writeMarkers();
  setStatus(answer.fatal ? 'stopped' : 'ready');
  return answer;
}

function readJson(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > BODY_LIMIT) req.destroy(new Error('body too large'));
      else chunks.push(chunk);
    });
    req.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}'));
      } catch (error) {
        reject(error);
      }
    });
    req.on('error', reject);
  });
}

const routes = { '/init': initCode, '/run': runCode };

const server = http.createServer((req, res) => {
  const route = req.method === 'POST' ? routes[req.url] : undefined;
  const answer = route
    ? readJson(req).then(route, () => fail(500, 'Bad request.'))
    : Promise.resolve(fail(500, 'Bad request.'));
  answer.then(({ code, response }) => {
    const text = JSON.stringify(response === undefined ? null : response);
    res.writeHead(code, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  });
});
server.timeout = 0;
server.keepAliveTimeout = 0;
server.listen(0, '127.0.0.1', () => {
  fs.writeSync(3, `${server.address().port}\n`);
  fs.closeSync(3);
});
