#!/usr/bin/env bash
# Diff + record of a poll with 1,000,000 observations against a baseline of the same size, 1% changed,
# on the embedded SQLite store and, when $PORTWARDEN_TEST_POSTGRES names a PostgreSQL admin connection (as for the
# tests: export PORTWARDEN_TEST_POSTGRES="$(test/postgres.sh start)"), on a new database there (dropped after):
# prints load, diff and record times, change events and peak memory.
# Usage: bench/track-diff.sh [hosts] [ports-per-host]   (default 10000 x 100)
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build bench/PortWarden.Bench -c Release --nologo -v quiet
dotnet bench/PortWarden.Bench/bin/Release/net10.0/PortWarden.Bench.dll diff-record --hosts "${1:-10000}" --ports-per-host "${2:-100}" \
    ${PORTWARDEN_TEST_POSTGRES:+--postgres "$PORTWARDEN_TEST_POSTGRES"}
