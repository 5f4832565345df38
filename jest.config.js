/** Unit tests (test/unit) run anywhere; lab tests (test/lab, test/e2e, test/deploy) need `npm run lab -- up`. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    // transpile only (tsconfig's isolatedModules); `npm run typecheck` is the type check
    '^.+\\.m?[tj]sx?$': [
      'ts-jest',
      {
        tsconfig: { module: 'commonjs', moduleResolution: 'node10', allowJs: true, isolatedModules: true },
        diagnostics: false,
      },
    ],
  },
  // middy 6 and preact 11 (the console page's views, test/unit/console/controls.test.ts) are ESM-only
  transformIgnorePatterns: ['/node_modules/(?!@middy/|preact/)'],
  testTimeout: 180000,
  // test/after-all/ runs last: it greps the whole run's logs (test/support/run-logs.ts)
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  testSequencer: '<rootDir>/test/support/sequencer.cjs',
  // The deploy tests run the built bundles inside the local OpenWhisk runtime, as warm containers:
  // their state-store connections (Redis) stay open by design and would keep jest waiting.
  forceExit: true,
};
