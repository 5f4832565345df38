/** Types of ./zip.cjs. */
export interface ZipEntry {
  name: string;
  data: Buffer;
}
export function isZip(bytes: Buffer): boolean;
/** Throws an Error whose message says what is wrong with the archive. */
export function readZip(archive: Buffer): ZipEntry[];
