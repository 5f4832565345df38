// ESLint: typescript-eslint's recommended rules, the line width Prettier keeps (.prettierrc.json),
// and the layer rule (eslint/layers.mjs) that keeps imports pointing inward.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import stackmend from './eslint/layers.mjs';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.serverless/', '.stackmend/', 'bench-results/', 'test/lab/etc/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        require: 'readonly',
        module: 'writable',
        __dirname: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        URL: 'readonly',
        AbortController: 'readonly',
        fetch: 'readonly',
      },
    },
    plugins: { stackmend },
    rules: {
      'stackmend/layers': 'error',
      'max-len': [
        'error',
        { code: 120, ignoreUrls: true, ignoreStrings: true, ignoreTemplateLiterals: true, ignoreRegExpLiterals: true },
      ],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false },
      ],
    },
  },
  {
    // commands, and the steps the registry names, are loaded on first use
    // (bin/stackmend.cjs runs the sources through tsx's require hook)
    files: ['cli/main.ts', 'cli/bench.ts', 'cli/steps.ts'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // tests read untyped JSON (recorded payloads, HTTP answers) and poke at it
    files: ['test/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['**/*.cjs', 'bin/**', 'deploy/**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
