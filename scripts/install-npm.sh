#!/usr/bin/env bash
# scripts/install-npm.sh - the npm packages of the browser tests (playwright-core,
# pinned in tests/browser/package.json and its lock file) and, when that folder
# exists, of tests/opds. No browser is downloaded: the tests drive Debian's
# chromium (see scripts/install-deps.sh). Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v npm >/dev/null 2>&1; then
  echo "install-npm: npm not found (Debian package npm); browser tests will be skipped"
  exit 0
fi
for dir in tests/browser tests/opds; do
  [ -f "$dir/package.json" ] || continue
  echo "== npm install in $dir"
  # PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: belt and braces, playwright-core downloads nothing itself
  (cd "$dir" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --no-audit --no-fund)
done
