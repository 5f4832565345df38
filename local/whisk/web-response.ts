/**
 * Turns a web action's result into the HTTP response, per content extension, as OpenWhisk's
 * controller does (WebActions.scala, resultAsHttp/Json/Html/Svg/Text):
 * - `.http` (the default): `{statusCode, headers, body}`; no body → 204 (or the statusCode);
 *   a string body is sent as is (text/html unless headers say otherwise; base64-decoded for
 *   binary types); an object body is sent as JSON. A result with none of those fields is an
 *   empty 204 — return `{statusCode, body}` or use `.json` to get JSON back.
 * - `.json`: the whole result as JSON; `.html`/`.svg`/`.text`: the `body` (or html/svg/text) field.
 */
import type { HttpReply } from './http';
import { Messages, errorReply, jsonReply } from './http';
import { isDictionary } from './types';

export const Extensions = ['.http', '.json', '.html', '.svg', '.text'] as const;
export type Extension = (typeof Extensions)[number];

export function transcode(result: unknown, extension: Extension, requestId: string): HttpReply {
  switch (extension) {
    case '.json':
      return typeof result === 'object' && result !== null
        ? jsonReply(200, result)
        : invalid('application/json', requestId);
    case '.html':
      return field(result, 'html', 'text/html; charset=UTF-8', requestId);
    case '.svg':
      return field(result, 'svg', 'image/svg+xml', requestId);
    case '.text':
      return asText(result, requestId);
    default:
      return asHttp(result, requestId);
  }
}

function asHttp(result: unknown, requestId: string): HttpReply {
  if (!isDictionary(result)) return invalid('message/http', requestId);
  const headers = headersOf(result.headers);
  if (!headers) return invalid('message/http', requestId);
  const status = statusOf(result.statusCode);
  if (status === null) return invalid('message/http', requestId);
  const { 'content-type': contentType, ...others } = headers;
  const body = result.body;
  if (body === undefined || body === null || body === '') return { status: status ?? 204, headers: others };
  if (typeof body !== 'string') {
    const type = String(contentType ?? 'application/json');
    if (!isJsonFamily(type)) return errorReply(400, Messages.contentTypeMismatch, requestId);
    return { status: status ?? 200, headers: { ...others, 'content-type': type }, body: JSON.stringify(body) };
  }
  const type = String(contentType ?? 'text/html; charset=UTF-8');
  if (isText(type) && !(isJsonFamily(type) && looksBase64(body)))
    return { status: status ?? 200, headers: { ...others, 'content-type': type }, body };
  return { status: status ?? 200, headers: { ...others, 'content-type': type }, body: Buffer.from(body, 'base64') };
}

function headersOf(value: unknown): Record<string, string | string[]> | undefined {
  if (value === undefined) return {};
  if (!isDictionary(value)) return undefined;
  const headers: Record<string, string | string[]> = {};
  for (const [name, v] of Object.entries(value)) {
    const values = (Array.isArray(v) ? v : [v]).map((x) =>
      ['string', 'number', 'boolean'].includes(typeof x) ? String(x) : undefined,
    );
    if (values.includes(undefined)) return undefined;
    headers[name.toLowerCase()] = values.length === 1 ? values[0]! : (values as string[]);
  }
  return headers;
}

/** undefined: absent; null: invalid. */
function statusOf(value: unknown): number | undefined | null {
  if (value === undefined) return undefined;
  const code = typeof value === 'string' ? Number(value) : value;
  return typeof code === 'number' && Number.isInteger(code) && code >= 100 && code <= 599 ? code : null;
}

function field(result: unknown, name: string, contentType: string, requestId: string): HttpReply {
  const value = isDictionary(result) ? (result.body ?? result[name]) : result;
  return typeof value === 'string'
    ? { status: 200, headers: { 'content-type': contentType }, body: value }
    : invalid(contentType.split(';')[0]!, requestId);
}

function asText(result: unknown, requestId: string): HttpReply {
  const value = isDictionary(result) ? (result.body ?? result.text) : result;
  if (value === undefined) return errorReply(404, 'Response does not include requested property.', requestId);
  const text =
    typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value, null, 2) : String(value);
  return { status: 200, headers: { 'content-type': 'text/plain; charset=UTF-8' }, body: text };
}

function invalid(mediaType: string, requestId: string): HttpReply {
  return errorReply(400, `Response is not valid '${mediaType}'.`, requestId);
}

export function isJsonFamily(contentType: string): boolean {
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  return type === 'application/json' || type.endsWith('+json');
}

/** Text (sent as is) versus binary (base64 in `__ow_body` / in a result body). */
export function isText(contentType: string): boolean {
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  return (
    type.startsWith('text/') ||
    isJsonFamily(type) ||
    type.endsWith('+xml') ||
    ['application/xml', 'application/javascript', 'application/x-www-form-urlencoded'].includes(type)
  );
}

function looksBase64(value: string): boolean {
  return value.length % 4 === 0 && /^[A-Za-z0-9+/]+={0,2}$/.test(value);
}
