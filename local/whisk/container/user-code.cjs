'use strict';
/**
 * The user-code half of an OpenWhisk Node.js action container, written from the behaviour of
 * apache/openwhisk-runtime-nodejs (core/nodejsActionBase/runner.js and src/service.js):
 *
 * initialize({main, code, binary}) → the entry point:
 * - binary: `code` is a base64 zip, unpacked into a fresh temporary directory, which becomes the
 *   working directory; `main` is `fn` (package.json `main`, else index.js, then its export fn) or
 *   `file.fn`; a zip with neither package.json nor index.js is refused;
 * - otherwise `code` is JavaScript run as a function body; `main` names a function it declares or
 *   an export (`module.exports.main`, `exports.main`).
 * run(main, args) → {code, response} as the proxy answers `/run`:
 * - 200 and the result; a rejected promise is 200 {error: <serialized error>} (`{error: {}}` when
 *   rejected with nothing); undefined is 200 {};
 * - a synchronous throw is 502 "An error has occurred: …" (`fatal`: the container then refuses work);
 * - a result that is not an object is 502 "The action did not return a dictionary.".
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const Module = require('node:module');
const { readZip } = require('./zip.cjs');

/** @param {{ main: string, code: string, binary?: boolean }} value */
function initialize(value) {
  const main = value.binary ? fromZip(value.code, value.main) : fromSource(value.code, value.main);
  if (typeof main !== 'function') throw new Error(`Action entrypoint '${value.main}' is not a function.`);
  return main;
}

function fromZip(code, mainName) {
  const parts = /^([^.]+)$|^([^.]+)\.(.+)$/.exec(mainName);
  if (!parts) throw new Error('Name of main function is not valid.');
  const [file, fn] = parts[1] ? [undefined, parts[1]] : [parts[2], parts[3]];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'action-'));
  for (const entry of readZip(Buffer.from(code, 'base64'))) {
    const target = path.join(dir, entry.name);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, entry.data);
  }
  process.chdir(dir);
  if (file === undefined && !fs.existsSync('package.json') && !fs.existsSync('index.js'))
    throw new Error('Zipped actions must contain either package.json or index.js at the root.');
  const exported = Module.createRequire(path.join(dir, '[action]'))(file === undefined ? dir : path.join(dir, file));
  return exported == null ? undefined : exported[fn];
}

function fromSource(code, mainName) {
  if (!/^[A-Za-z_$][\w$]*$/.test(mainName)) throw new Error('Name of main function is not valid.');
  const filename = path.join(process.cwd(), 'action.js');
  const mod = { exports: {} };
  const body = `${code}\n;return typeof ${mainName} === 'function' ? ${mainName} : (module.exports.${mainName} || exports.${mainName});`;
  const wrapped = new Function('exports', 'require', 'module', '__filename', '__dirname', body);
  return wrapped(mod.exports, Module.createRequire(filename), mod, filename, path.dirname(filename));
}

/** @returns {Promise<{ code: number, response: unknown, fatal?: boolean }>} */
async function run(main, args) {
  let returned;
  try {
    returned = main(args);
  } catch (error) {
    console.error(error);
    return { code: 502, response: { error: `An error has occurred: ${error}` }, fatal: true };
  }
  let result;
  try {
    result = await returned;
  } catch (error) {
    return { code: 200, response: { error: error ? serializeError(error) : {} } };
  }
  if (result === undefined) result = {};
  if (typeof result !== 'object') {
    console.error(`Result must be of type object but has type "${typeof result}":`, result);
    return { code: 502, response: { error: 'The action did not return a dictionary.' } };
  }
  return { code: 200, response: result };
}

/** As the `serialize-error` package the Node runtime uses: name, message, stack and own fields. */
function serializeError(error) {
  if (typeof error !== 'object') return error;
  const fields = {};
  for (const key of ['name', 'message', 'stack']) if (key in error) fields[key] = error[key];
  try {
    return JSON.parse(JSON.stringify({ ...fields, ...error }));
  } catch {
    return { ...fields };
  }
}

module.exports = { initialize, run };
