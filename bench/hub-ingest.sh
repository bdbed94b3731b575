#!/usr/bin/env bash
# Hub ingestion rate: 1 and 4 agents pushing polls over HTTP at once, on SQLite and, when $PORTWARDEN_TEST_POSTGRES
# names a PostgreSQL admin connection (export PORTWARDEN_TEST_POSTGRES="$(test/postgres.sh start)"), on PostgreSQL.
# Usage: bench/hub-ingest.sh [polls-per-agent] [hosts-per-poll]   (default 200 x 20)
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build bench/PortWarden.Bench -c Release --nologo -v quiet
dotnet bench/PortWarden.Bench/bin/Release/net10.0/PortWarden.Bench.dll hub-ingest --polls "${1:-200}" --hosts "${2:-20}" \
    ${PORTWARDEN_TEST_POSTGRES:+--postgres "$PORTWARDEN_TEST_POSTGRES"}
