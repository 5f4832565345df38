/**
 * Loads an action's code the way OpenWhisk's Node runtime does (core/nodejsActionBase/runner.js):
 * - a zip: unpacked into its own directory, `require(dir)` (package.json `main`, else index.js),
 *   then the export named by `exec.main`;
 * - plain code: evaluated as a function body, then `main` (or `module.exports.main`).
 * Each action version gets a fresh directory, so a redeploy loads fresh code. Code is compiled in
 * Node's main context with Node's own `require` (also under jest), as a real container would.
 */
import Module from 'node:module';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vm from 'node:vm';
import type { ActionEntity, CodeExec, UserMain } from './types';
import { ActionInitError } from './errors';
import { readZip, zipFromCode } from './unzip';

interface NodeModuleInternals {
  new (id: string, parent?: unknown): NodeModuleInstance;
  _nodeModulePaths(dir: string): string[];
  _cache: Record<string, unknown>;
}
interface NodeModuleInstance {
  filename: string;
  paths: string[];
  exports: Record<string, unknown>;
  require(id: string): unknown;
}
const NodeModule = Module as unknown as NodeModuleInternals;

export class ActionLoader {
  private readonly loaded = new Map<string, UserMain>();
  constructor(private readonly dataDir: string) {}

  /** The action's main function; throws ActionInitError with OpenWhisk's wording when it cannot. */
  load(action: ActionEntity, exec: CodeExec): UserMain {
    const key = `${action.namespace}/${action.name}@${action.version}`;
    const cached = this.loaded.get(key);
    if (cached) return cached;
    const dir = this.directoryOf(action, action.version);
    const mainName = exec.main ?? 'main';
    let main: unknown;
    try {
      const zip = zipFromCode(exec.code);
      if (exec.binary && !zip)
        throw new ActionInitError(
          'Initialization has failed due to: exec.binary is true but exec.code is not a base64 zip; send the zip as base64.',
        );
      main = zip ? loadZip(zip, dir, mainName) : loadPlainCode(exec.code, dir, mainName);
    } catch (error) {
      if (error instanceof ActionInitError) throw error;
      throw new ActionInitError(`Initialization has failed due to: ${stackOf(error)}`, { cause: error });
    }
    if (typeof main !== 'function')
      throw new ActionInitError(`Initialization has failed due to: Action entrypoint '${mainName}' is not a function.`);
    this.loaded.set(key, main as UserMain);
    return main as UserMain;
  }

  /** Drops every loaded version of the action (on delete or redeploy) so the old code can be freed. */
  forget(action: { namespace: string; name: string }): void {
    for (const key of this.loaded.keys())
      if (key.startsWith(`${action.namespace}/${action.name}@`)) this.loaded.delete(key);
    const dir = this.directoryOf(action);
    for (const file of Object.keys(NodeModule._cache))
      if (file.startsWith(dir + path.sep)) delete NodeModule._cache[file];
    fs.rmSync(dir, { recursive: true, force: true });
  }

  private directoryOf(action: { namespace: string; name: string }, version?: string): string {
    const base = path.join(this.dataDir, action.namespace, action.name.replace(/\//g, '__'));
    return version ? path.join(base, version) : base;
  }
}

function loadZip(zip: Buffer, dir: string, mainName: string): unknown {
  fs.rmSync(dir, { recursive: true, force: true });
  for (const entry of readZip(zip)) {
    const file = path.join(dir, entry.name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, entry.data);
  }
  if (!fs.existsSync(path.join(dir, 'package.json')) && !fs.existsSync(path.join(dir, 'index.js'))) {
    throw new ActionInitError(
      'Initialization has failed due to: Zipped actions must contain either package.json or index.js at the root.',
    );
  }
  const loader = new NodeModule(path.join(dir, '[loader]'));
  loader.filename = path.join(dir, '[loader]');
  loader.paths = NodeModule._nodeModulePaths(dir);
  const exports = loader.require(dir) as Record<string, unknown>;
  return exports?.[mainName];
}

function loadPlainCode(code: string, dir: string, mainName: string): unknown {
  fs.mkdirSync(dir, { recursive: true });
  const filename = path.join(dir, 'action.js');
  fs.writeFileSync(filename, code);
  const mod = new NodeModule(filename);
  mod.filename = filename;
  mod.paths = NodeModule._nodeModulePaths(dir);
  const wrapper = `(function (exports, require, module, __filename, __dirname) {${code}\n;return typeof ${mainName} === 'function' ? ${mainName} : module.exports.${mainName};\n})`;
  const compiled = vm.runInThisContext(wrapper, { filename }) as (...args: unknown[]) => unknown;
  return compiled.call(mod.exports, mod.exports, (id: string) => mod.require(id), mod, filename, dir);
}

function stackOf(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'stack' in error)
    return String((error as { stack: unknown }).stack);
  return String(error);
}
