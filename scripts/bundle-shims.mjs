/**
 * What the function bundles leave out (scripts/build.mjs): dependencies' code that a deployed
 * stackmend step never runs. Two kinds:
 * - STUBS replace a whole package (by its import name);
 * - SHIMS replace one file inside a package (by its path under node_modules), so the package's
 *   other files stay as published.
 * A left-out feature fails with a message naming this file and what to use instead, never silently.
 * Sizes are esbuild's bytes in the minified output (npm run build -- --analyze).
 */

/** A CommonJS/ESM expression that throws the named reason when it runs. */
const refuse = (what, instead) =>
  `(() => { const e = new Error(${JSON.stringify(`${what} is left out of the stackmend function bundles (scripts/bundle-shims.mjs): ${instead}`)}); e.name = 'NotBundledError'; throw e; })()`;

export const STUBS = {
  /**
   * form-data (+ mime-types + mime-db, ~165 KB): axios only needs it to *build* multipart bodies;
   * the stub hands axios Node's native FormData, which its http adapter streams as a spec-compliant
   * form, so multipart still works.
   */
  'form-data': 'module.exports = globalThis.FormData;',
  /**
   * yaml (~116 KB) only reads clouds.yaml for local runs; deployed actions get credentials in the
   * os_auth parameter.
   */
  yaml: `module.exports = { parse() { throw new Error('clouds.yaml is not read inside a deployed bundle: give the action the os_auth parameter (deploy/stages/*.yml)'); } };`,
  /**
   * debug (+ ms, supports-color, has-flag, ~10 KB): used by follow-redirects, https-proxy-agent and
   * ioredis for DEBUG=… tracing only; its public surface (createDebug, .default, .enable…, instances
   * with enabled/extend/log), silent.
   */
  debug: `function createDebug(namespace) {
    const d = function () {};
    Object.assign(d, { namespace, enabled: false, useColors: false, color: 0, diff: 0, log: function () {}, destroy: () => false });
    d.extend = (sub, delimiter = ':') => createDebug(namespace + delimiter + sub);
    return d;
  }
  Object.assign(createDebug, { debug: createDebug, default: createDebug, enable() {}, disable: () => '', enabled: () => false,
    names: [], skips: [], formatters: {}, coerce: (v) => v, humanize: (ms) => ms + 'ms', selectColor: () => 0 });
  module.exports = createDebug;`,
};

const JSON_SCHEMA = 'zod’s JSON-Schema export';
const NO_JSON_SCHEMA = 'stackmend parses input with zod and never emits JSON Schema';

/** The names core/json-schema-processors.js exports (zod 4), each a function that refuses. */
const PROCESSORS = [
  'string',
  'number',
  'boolean',
  'bigint',
  'symbol',
  'null',
  'undefined',
  'void',
  'never',
  'any',
  'unknown',
  'date',
  'enum',
  'literal',
  'nan',
  'templateLiteral',
  'file',
  'success',
  'custom',
  'function',
  'transform',
  'map',
  'set',
  'array',
  'object',
  'union',
  'intersection',
  'tuple',
  'record',
  'nullable',
  'nonoptional',
  'default',
  'prefault',
  'catch',
  'pipe',
  'readonly',
  'promise',
  'optional',
  'lazy',
].map((p) => `${p}Processor`);

