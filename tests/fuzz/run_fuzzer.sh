#!/bin/sh
# A bounded libFuzzer run: run_fuzzer.sh FUZZER SECONDS WORKDIR [-dict=F] SEED_DIR...
# New inputs go to WORKDIR/corpus (emptied first, so each run starts from
# the seeds); a finding is written to WORKDIR/ and the run exits non-zero.
set -eu
fuzzer=$1 seconds=$2 work=$3
shift 3
rm -rf "$work"
mkdir -p "$work/corpus"
exec "$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
  -print_final_stats=1 -artifact_prefix="$work/" "$work/corpus" "$@"
