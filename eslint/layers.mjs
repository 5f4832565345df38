/**
 * The dependency direction of the layers (detect → decide → act → tell), as an ESLint rule:
 * `stackmend/layers` resolves every relative import against the importing file and reports
 * an import that points from an inner layer to an outer one. The table is LAYERS below;
 * test/unit/architecture.test.ts lints deliberate bad imports with it.
 */
import path from 'node:path';

/** Layer (a directory, longest prefix wins) → the layers its files may import. */
export const LAYERS = {
  'core/domain': ['core/domain'],
  'core/policy': ['core/domain', 'core/policy'],
  'core/openstack': ['core/domain', 'core/openstack'],
  'core/state': ['core/domain', 'core/state'],
  'core/runtime': ['core'],
  core: ['core'],
  functions: ['core', 'functions'],
  triggers: ['core', 'triggers'],
  // deploy/cron.cjs: the cron parser the deploy plugin checks a stage with and the local alarm feed schedules by
  local: ['core/domain', 'local', 'deploy/cron.cjs'],
  bench: ['core', 'functions', 'triggers', 'local', 'bench', 'lab', 'test/support'], // the storm's cloud: test/support/fakes
  lab: ['core', 'functions', 'triggers', 'local', 'lab'],
  console: ['core', 'functions', 'console'],
  // the page (bundled for the browser by console/assets.ts): its modules and the shapes the API answers with
  'console/ui': ['console/ui', 'console/views', 'console/fleet', 'core/domain'],
  cli: ['core', 'functions', 'triggers', 'local', 'bench', 'lab', 'console', 'cli'],
};

/**
 * Packages (and Node built-ins) a pure layer may import: nothing that does I/O. `yaml` parses a policy file's
 * text (core/policy/file.ts); no function bundle imports that file (scripts/bundle-shims.mjs leaves yaml out).
 */
export const PURE_PACKAGES = { 'core/domain': ['zod'], 'core/policy': ['zod', 'yaml'] };

const layerOf = (rel) =>
  Object.keys(LAYERS)
    .filter((l) => rel === l || rel.startsWith(`${l}/`))
    .sort((a, b) => b.length - a.length)[0];

const within = (rel, dirs) => dirs.some((d) => rel === d || rel.startsWith(`${d}/`));

export const layersRule = {
  meta: {
    type: 'problem',
    docs: { description: 'imports point inward only (eslint/layers.mjs LAYERS)' },
    messages: {
      outward: '{{from}} may not import {{to}}: {{from}} may import only {{allowed}} (eslint/layers.mjs)',
      impure: '{{from}} is pure and may not import "{{pkg}}": it may import only {{allowed}} (eslint/layers.mjs)',
    },
    schema: [],
  },
  create(context) {
    const root = context.cwd;
    const file = path.relative(root, context.filename).split(path.sep).join('/');
    const from = layerOf(file);
    if (!from) return {};
    const check = (node, spec) => {
      if (typeof spec !== 'string') return;
      if (spec.startsWith('.')) {
        const target = path
          .relative(root, path.resolve(path.dirname(context.filename), spec))
          .split(path.sep)
          .join('/');
        const allowed = LAYERS[from];
        if (!within(target, allowed)) {
          context.report({ node, messageId: 'outward', data: { from, to: target, allowed: allowed.join(', ') } });
        }
        return;
      }
      const pure = PURE_PACKAGES[from];
      const pkg = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
      if (pure && !pure.includes(pkg)) {
        context.report({ node, messageId: 'impure', data: { from, pkg, allowed: pure.join(', ') } });
      }
    };
    return {
      ImportDeclaration: (n) => check(n.source, n.source.value),
      ExportNamedDeclaration: (n) => n.source && check(n.source, n.source.value),
      ExportAllDeclaration: (n) => check(n.source, n.source.value),
      ImportExpression: (n) => n.source.type === 'Literal' && check(n.source, n.source.value),
      CallExpression: (n) =>
        n.callee.type === 'Identifier' &&
        n.callee.name === 'require' &&
        n.arguments[0]?.type === 'Literal' &&
        check(n.arguments[0], n.arguments[0].value),
    };
  },
};

export default { rules: { layers: layersRule } };
