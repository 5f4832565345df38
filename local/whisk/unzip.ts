/**
 * A minimal zip reader for action archives (what osls/serverless-openwhisk and `zip` produce):
 * stored or deflated entries, read through the central directory. No zip64, no encryption.
 * OpenWhisk sends the archive as base64 in `exec.code` without a `binary` flag, so callers detect
 * a zip by content with `isZip`.
 */
import { inflateRawSync } from 'node:zlib';
import { posix } from 'node:path';
import { ZipFormatError } from './errors';

export interface ZipEntry {
  name: string;
  data: Buffer;
}

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_CENTRAL_DIR = 0x06054b50;
const Method = { stored: 0, deflated: 8 } as const;

export function isZip(bytes: Buffer): boolean {
  return bytes.length >= 22 && bytes.readUInt32LE(0) === LOCAL_HEADER;
}

/** True when base64 `exec.code` starts with a zip local header ("PK\x03\x04" is "UEsDB…"). */
export function isBase64Zip(code: string): boolean {
  return code.startsWith('UEsDB');
}

/** Decodes base64 `exec.code` and returns the archive bytes, or undefined for plain JS code. */
export function zipFromCode(code: string): Buffer | undefined {
  if (!isBase64Zip(code)) return undefined;
  const bytes = Buffer.from(code, 'base64');
  return isZip(bytes) ? bytes : undefined;
}

export function readZip(archive: Buffer): ZipEntry[] {
  const end = findEndOfCentralDirectory(archive);
  const count = archive.readUInt16LE(end + 10);
  let offset = archive.readUInt32LE(end + 16);
  if (count === 0xffff || offset === 0xffffffff)
    throw new ZipFormatError('zip64 archives are not supported; re-zip the action without zip64');
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (archive.readUInt32LE(offset) !== CENTRAL_HEADER)
      throw new ZipFormatError(`corrupt zip: central directory entry ${i} is damaged; re-create the archive`);
    const flags = archive.readUInt16LE(offset + 8);
    const method = archive.readUInt16LE(offset + 10);
    const compressedSize = archive.readUInt32LE(offset + 20);
    const size = archive.readUInt32LE(offset + 24);
    const nameLength = archive.readUInt16LE(offset + 28);
    const extraLength = archive.readUInt16LE(offset + 30);
    const commentLength = archive.readUInt16LE(offset + 32);
    const localOffset = archive.readUInt32LE(offset + 42);
    const name = archive.toString('utf8', offset + 46, offset + 46 + nameLength);
    offset += 46 + nameLength + extraLength + commentLength;
    if (name.endsWith('/')) continue;
    if (flags & 1) throw new ZipFormatError(`zip entry ${name} is encrypted; deploy an unencrypted archive`);
    const data = inflate(name, method, entryData(archive, localOffset, compressedSize));
    if (data.length !== size)
      throw new ZipFormatError(`corrupt zip: ${name} is ${data.length} bytes, the directory says ${size}`);
    entries.push({ name: safeName(name), data });
  }
  return entries;
}

function findEndOfCentralDirectory(archive: Buffer): number {
  const stop = Math.max(0, archive.length - 22 - 0xffff);
  for (let at = archive.length - 22; at >= stop; at--) {
    if (archive.readUInt32LE(at) === END_OF_CENTRAL_DIR) return at;
  }
  throw new ZipFormatError(
    'not a zip archive (no end of central directory); send a zip made by osls package or zip(1)',
  );
}

function entryData(archive: Buffer, localOffset: number, compressedSize: number): Buffer {
  if (archive.readUInt32LE(localOffset) !== LOCAL_HEADER)
    throw new ZipFormatError('corrupt zip: a local header is missing; re-create the archive');
  const start = localOffset + 30 + archive.readUInt16LE(localOffset + 26) + archive.readUInt16LE(localOffset + 28);
  return archive.subarray(start, start + compressedSize);
}

function inflate(name: string, method: number, raw: Buffer): Buffer {
  if (method === Method.stored) return raw;
  if (method === Method.deflated) return inflateRawSync(raw);
  throw new ZipFormatError(
    `zip entry ${name} uses compression method ${method}; only stored and deflate are supported`,
  );
}

/** Rejects absolute paths and `..` so an archive cannot write outside its directory. */
function safeName(name: string): string {
  const normal = posix.normalize(name.replace(/\\/g, '/'));
  if (normal.startsWith('/') || normal === '..' || normal.startsWith('../')) {
    throw new ZipFormatError(`zip entry ${name} points outside the archive; remove it`);
  }
  return normal;
}
