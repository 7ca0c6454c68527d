#!/bin/sh
# Detection latency of deadlocks: cycle closed (the latest wait of its
# members began) -> the supervisor knew. Runs the deadlock scenarios N times
# per placement and prints median and p90 per scenario and placement.
#
#   bench/deadlock_latency.sh [BUILD_DIR] [N]      (defaults: build, 20)
#
# The figure is bounded below by the detector's settle time (10 ms: a wait
# must be that old before it counts as an edge) plus up to one 2 ms tick.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}
n=${2:-20}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for s in deadlock pipe_deadlock; do
  "$build/bin/faultlab" run "$here/scenarios/$s.yaml" --repeat "$n" -q \
    --json "$out/$s.json" >/dev/null || {
    echo "deadlock_latency: $s did not meet its expectations" >&2
    exit 1
  }
done
python3 - "$out"/*.json <<'PY'
import json, statistics, sys
print(f"{'scenario':<16}{'placement':<10}{'trials':>7}{'median ms':>11}{'p90 ms':>9}{'max ms':>9}")
for path in sys.argv[1:]:
    result = json.load(open(path))
    for sc in result["scenarios"]:
        for pl in sc["placements"]:
            v = sorted(t["detection_latency_ms"] for t in pl["trials"]
                       if t.get("detection_latency_ms") is not None)
            missing = len(pl["trials"]) - len(v)
            if not v:
                print(f"{sc['name']:<16}{pl['placement']:<10} no latency measured")
                continue
            p90 = v[min(len(v) - 1, int(round(0.9 * (len(v) - 1))))]
            note = f"  ({missing} without a figure)" if missing else ""
            print(f"{sc['name']:<16}{pl['placement']:<10}{len(v):>7}"
                  f"{statistics.median(v):>11.1f}{p90:>9.1f}{v[-1]:>9.1f}{note}")
PY
