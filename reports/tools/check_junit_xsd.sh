#!/bin/sh
# check_junit_xsd.sh SCHEMA.xsd REPORT.xml: validates a JUnit report with
# xmllint. Exit 77 (ctest SKIP_RETURN_CODE) when xmllint is not installed
# (Debian package libxml2-utils).
set -eu
if ! command -v xmllint >/dev/null 2>&1; then
  echo "SKIP: xmllint not found (apt-get install -y libxml2-utils)" >&2
  exit 77
fi
exec xmllint --noout --schema "$1" "$2"
