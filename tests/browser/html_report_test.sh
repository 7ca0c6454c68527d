#!/bin/sh
# html_report_test.sh REPORT.html SHOT.png [--json RESULT.json]... [--expect TEXT]...
#                     [--mobile SHOT390.png]
# Browser check of a faultlab HTML report; see html_report_test.mjs. Needs
# Chromium (Debian package chromium, or $CHROMIUM) and `npm ci` in this folder.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
chromium=${CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$chromium" ]; then
  echo "FAIL: Chromium not found at $chromium: install it (apt-get install -y chromium)" \
       "or set CHROMIUM to its path" >&2
  exit 1
fi
if ! command -v node >/dev/null 2>&1; then
  echo "FAIL: node not found: install it (apt-get install -y nodejs npm)" >&2
  exit 1
fi
# A checkout whose node_modules predates a package (axe-core) gets it here.
if [ -d "$here/node_modules" ] && [ ! -d "$here/node_modules/axe-core" ]; then
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error) >&2
fi
if [ ! -d "$here/node_modules/playwright-core" ]; then
  echo "FAIL: playwright-core missing: run \`npm ci\` in $here" >&2
  exit 1
fi
CHROMIUM=$chromium exec node "$here/html_report_test.mjs" "$@"