export const SHIMS = [
  {
    /** ioredis' Redis Cluster client (~30 KB with its subscriber groups and slot pool). */
    file: 'ioredis/built/cluster/index.js',
    contents: `exports.default = class Cluster { constructor() { ${refuse('Redis Cluster', 'the state store talks to one Redis server (state_url redis://host:port/db)')} } };`,
  },
  {
    /** ioredis' Sentinel connector (~8 KB); Redis.js builds it only when given `sentinels`. */
    file: 'ioredis/built/connectors/SentinelConnector/index.js',
    contents: `exports.default = exports.SentinelIterator = class SentinelConnector { constructor() { ${refuse('Redis Sentinel', 'give state_url the address of the Redis primary')} } };`,
  },
  {
    /**
     * ioredis' named TLS profiles (~8 KB of CA certificates for one hosted Redis), looked up only for
     * `tls: { profile }`, which stackmend never passes (a rediss:// state_url uses the system CAs).
     */
    file: 'ioredis/built/constants/TLSProfiles.js',
    contents: `exports.default = new Proxy({}, { get: (_, name) => name === 'undefined' ? undefined : ${refuse('ioredis’ TLS profiles', 'use a rediss:// state_url')} });`,
  },
  {
    /** zod's JSON-Schema generator (~9 KB); every schema refers to it for .toJSONSchema(). */
    file: 'zod/v4/core/to-json-schema.js',
    contents: ['initializeContext', 'handleUnrepresentable', 'processSchema', 'extractDefs', 'finalize']
      .map((n) => `export function ${n}() { return ${refuse(JSON_SCHEMA, NO_JSON_SCHEMA)}; }`)
      .concat([
        'export { processSchema as process };',
        `export const createToJSONSchemaMethod = () => () => ${refuse(JSON_SCHEMA, NO_JSON_SCHEMA)};`,
        `export const createStandardJSONSchemaMethod = () => () => ${refuse(JSON_SCHEMA, NO_JSON_SCHEMA)};`,
      ])
      .join('\n'),
  },
  {
    /**
     * zod's per-type JSON-Schema processors (~11 KB). aggregateChecks stays: it answers a string or
     * number schema's .minLength/.format/.isInt; esbuild keeps only it from the published file.
     */
    file: 'zod/v4/core/json-schema-processors.js',
    contents: ({ path }) =>
      [
        `export { aggregateChecks } from ${JSON.stringify(`${path}?published`)};`,
        `const refuse = () => ${refuse(JSON_SCHEMA, NO_JSON_SCHEMA)};`,
        `export const ${PROCESSORS.join(' = refuse, ')} = refuse;`,
        'export const allProcessors = {};',
        'export { refuse as toJSONSchema };',
      ].join('\n'),
  },
  {
    /** axios' browser adapter (~4 KB): Node has no XMLHttpRequest, so axios itself sets it to false there. */
    file: 'axios/lib/adapters/xhr.js',
    contents: 'export default false;',
  },
  {
    /** axios' fetch adapter (~7 KB): axios picks its http adapter first on Node; 'fetch' reports itself unsupported. */
    file: 'axios/lib/adapters/fetch.js',
    contents: 'export const getFetch = () => false;\nexport default false;',
  },
];

/**
 * The esbuild plugin: STUBS by import name, SHIMS by file (a `?published` suffix loads the file as
 * published). `shims: false` applies the STUBS only (the bench's comparison with the files as published).
 */
export const shimPlugin = ({ shims = true } = {}) => ({
  name: 'stackmend-shims',
  setup(b) {
    const stubbed = new RegExp(`^(${Object.keys(STUBS).join('|')})$`);
    b.onResolve({ filter: stubbed }, (args) => ({ path: args.path, namespace: 'stub' }));
    b.onLoad({ filter: /.*/, namespace: 'stub' }, (args) => ({ contents: STUBS[args.path], loader: 'js' }));
    if (!shims) return;
    b.onResolve({ filter: /\?published$/ }, (args) => ({
      path: args.path.replace(/\?published$/, ''),
      suffix: '?published',
    }));
    for (const shim of SHIMS) {
      const at = new RegExp(`node_modules/${shim.file.replace(/[.]/g, '\\.')}$`);
      b.onLoad({ filter: at }, (args) => {
        if (args.suffix === '?published') return undefined;
        const contents = typeof shim.contents === 'function' ? shim.contents(args) : shim.contents;
        return { contents, loader: 'js', resolveDir: args.path.replace(/\/[^/]*$/, '') };
      });
    }
  },
});
