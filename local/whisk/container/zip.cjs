'use strict';
/**
 * A minimal zip reader for action archives (what osls/serverless-openwhisk and `zip` produce):
 * stored or deflated entries, read through the central directory. No zip64, no encryption.
 * CommonJS without dependencies, because the action containers (./proxy.cjs) run it in a plain
 * `node`; the runtime itself reads it through ../unzip.ts, which types it and names its errors.
 */
const { inflateRawSync } = require('node:zlib');
const { posix } = require('node:path');

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_CENTRAL_DIR = 0x06054b50;
const STORED = 0;
const DEFLATED = 8;

/** @param {Buffer} bytes */
function isZip(bytes) {
  return bytes.length >= 22 && bytes.readUInt32LE(0) === LOCAL_HEADER;
}

/** @param {Buffer} archive @returns {{ name: string, data: Buffer }[]} */
function readZip(archive) {
  const end = endOfCentralDirectory(archive);
  const count = archive.readUInt16LE(end + 10);
  let offset = archive.readUInt32LE(end + 16);
  if (count === 0xffff || offset === 0xffffffff)
    throw new Error('zip64 archives are not supported; re-zip the action without zip64');
  const entries = [];
  for (let i = 0; i < count; i++) {
    if (archive.readUInt32LE(offset) !== CENTRAL_HEADER)
      throw new Error(`corrupt zip: central directory entry ${i} is damaged; re-create the archive`);
    const header = {
      flags: archive.readUInt16LE(offset + 8),
      method: archive.readUInt16LE(offset + 10),
      compressedSize: archive.readUInt32LE(offset + 20),
      size: archive.readUInt32LE(offset + 24),
      localOffset: archive.readUInt32LE(offset + 42),
    };
    const nameLength = archive.readUInt16LE(offset + 28);
    const name = archive.toString('utf8', offset + 46, offset + 46 + nameLength);
    offset += 46 + nameLength + archive.readUInt16LE(offset + 30) + archive.readUInt16LE(offset + 32);
    if (!name.endsWith('/')) entries.push({ name: safeName(name), data: entryData(archive, name, header) });
  }
  return entries;
}

function endOfCentralDirectory(archive) {
  const stop = Math.max(0, archive.length - 22 - 0xffff);
  for (let at = archive.length - 22; at >= stop; at--) if (archive.readUInt32LE(at) === END_OF_CENTRAL_DIR) return at;
  throw new Error('not a zip archive (no end of central directory); send a zip made by osls package or zip(1)');
}

function entryData(archive, name, { flags, method, compressedSize, size, localOffset }) {
  if (flags & 1) throw new Error(`zip entry ${name} is encrypted; deploy an unencrypted archive`);
  if (archive.readUInt32LE(localOffset) !== LOCAL_HEADER)
    throw new Error('corrupt zip: a local header is missing; re-create the archive');
  const start = localOffset + 30 + archive.readUInt16LE(localOffset + 26) + archive.readUInt16LE(localOffset + 28);
  const raw = archive.subarray(start, start + compressedSize);
  if (method !== STORED && method !== DEFLATED)
    throw new Error(`zip entry ${name} uses compression method ${method}; only stored and deflate are supported`);
  const data = method === STORED ? raw : inflateRawSync(raw);
  if (data.length !== size) throw new Error(`corrupt zip: ${name} is ${data.length} bytes, the directory says ${size}`);
  return data;
}

/** Rejects absolute paths and `..` so an archive cannot write outside its directory. */
function safeName(name) {
  const normal = posix.normalize(name.replace(/\\/g, '/'));
  if (normal.startsWith('/') || normal === '..' || normal.startsWith('../'))
    throw new Error(`zip entry ${name} points outside the archive; remove it`);
  return normal;
}

module.exports = { isZip, readZip };
