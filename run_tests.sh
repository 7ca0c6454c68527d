#!/usr/bin/env bash
# Installs and builds if needed (warnings are errors here), then runs the
# whole suite: unit tests, end-to-end tests, the scenario regression gate,
# schema and JUnit checks, and the headless-browser test of a real report.
set -euo pipefail
cd "$(dirname "$0")"
FAULTLAB_WERROR=ON ./setup.sh
cd build
ctest -j"$(nproc)" --output-on-failure --timeout 300
