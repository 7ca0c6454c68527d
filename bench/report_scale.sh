#!/bin/sh
# How the self-contained HTML report scales with the size of a run ("a run of
# 50 scenarios must still open quickly"). Runs every shipped scenario once,
# grows the result to N scenarios by replicating its entries (the copies are
# renamed heap_corrupt_2, heap_corrupt_3, ...; everything else is kept),
# renders each with `faultlab report` and opens each report in headless
# Chromium (bench/report_load.mjs). Prints one row per N, with per-scenario
# ratios.
#
#   bench/report_scale.sh [BUILD_DIR] [N...]      (defaults: build, 20 50 200)
#
# render ms is the median wall time of 3 `faultlab report` calls (process
# start included); DOMContentLoaded and load are medians of 3 loads, from
# navigation start to the end of the event. Nothing here judges the figures:
# the exit status is non-zero only when a step fails to run.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}
if [ ! -x "$build/bin/faultlab" ]; then
  echo "report_scale: no $build/bin/faultlab (build first, or pass BUILD_DIR)" >&2
  exit 2
fi
build=$(cd "$build" && pwd)  # absolute: the runs below start in $here
if [ $# -gt 0 ]; then shift; fi
if [ $# -eq 0 ]; then set -- 20 50 200; fi
for n in "$@"; do
  case $n in
    '' | *[!0-9]*) echo "report_scale: N must be a positive integer, not '$n'" >&2; exit 2 ;;
  esac
  if [ "$n" -eq 0 ]; then echo "report_scale: N must be at least 1" >&2; exit 2; fi
done
# Render times come from GNU date's nanosecond field (busybox prints it as is).
case $(date +%s%6N) in
  *[!0-9]*) echo "report_scale: needs GNU date (date +%N)" >&2; exit 2 ;;
esac

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# 1. One run of every shipped scenario: the base result to replicate.
cd "$here"
echo "report_scale: running scenarios/*.yaml once" >&2
"$build/bin/faultlab" run scenarios/*.yaml --json "$tmp/base.json" -q >/dev/null || {
  echo "report_scale: faultlab run exited with $? (expected 0)" >&2
  exit 1
}

# 2. run<N>.json for each N: the base scenarios, repeated in order until
# there are N of them; copy k (from 2 on) of `x` is named `x_k`.
node - "$tmp/base.json" "$tmp" "$@" <<'JS'
const fs = require('node:fs');
const [base, dir, ...counts] = process.argv.slice(2);
const result = JSON.parse(fs.readFileSync(base, 'utf8'));
const originals = result.scenarios;
if (!Array.isArray(originals) || !originals.length) {
  console.error(`report_scale: ${base} holds no scenarios`);
  process.exit(1);
}
for (const count of counts.map(Number)) {
  const taken = new Set();
  const scenarios = [];
  for (let i = 0; i < count; ++i) {
    const s = structuredClone(originals[i % originals.length]);
    const stem = s.name;
    // Copy number k; a clash with an existing name moves on to the next k.
    let k = Math.floor(i / originals.length) + 1;
    while (taken.has(s.name = k > 1 ? `${stem}_${k}` : stem)) ++k;
    taken.add(s.name);
    scenarios.push(s);
  }
  fs.writeFileSync(`${dir}/run${count}.json`, JSON.stringify({ ...result, scenarios }));
}
JS

# 3. Render each run 3 times; keep the HTML size and the median wall time.
for n in "$@"; do
  times=
  for _ in 1 2 3; do
    t0=$(date +%s%6N)
    "$build/bin/faultlab" report "$tmp/run$n.json" --html "$tmp/run$n.html" >/dev/null || {
      echo "report_scale: faultlab report of $n scenarios exited with $?" >&2
      exit 1
    }
    t1=$(date +%s%6N)
    times="$times $((t1 - t0))"
  done
  # shellcheck disable=SC2086  # one word per time
  render_us=$(printf '%s\n' $times | sort -n | sed -n 2p)
  printf '%s\t%s\t%s\n' "$n" "$(wc -c <"$tmp/run$n.html")" "$render_us" >>"$tmp/render.tsv"
done

# 4. Open every report in Chromium (one browser, 3 loads each, round robin).
# The argument list becomes the HTML files, in the order of the Ns.
for n in "$@"; do
  set -- "$@" "$tmp/run$n.html"
  shift
done
echo "report_scale: loading $# reports in headless Chromium" >&2
node "$here/bench/report_load.mjs" --runs 3 "$@" >"$tmp/load.tsv" || {
  echo "report_scale: report_load.mjs failed" >&2
  exit 1
}

# 5. The table: render.tsv (N, bytes, render us) beside load.tsv (file,
# DOMContentLoaded ms, load ms, elements), line for line.
paste "$tmp/render.tsv" "$tmp/load.tsv" | awk -F'\t' '
  BEGIN {
    printf "%9s %9s %10s %20s %8s %10s %9s %15s %13s\n", "scenarios", "HTML KiB",
           "render ms", "DOMContentLoaded ms", "load ms", "DOM nodes",
           "KiB/scen", "render ms/scen", "load ms/scen"
  }
  {
    kib = $2 / 1024; render = $3 / 1000
    printf "%9d %9.0f %10.1f %20.1f %8.1f %10d %9.1f %15.2f %13.2f\n", $1, kib,
           render, $5, $6, $7, kib / $1, render / $1, $6 / $1
  }'
