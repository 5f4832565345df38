/**
 * The REST API key of the local runtime: given, read back from its key file, or generated
 * (`uuid:64 hex`, the shape of OpenWhisk's keys) and written there with mode 0600. Never the
 * public guest key.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { GUEST_AUTH } from './options';

const KEY = /^[0-9a-f-]{36}:[A-Za-z0-9]{64}$/;

export const generateApiKey = (): string => `${randomUUID()}:${randomBytes(32).toString('hex')}`;

export function resolveApiKey(given: string | undefined, keyFile: string | undefined): string {
  if (given) return given;
  if (!keyFile) return generateApiKey();
  if (fs.existsSync(keyFile)) {
    const stored = fs.readFileSync(keyFile, 'utf8').trim();
    if (KEY.test(stored) && stored !== GUEST_AUTH) {
      fs.chmodSync(keyFile, 0o600);
      return stored;
    }
  }
  const key = generateApiKey();
  fs.mkdirSync(path.dirname(keyFile), { recursive: true, mode: 0o700 });
  fs.writeFileSync(keyFile, `${key}\n`, { mode: 0o600 });
  fs.chmodSync(keyFile, 0o600); // an existing file keeps its mode on write
  return key;
}
