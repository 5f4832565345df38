/**
 * jest globalSetup: a fresh run directory per jest invocation (test/support/run-logs.ts), holding where
 * the lab's logs end now, so that the after-all check reads what this run added to them.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { labLogSizes, OFFSETS_FILE, RUN_DIR_ENV } from './run-logs';

export default function globalSetup(): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stackmend-test-run-'));
  fs.writeFileSync(path.join(dir, OFFSETS_FILE), JSON.stringify(labLogSizes()));
  process.env[RUN_DIR_ENV] = dir;
}
