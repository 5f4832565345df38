/**
 * The page: console/ui/app.ts bundled for the browser with esbuild (preact and htm inlined; nothing is
 * fetched from another origin), once per process, the first time /ui is asked for; the HTML shell
 * and the style sheet beside it (console/ui/index.html, console/ui/app.css).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export type Assets = { html: string; js: string; css: string };

const UI = path.join(__dirname, 'ui');
let built: Promise<Assets> | undefined;

async function bundle(): Promise<Assets> {
  const esbuild = await import('esbuild');
  const out = await esbuild.build({
    entryPoints: [path.join(UI, 'app.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    minify: true,
    legalComments: 'none',
    logLevel: 'silent',
  });
  return {
    html: fs.readFileSync(path.join(UI, 'index.html'), 'utf8'),
    css: fs.readFileSync(path.join(UI, 'app.css'), 'utf8'),
    js: out.outputFiles[0].text,
  };
}

export function uiAssets(): Promise<Assets> {
  built ??= bundle().catch((e) => {
    built = undefined; // a later request tries again
    throw e;
  });
  return built;
}
