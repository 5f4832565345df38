/**
 * What the FileStore keeps per key, per set and per commit receipt:
 *   kv/<key>.json          { key, expiresAt, owner?, value }   expired = absent
 *   sets/<set>.json        [member, …] sorted
 *   receipts/<token>.json  { expiresAt }   a commit with this token was applied
 */
import { join } from 'node:path';
import * as z from 'zod';
import type { Entry } from '../store';
import { byKey, encodeValue, isLive } from '../values';
import { namesIn, readJson, removeFile } from './io';
import { encodeName, keyFile, mayHoldPrefix, receiptFile, setFile, type Layout } from './names';

const KeyFile = z.object({
  key: z.string(),
  value: z.unknown(),
  expiresAt: z
    .number()
    .nullish()
    .transform((v) => v ?? undefined),
  owner: z.string().optional(),
});
export type Stored = z.infer<typeof KeyFile>;
const Members = z.array(z.string());
const Receipt = z.object({ expiresAt: z.number() });

export function envelope(key: string, value: unknown, expiresAt: number | undefined, owner?: string): string {
  const by = owner === undefined ? '' : `"owner":${JSON.stringify(owner)},`;
  return `{"key":${JSON.stringify(key)},"expiresAt":${expiresAt ?? null},${by}"value":${encodeValue(key, value)}}`;
}

export const readStored = (path: string): Stored | undefined => readJson(path, KeyFile);

export const storedIn = (l: Layout, key: string): Stored | undefined => readStored(keyFile(l, key));

export function liveIn(l: Layout, key: string, now: number): Stored | undefined {
  const s = storedIn(l, key);
  return s && isLive(s.expiresAt, now) ? s : undefined;
}

export const membersIn = (l: Layout, set: string): string[] => readJson(setFile(l, set), Members) ?? [];

export const membersText = (members: Iterable<string>): string => JSON.stringify([...members].sort());

export const receiptText = (expiresAt: number): string => JSON.stringify({ expiresAt });

export function hasReceipt(l: Layout, token: string, now: number): boolean {
  const r = readJson(receiptFile(l, token), Receipt);
  return r !== undefined && isLive(r.expiresAt, now);
}

/** All live entries whose key starts with prefix, sorted by key. */
export function listIn<T>(l: Layout, prefix: string, now: number): Entry<T>[] {
  const encoded = encodeName(prefix);
  const found: Entry<T>[] = [];
  for (const name of namesIn(l.kv)) {
    if (!name.endsWith('.json') || !mayHoldPrefix(name.slice(0, -5), encoded)) continue;
    const s = readStored(join(l.kv, name));
    if (s && s.key.startsWith(prefix) && isLive(s.expiresAt, now)) found.push({ key: s.key, value: s.value as T });
  }
  return found.sort(byKey);
}

export function purgeReceipts(l: Layout, now: number): void {
  for (const name of namesIn(l.receipts)) {
    const path = join(l.receipts, name);
    const r = readJson(path, Receipt);
    if (r && !isLive(r.expiresAt, now)) removeFile(path);
  }
}
