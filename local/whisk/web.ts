/**
 * Web actions: `/api/v1/web/{namespace}/{package|default}/{action}[.ext][/rest]`, as OpenWhisk's
 * controller serves them (WebActions.scala). Only actions annotated `web-export: true` answer.
 * - `require-whisk-auth: true` needs the namespace's Basic auth; a string (or number) value needs
 *   the same value in `X-Require-Whisk-Auth`; any other value refuses every request. 401 otherwise.
 * - Params: `__ow_method` (lower case), `__ow_headers` (lower-cased names), `__ow_path`; then the
 *   query and a JSON-object or form body merged in (body wins). Other bodies arrive as `__ow_body`.
 * - `raw-http: true`: `__ow_query` (unparsed) and `__ow_body` (text as is; binary AND
 *   application/json base64-encoded, as OpenWhisk does for legacy reasons) instead of merging.
 * - With `final: true` (serverless-openwhisk adds it to every web action) a request may not set
 *   a parameter the action or its package defines, nor any `__ow_*` name: 400.
 * - Success → the result transcoded; application error → its `error` field transcoded (so
 *   `{error: {statusCode: 409, body}}` becomes a 409); developer error or timeout → 400.
 * - Unlike OpenWhisk's controller, no CORS headers (`Access-Control-Allow-Origin: *`): a page of another
 *   origin must not be able to read what an action answers. OPTIONS answers 204 without them, so a
 *   browser's preflight fails; `web-custom-options: true` lets the action answer OPTIONS itself.
 */
import type { EntityStore } from './store';
import type { Invoker } from './invoker';
import type { ActionEntity } from './types';
import { annotation, toDictionary } from './types';
import type { HttpReply, WhiskRequest } from './http';
import { Messages, errorReply } from './http';
import { Extensions, isJsonFamily, isText, transcode, type Extension } from './web-response';

const RESERVED = ['__ow_method', '__ow_headers', '__ow_path', '__ow_user', '__ow_query', '__ow_body'];

export interface WebDeps {
  store: EntityStore;
  invoker: Invoker;
}

/** `segments`: the path after `/api/v1/web/`, already split and decoded. */
export async function handleWebAction(deps: WebDeps, req: WhiskRequest, segments: string[]): Promise<HttpReply> {
  const [ns, pkg, last, ...rest] = segments;
  if (!ns || !pkg || !last) return errorReply(404, Messages.notFound, req.requestId);
  const extension = Extensions.find((e) => last.endsWith(e));
  const short = extension ? last.slice(0, -extension.length) : last;
  const namespace = ns === '_' ? deps.store.namespace : ns;
  const action = deps.store.actions.find({ namespace, name: pkg === 'default' ? short : `${pkg}/${short}` });
  if (!action || annotation(action, 'web-export') !== true) return errorReply(404, Messages.notFound, req.requestId);

  const customOptions = annotation(action, 'web-custom-options') === true;
  if (req.method === 'OPTIONS' && !customOptions) return { status: 204, headers: {} };
  if (!authorized(action, req)) return errorReply(401, Messages.webUnauthorized, req.requestId);

  const raw = annotation(action, 'raw-http') === true;
  const args = argumentsOf(
    req,
    rest,
    raw,
    annotation(action, 'require-whisk-auth') === true ? deps.store.namespace : undefined,
  );
  if (args === 'malformed') return errorReply(400, Messages.malformedBody, req.requestId);
  if (!raw && overridesProtected(args.requested, protectedNames(deps.store, action)))
    return errorReply(400, Messages.parametersNotAllowed, req.requestId);

  const record = await deps.invoker.invoke(action, args.params);
  const headers = { 'x-openwhisk-activation-id': record.activationId };
  const { statusCode, result } = record.response;
  if (statusCode > 1) return errorReply(400, Messages.requestNotProcessed, record.activationId, headers);
  const reply = transcode(statusCode === 0 ? result : result.error, (extension ?? '.http') as Extension, req.requestId);
  return { ...reply, headers: { ...headers, ...reply.headers } };
}

function authorized(action: ActionEntity, req: WhiskRequest): boolean {
  const required = annotation(action, 'require-whisk-auth');
  if (required === undefined) return true;
  if (required === true) return req.authenticated;
  if (typeof required === 'string' || typeof required === 'number')
    return req.headers['x-require-whisk-auth'] === String(required);
  return false;
}

function argumentsOf(req: WhiskRequest, rest: string[], raw: boolean, user: string | undefined) {
  const headers = Object.fromEntries(
    Object.entries(req.headers).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v.join(', ') : String(v)]),
  );
  const meta: Record<string, unknown> = {
    __ow_method: req.method.toLowerCase(),
    __ow_headers: headers,
    __ow_path: rest.length ? `/${rest.join('/')}` : '',
  };
  if (user) meta.__ow_user = user;
  const contentType = String(req.headers['content-type'] ?? 'application/octet-stream');
  if (raw) {
    const body =
      req.body.length === 0
        ? ''
        : isText(contentType) && !isJsonFamily(contentType)
          ? req.body.toString('utf8')
          : req.body.toString('base64');
    return { params: { ...meta, __ow_query: req.url.search.replace(/^\?/, ''), __ow_body: body }, requested: [] };
  }
  const query = Object.fromEntries(req.url.searchParams);
  const body = req.body.length === 0 ? { fields: {}, opaque: {} } : bodyOf(req.body, contentType);
  if (body === 'malformed') return body;
  return {
    params: { ...meta, ...query, ...body.fields, ...body.opaque },
    requested: [...Object.keys(query), ...Object.keys(body.fields)],
  };
}

/** A JSON object or a form becomes fields; anything else is opaque and arrives as `__ow_body`. */
function bodyOf(bytes: Buffer, contentType: string) {
  if (isJsonFamily(contentType)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(bytes.toString('utf8'));
    } catch {
      return 'malformed' as const;
    }
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? { fields: parsed as Record<string, unknown>, opaque: {} }
      : { fields: {}, opaque: { __ow_body: parsed } };
  }
  if (contentType.startsWith('application/x-www-form-urlencoded'))
    return { fields: Object.fromEntries(new URLSearchParams(bytes.toString('utf8'))), opaque: {} };
  return { fields: {}, opaque: { __ow_body: isText(contentType) ? bytes.toString('utf8') : bytes.toString('base64') } };
}

function protectedNames(store: EntityStore, action: ActionEntity): Set<string> {
  if (annotation(action, 'final') !== true) return new Set(RESERVED);
  const inherited = toDictionary(store.packageOf(action)?.parameters ?? []);
  return new Set([...RESERVED, ...Object.keys(inherited), ...Object.keys(toDictionary(action.parameters))]);
}

function overridesProtected(requested: string[], names: Set<string>): boolean {
  return requested.some((name) => names.has(name));
}
