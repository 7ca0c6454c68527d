#!/bin/sh
# long_paths_test.sh FAULTLAB RESULT.json OUTDIR
# A report's file paths and command line are as long as the checkout's path,
# which differs from machine to machine. This re-renders RESULT.json with every
# path under a deep directory and checks the page still fits a phone-width
# window (see html_report_test.mjs).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
faultlab=$1 result=$2 out=$3
deep=/var/lib/ci-runners/runner-0042/workspace/a-rather-long-project-directory-name/checkout
node -e '
  const fs = require("fs");
  const [src, dst, deep] = process.argv.slice(1);
  const r = JSON.parse(fs.readFileSync(src, "utf8"));
  r.command = (r.command ?? "").split(" ").map((w) => w.startsWith("/") ? deep + w : w).join(" ");
  for (const s of r.scenarios ?? []) if (s.file) s.file = deep + (s.file.startsWith("/") ? "" : "/") + s.file;
  fs.writeFileSync(dst, JSON.stringify(r));
' "$result" "$out/long_paths.json" "$deep"
"$faultlab" report "$out/long_paths.json" --html "$out/long_paths.html"
grep -q "$deep" "$out/long_paths.html" || { echo "FAIL: long paths not in the report" >&2; exit 1; }
exec sh "$here/html_report_test.sh" "$out/long_paths.html" "$out/long_paths.png" \
  --mobile "$out/long_paths-390.png" --expect "$deep"
