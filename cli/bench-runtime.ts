/**
 * The stackmend runtime the lab benchmarks heal with: the local runtime (cli/local-runtime.ts) on a
 * fresh file state in the temp dir, the lab's admin cloud, a random webhook token, and the policy's
 * repeat limit lifted (the benchmarks fail the same host and stacks on purpose).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Logger } from '../core/domain/log';
import { jsonLogger } from '../core/runtime/log';
import { startLocalRuntime, type LocalRuntime } from './local-runtime';

export type BenchRuntime = LocalRuntime & { stateDir: string };

export async function benchRuntime(
  name: string,
  policy: Record<string, unknown> = {},
  log: Logger = jsonLogger({ level: 'error' }),
): Promise<BenchRuntime> {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), `sm-bench-${name}-`));
  const rt = await startLocalRuntime({
    port: 0,
    parameters: {
      cloud: 'stackmend-lab',
      state_url: `file:${stateDir}`,
      webhook_token: randomBytes(8).toString('hex'),
      policy: { repeatThreshold: 100_000, ...policy },
    },
    log,
  });
  return Object.assign(rt, { stateDir });
}
