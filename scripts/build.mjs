#!/usr/bin/env node
/**
 * npm run build — one esbuild bundle per step of the registry (STEPS in core/domain/pipeline.ts:
 * its `handler` module) → dist/<name>/index.js, and one per web action that is no step (WEB_ACTIONS: the
 * console, with its page built by console/assets.ts and embedded as STACKMEND_CONSOLE_ASSETS; OpenWhisk only).
 *
 * CommonJS for Node 20, minified, no legal comments; the bundle keeps both entry points:
 * `exports.main` (OpenWhisk nodejs:20) and `exports.handler` (Lambda nodejs22.x). Each bundle is
 * loaded once in a fresh `node` to prove both exports exist. Prints a size table, writes it to
 * dist/sizes.json, and exits 1 when a bundle is over BUDGET_BYTES without an ALLOWANCES entry.
 *
 *   node scripts/build.mjs [--analyze] [--outdir DIR] [--without-shims]
 *     --analyze        print what fills each bundle (per npm package)
 *     --outdir         write DIR/<name>/index.js instead of dist/ (tests build into a scratch service)
 *     --without-shims  keep the package files scripts/bundle-shims.mjs SHIMS leave out (the bench
 *                      compares cold starts with and without them)
 */
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { shimPlugin } from './bundle-shims.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdirAt = process.argv.indexOf('--outdir');
const dist = outdirAt > 0 ? resolve(process.argv[outdirAt + 1] ?? '') : join(root, 'dist');
const withoutShims = process.argv.includes('--without-shims');

/** 200 KiB of minified JavaScript per function. */
const BUDGET_BYTES = 200 * 1024;

/** The step registry (core/domain/pipeline.ts, pure data), compiled by esbuild and imported. */
async function loadRegistry() {
  const out = await build({
    entryPoints: [join(root, 'core', 'domain', 'pipeline.ts')],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'neutral',
    logLevel: 'warning',
  });
  const code = Buffer.from(out.outputFiles[0].text).toString('base64');
  return import(`data:text/javascript;base64,${code}`);
}
const { STEP_NAMES, STEPS, WEB_ACTIONS } = await loadRegistry();
const handlerOf = (name) => (STEPS[name] ?? WEB_ACTIONS[name]).handler;

/**
 * Functions allowed past the budget. Every entry needs the reason, and the README must say it
 * too. Example: { 'evacuate': { maxBytes: 240 * 1024, why: 'nova + placement clients' } }
 */
const WHY =
  'every step needs zod (~89 KiB: all external input is parsed), ioredis (~91 KiB with its command table and parser: the state store of real deployments), axios (~90 KiB with follow-redirects and the proxy agent: the OpenStack client) and the entry-point authentication and TLS code; what is left out and what is left: scripts/bundle-shims.mjs, README "Bundle size"';
/**
 * classify-alarm and the console also carry the whole decide layer: policy rules, blast radius, evacuation
 * choice; evacuate its blast-radius check before fencing and the choice of a failed evacuation's next target.
 */
const DECIDES = ['classify-alarm', 'console', 'evacuate'];
const ALLOWANCES = Object.fromEntries(
  [...STEP_NAMES, ...Object.keys(WEB_ACTIONS)].map((n) =>
    DECIDES.includes(n)
      ? [
          n,
          {
            maxBytes: 460 * 1024,
            why: `${WHY}; and the decide layer (core/policy/: rules, blast radius, evacuation choice)`,
          },
        ]
      : [n, { maxBytes: 430 * 1024, why: WHY }],
  ),
);

/** The registry's steps and web actions, each with its handler module (which must exist). */
function registeredFunctions() {
  const names = [...STEP_NAMES, ...Object.keys(WEB_ACTIONS)];
  for (const name of names) {
    if (!existsSync(join(root, handlerOf(name))))
      throw new Error(`${name}'s handler ${handlerOf(name)} does not exist (core/domain/pipeline.ts)`);
  }
  return names.sort();
}

/** The console's page, built by the console's own builder (console/assets.ts), for the web action to embed. */
function consoleAssets() {
  const probe = "require('./console/assets').uiAssets().then((a) => process.stdout.write(JSON.stringify(a)))";
  const tsx = join(root, 'node_modules', '.bin', 'tsx');
  return JSON.parse(execFileSync(tsx, ['-e', probe], { cwd: root, encoding: 'utf8', timeout: 60_000 }));
}

