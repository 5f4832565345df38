/**
 * Action archives, as the runtime reads them: the reader is ./container/zip.cjs (the action
 * containers unpack with it too); here its errors become ZipFormatError (400).
 * OpenWhisk sends the archive as base64 in `exec.code` without a `binary` flag, so callers detect
 * a zip by content with `isBase64Zip`.
 */
import * as zip from './container/zip.cjs';
import { ZipFormatError } from './errors';

export type { ZipEntry } from './container/zip.cjs';
export const isZip = zip.isZip;

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

export function readZip(archive: Buffer): zip.ZipEntry[] {
  try {
    return zip.readZip(archive);
  } catch (error) {
    throw new ZipFormatError((error as Error).message, { cause: error });
  }
}
