/**
 * What a public entry point accepts as a body, checked on the bytes before anything parses them:
 * at most 1 MB (OpenWhisk's own payload limit), `Content-Type: application/json` (what Aodh, Zaqar,
 * Alertmanager and Masakari send: test/events/{aodh,alertmanager,masakari}/meta/, test/events/zaqar/README.md),
 * and a Content-Encoding that matches the bytes (none, identity, or gzip).
 */
import { gunzipSync } from 'node:zlib';
import { StackmendError } from '../domain/errors';

export const MAX_BODY_BYTES = 1024 * 1024;

export class PayloadTooLargeError extends StackmendError {
  override readonly status = 413;
  constructor(limit: number) {
    super(`the request body is larger than ${limit} bytes (OpenWhisk's payload limit): send one alarm per request`);
  }
}

export class UnsupportedMediaTypeError extends StackmendError {
  override readonly status = 415;
  constructor(what: string) {
    super(`${what}: send the alarm as Content-Type: application/json (Aodh, Zaqar and Alertmanager do)`);
  }
}

export class ContentEncodingError extends StackmendError {
  override readonly status = 400;
  constructor(encoding: string) {
    super(`the body does not match its Content-Encoding (${encoding}): send it uncompressed or as valid gzip`);
  }
}

/** 413 when the body is over the limit, before anything else looks at it. */
export function capBody(bytes: Buffer | undefined, limit = MAX_BODY_BYTES): void {
  if (bytes && bytes.length > limit) throw new PayloadTooLargeError(limit);
}

const JSON_TYPE = /^application\/json\s*(;\s*charset\s*=\s*"?utf-8"?\s*)?$/i;

/** The body as the sender meant it: JSON only, decompressed when it says gzip (and is gzip). */
export function acceptBody(headers: Record<string, string>, bytes: Buffer, limit = MAX_BODY_BYTES): Buffer {
  if (bytes.length === 0) return bytes;
  const type = (headers['content-type'] ?? '').trim();
  if (!JSON_TYPE.test(type)) throw new UnsupportedMediaTypeError(type ? `Content-Type ${type}` : 'no Content-Type');
  const encoding = (headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  switch (encoding) {
    case 'identity':
    case '':
      return bytes;
    case 'gzip':
    case 'x-gzip':
      return gunzip(bytes, encoding, limit);
    default:
      throw new UnsupportedMediaTypeError(`Content-Encoding ${encoding}`);
  }
}

function gunzip(bytes: Buffer, encoding: string, limit: number): Buffer {
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) throw new ContentEncodingError(encoding);
  try {
    return gunzipSync(bytes, { maxOutputLength: limit });
  } catch (e) {
    if ((e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw new PayloadTooLargeError(limit);
    throw new ContentEncodingError(encoding);
  }
}
