#!/usr/bin/env node
// stackmend CLI: runs the TypeScript sources through tsx (no build step needed locally).
require('tsx/cjs');
require('../cli/main.ts')
  .run(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
