/**
 * Small HTTP plumbing shared by the REST and web-action handlers: the request/reply shapes, body
 * reading with a size limit, Basic auth, and OpenWhisk's error body `{"error": …, "code": …}`.
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import { WhiskBadRequestError, WhiskError, WhiskPayloadTooLargeError } from './errors';

export interface WhiskRequest {
  method: string;
  url: URL;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** carries the namespace's Basic auth */
  authenticated: boolean;
  /** request id, echoed as `code` in error bodies */
  requestId: string;
}

export interface HttpReply {
  status: number;
  headers?: Record<string, string | string[]>;
  body?: Buffer | string;
}

/** OpenWhisk's fixed messages, where clients or operators may recognise them. */
export const Messages = {
  notFound: 'The requested resource does not exist.',
  unauthorized: 'The supplied authentication is invalid',
  webUnauthorized: 'The resource requires authentication, which was not supplied with the request',
  parametersNotAllowed: 'Request defines parameters that are not allowed (e.g., reserved properties).',
  errorProcessingRequest: 'There was an error processing your request.',
  requestNotProcessed: 'Request could not be processed.',
  contentTypeMismatch: 'Response type in header did not match generated content type.',
  malformedBody: 'The request content was malformed.',
} as const;

/** Authenticated REST calls carry action code (osls zips); everything else is a payload (OpenWhisk: 1 MB). */
export const MAX_BODY_BYTES = 50 * 1024 * 1024;
export const MAX_PAYLOAD_BYTES = 1024 * 1024;

/** Reads the body up to `limit` bytes; a declared Content-Length over it is refused before any byte is read. */
export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit)
    return Promise.reject(
      new WhiskPayloadTooLargeError(`request body of ${declared} bytes exceeds ${limit} bytes; send a smaller payload`),
    );
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const collect = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new WhiskPayloadTooLargeError(`request body exceeds ${limit} bytes; send a smaller action or payload`));
        req.off('data', collect).resume(); // discard the rest; the 413 closes the connection
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', collect);
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** True when the Authorization header carries exactly `Basic base64(auth)`. */
export function hasBasicAuth(headers: IncomingHttpHeaders, auth: string): boolean {
  const header = headers.authorization ?? '';
  if (!header.startsWith('Basic ')) return false;
  const given = Buffer.from(Buffer.from(header.slice(6).trim(), 'base64').toString('utf8'));
  const expected = Buffer.from(auth);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export function jsonReply(status: number, value: unknown, headers: Record<string, string | string[]> = {}): HttpReply {
  return { status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(value) };
}

export function errorReply(
  status: number,
  message: string,
  requestId: string,
  headers: Record<string, string | string[]> = {},
): HttpReply {
  return jsonReply(status, { error: message, code: requestId }, headers);
}

export function replyForError(error: unknown, requestId: string): HttpReply {
  if (error instanceof WhiskError) return errorReply(error.status, error.message, requestId);
  return errorReply(500, `internal error of the local runtime: ${String(error)}`, requestId);
}

export function send(res: ServerResponse, reply: HttpReply): void {
  const body = reply.body ?? '';
  const close = reply.status === 413 ? { connection: 'close' } : {}; // the unread rest of the body is not worth reading
  res.writeHead(reply.status, { ...reply.headers, ...close, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** The JSON body of a REST request, or `{}` when it is empty. */
export function jsonBody(req: WhiskRequest): unknown {
  if (req.body.length === 0) return {};
  try {
    return JSON.parse(req.body.toString('utf8'));
  } catch {
    throw new WhiskBadRequestError(`${Messages.malformedBody} Send JSON with Content-Type: application/json.`);
  }
}