async function bundle(name) {
  const outfile = join(dist, name, 'index.js');
  const result = await build({
    absWorkingDir: root,
    entryPoints: [join(root, handlerOf(name))],
    outfile,
    // the console embeds its page; esbuild (console/assets.ts builds the page from source) is never loaded then
    ...(name === 'console'
      ? { define: { STACKMEND_CONSOLE_ASSETS: JSON.stringify(consoleAssets()) }, external: ['esbuild'] }
      : {}),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: true,
    keepNames: true, // named errors set `this.name = new.target.name`; without this they would read "t"
    legalComments: 'none',
    metafile: true,
    logLevel: 'warning',
    plugins: [shimPlugin({ shims: !withoutShims })], // what the bundles leave out: scripts/bundle-shims.mjs
  });
  const [output] = Object.values(result.metafile.outputs);
  const contents = readFileSync(outfile);
  return {
    name,
    outfile,
    bytes: contents.length,
    gzipBytes: gzipSync(contents, { level: 9 }).length,
    packages: byPackage(output.inputs),
  };
}

/** Bytes in the output per npm package ("(project)" for our own code). */
function byPackage(inputs) {
  const totals = {};
  for (const [file, { bytesInOutput }] of Object.entries(inputs)) {
    const pkg =
      file.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/)?.[1] ??
      (file.startsWith('stub:') ? `${file} (stub)` : '(project)');
    totals[pkg] = (totals[pkg] ?? 0) + bytesInOutput;
  }
  return Object.fromEntries(Object.entries(totals).sort((a, b) => b[1] - a[1]));
}

/** Loads the bundle in a fresh node: proves it runs standalone and exports main and handler. */
function checkExports({ name, outfile }) {
  const probe = `const m = require(${JSON.stringify(outfile)}); process.stdout.write(JSON.stringify({ main: typeof m.main, handler: typeof m.handler }))`;
  const found = JSON.parse(execFileSync(process.execPath, ['-e', probe], { encoding: 'utf8', timeout: 30_000 }));
  const lambda = name in STEPS; // web actions run on OpenWhisk only
  if (found.main !== 'function' || (lambda && found.handler !== 'function')) {
    throw new Error(
      `dist/${name}/index.js exports main: ${found.main}, handler: ${found.handler}; ${handlerOf(name)} must export ${lambda ? 'both (OpenWhisk main, Lambda handler)' : 'main (OpenWhisk)'}`,
    );
  }
}

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;

async function main() {
  const analyze = process.argv.includes('--analyze');
  const started = Date.now();
  rmSync(dist, { recursive: true, force: true });
  mkdirSync(dist, { recursive: true });
  const bundles = await Promise.all(registeredFunctions().map(bundle));
  bundles.forEach(checkExports);

  const rows = bundles.map((b) => {
    const allowance = ALLOWANCES[b.name];
    const limit = allowance?.maxBytes ?? BUDGET_BYTES;
    return { ...b, limit, allowance: allowance?.why ?? null, withinBudget: b.bytes <= limit };
  });
  console.log(`\nfunction            minified        gzip    budget   status   (built in ${Date.now() - started} ms)`);
  for (const r of rows) {
    console.log(
      `${r.name.padEnd(18)} ${kb(r.bytes).padStart(10)} ${kb(r.gzipBytes).padStart(11)} ${kb(r.limit).padStart(11)}   ${r.withinBudget ? 'ok' : 'OVER'}${r.allowance ? `  (allowance: ${r.allowance})` : ''}`,
    );
    if (analyze || !r.withinBudget) {
      for (const [pkg, bytes] of Object.entries(r.packages).slice(0, 12))
        console.log(`    ${pkg.padEnd(32)} ${kb(bytes).padStart(10)}`);
    }
  }
  const report = {
    budgetBytes: BUDGET_BYTES,
    functions: Object.fromEntries(
      rows.map((r) => [
        r.name,
        {
          bytes: r.bytes,
          gzipBytes: r.gzipBytes,
          limitBytes: r.limit,
          allowance: r.allowance,
          withinBudget: r.withinBudget,
          packages: r.packages,
        },
      ]),
    ),
  };
  writeFileSync(join(dist, 'sizes.json'), `${JSON.stringify(report, null, 2)}\n`);

  const over = rows.filter((r) => !r.withinBudget);
  if (over.length && !withoutShims) {
    console.error(
      `\n${over.map((r) => r.name).join(', ')}: over the ${kb(BUDGET_BYTES)} budget. Slim the bundle (see the package breakdown above)` +
        ' or add an entry with the reason to ALLOWANCES in scripts/build.mjs and explain it in the README.',
    );
    process.exit(1);
  }
}

main().catch((error) => {
  console.error(`build failed: ${error.message}`);
  process.exit(1);
});
