/**
 * Cost per invocation: each function's bundle size and cold start (a fresh `node` requiring the
 * bundle, then its first `main`; local/whisk/coldstart.ts), for the bundles as built
 * (scripts/build.mjs with the SHIMS of scripts/bundle-shims.mjs) and, interleaved with them, for the
 * same bundles built with the published package files (`--without-shims`), reported as ratios.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { measureColdStart } from '../local/whisk/coldstart';
import { ratios, summarize, type Summary } from './stats';

const ROOT = path.join(__dirname, '..');

export type FirstCall = { params: Record<string, unknown>; env?: Record<string, string> };
/** The first `main` each function is given; `probe` by default. */
export type FirstCalls = (fn: string) => FirstCall;

export type BundleCost = {
  bytes: number;
  gzipBytes: number;
  /** the bundle built with the package files as published (no SHIMS) */
  publishedBytes: number;
  loadMs: Summary;
  firstCallMs: Summary;
  publishedLoadMs: Summary;
  /** load time as built / as published, per interleaved pair */
  loadRatio: Summary;
  firstCallError?: string;
};

type Sizes = { functions: Record<string, { bytes: number; gzipBytes: number }> };

function build(outdir: string, extra: string[] = []): Sizes {
  try {
    execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'build.mjs'), '--outdir', outdir, ...extra], {
      cwd: ROOT,
      stdio: 'pipe',
    });
  } catch (e) {
    // over the budget: still written (scripts/build.mjs); anything else has no sizes.json
    if (!fs.existsSync(path.join(outdir, 'sizes.json')))
      throw new Error(`npm run build failed: ${String((e as { stderr?: Buffer }).stderr ?? e).slice(-500)}`);
  }
  return JSON.parse(fs.readFileSync(path.join(outdir, 'sizes.json'), 'utf8')) as Sizes;
}

/** A first call that needs no cloud: an authenticated malformed alarm (400), a reconcile tick with nothing due. */
export const probe: FirstCalls = (fn) => {
  const config = { state_url: 'memory:', allow_local_state: true, webhook_token: 'cold-start-probe' };
  if (fn !== 'classify-alarm') return { params: { ...config, reconcile: true } };
  const body = Buffer.from(JSON.stringify({ not: 'an alarm' })).toString('base64');
  return {
    params: {
      ...config,
      __ow_method: 'post',
      __ow_headers: { 'content-type': 'application/json', authorization: 'Bearer cold-start-probe' },
      __ow_path: '',
      __ow_body: body,
    },
  };
};

/** `runs` rounds; in each, every function cold-started as built and as published, alternately. */
export async function measureCost(runs: number, firstCall: FirstCalls = probe): Promise<Record<string, BundleCost>> {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'stackmend-cost-'));
  try {
    const built = build(path.join(scratch, 'built'));
    const published = build(path.join(scratch, 'published'), ['--without-shims']);
    const fns = Object.keys(built.functions).sort();
    const samples = Object.fromEntries(
      fns.map((f) => [
        f,
        { load: [] as number[], first: [] as number[], pub: [] as number[], error: undefined as string | undefined },
      ]),
    );
    for (let r = 0; r < runs; r++) {
      for (const fn of fns) {
        const { params } = firstCall(fn);
        const order = r % 2 ? (['published', 'built'] as const) : (['built', 'published'] as const);
        for (const variant of order) {
          const c = await measureColdStart(path.join(scratch, variant, fn, 'index.js'), params);
          const s = samples[fn];
          if (variant === 'published') s.pub.push(c.loadMs);
          else {
            s.load.push(c.loadMs);
            s.first.push(c.firstCallMs);
            s.error ??= c.error;
          }
        }
      }
    }
    return Object.fromEntries(
      fns.map((fn) => {
        const s = samples[fn];
        const cost: BundleCost = {
          bytes: built.functions[fn].bytes,
          gzipBytes: built.functions[fn].gzipBytes,
          publishedBytes: published.functions[fn]?.bytes ?? NaN,
          loadMs: summarize(s.load),
          firstCallMs: summarize(s.first),
          publishedLoadMs: summarize(s.pub),
          loadRatio: ratios(s.load, s.pub),
          ...(s.error ? { firstCallError: s.error.split('\n')[0] } : {}),
        };
        return [fn, cost];
      }),
    );
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}
