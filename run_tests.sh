#!/usr/bin/env bash
# Installs and builds if needed (warnings are errors here), then runs the
# whole suite: unit tests, end-to-end tests, the scenario regression gate,
# schema and JUnit checks, and the headless-browser test of a real report.
# Before that, the sanitizer stages (CMakePresets.json): the supervisor's and
# reports' unit tests and a few end-to-end runs under ASan+UBSan (the 'fuzz'
# tree, which also runs each fuzz target for a bounded time) and under TSan.
# FAULTLAB_SANITIZERS=0 skips them. The main suite's ctest summary comes
# last; a failed sanitizer stage is named after it and fails the run.
set -euo pipefail
cd "$(dirname "$0")"
FAULTLAB_WERROR=ON ./setup.sh
failed=()
if [[ "${FAULTLAB_SANITIZERS:-1}" != 0 ]]; then
  for preset in fuzz tsan; do
    start=$SECONDS
    echo "run_tests: sanitizer stage '$preset': build"
    if cmake --preset "$preset" >/dev/null &&
        cmake --build --preset "$preset" -j"$(nproc)"; then
      # TSan needs its own address layout; some kernels' wider mmap
      # randomisation breaks it, so its stage runs without ASLR.
      wrap=()
      if [[ $preset == tsan ]] && setarch "$(uname -m)" -R true 2>/dev/null; then
        wrap=(setarch "$(uname -m)" -R)
      fi
      "${wrap[@]}" ctest --preset "$preset" -j"$(nproc)" || failed+=("$preset")
    else
      failed+=("$preset (build)")
    fi
    echo "run_tests: sanitizer stage '$preset' took $((SECONDS - start)) s"
  done
fi
cd build
status=0
ctest -j"$(nproc)" --output-on-failure --timeout 300 || status=$?
if (( ${#failed[@]} )); then
  echo "run_tests: sanitizer stage(s) failed: ${failed[*]} (their ctest output is above)"
  exit 1
fi
exit "$status"
