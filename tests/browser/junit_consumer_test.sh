#!/bin/sh
# junit_consumer_test.sh FAULTLAB SOURCE_DIR OUT_DIR
# Real runs whose JUnit a CI parser (junit2json, junit_consumer.mjs) must
# read as the result JSON says: failed placements with their seeds, and a
# harness error as <error>.
set -u
faultlab=$1 src=$2 out=$3
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
"$faultlab" run "$src/tests/data/wrong_expectation.yaml" "$src/scenarios/abort.yaml" \
  --repeat 2 -q --json "$out/failed.json" --junit "$out/failed.xml"
[ $? -eq 1 ] || { echo "FAIL: the failing run did not exit 1"; exit 1; }
node "$here/junit_consumer.mjs" "$out/failed.xml" "$out/failed.json" || exit 1
FAULTLAB_WORKER=/nonexistent/faultlab-worker "$faultlab" run --launch exec \
  "$src/scenarios/abort.yaml" -q --json "$out/error.json" --junit "$out/error.xml" 2>/dev/null
[ $? -eq 2 ] || { echo "FAIL: the harness error did not exit 2"; exit 1; }
node "$here/junit_consumer.mjs" "$out/error.xml" "$out/error.json" || exit 1
grep -q '<error message="harness error: ' "$out/error.xml" ||
  { echo "FAIL: no <error> in $out/error.xml"; exit 1; }
