#!/usr/bin/env bash
# Installs the npm dependencies with `npm ci` (exactly the lockfile, which must match package.json)
# only when node_modules is missing or older than package.json or package-lock.json; silent
# otherwise (it runs before every `npm test` and `npm run demo`).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
stamp=node_modules/.stackmend-deps
if [ -f "$stamp" ] && [ "$stamp" -nt package.json ] && { [ ! -f package-lock.json ] || [ "$stamp" -nt package-lock.json ]; }; then
  exit 0
fi
echo "ensure-deps: npm ci (node_modules missing or older than package.json or package-lock.json)" >&2
npm ci --no-audit --no-fund --loglevel=error >&2
touch "$stamp"
