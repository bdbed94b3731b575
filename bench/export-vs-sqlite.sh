#!/usr/bin/env bash
# `portwarden export` (csv, jsonl, cef) of a SQLite event log of about 1,000,000 change events against the sqlite3
# shell dumping the same rows as CSV and JSON to a file: time, peak memory and the time ratio. The log is made by the
# benchmark (a baseline of 20,000 hosts, then 50 polls that each open or close one port on every host).
# Needs the sqlite3 shell (package "sqlite3").
# Usage: bench/export-vs-sqlite.sh [hosts] [polls]   (defaults: 20000 hosts, 50 polls)
set -euo pipefail
cd "$(dirname "$0")/.."
out=artifacts/bench
dotnet publish src/PortWarden.Cli -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true \
  -o "$out/portwarden" --nologo -v quiet >/dev/null
dotnet build bench/PortWarden.Bench -c Release --nologo -v quiet >/dev/null
dotnet bench/PortWarden.Bench/bin/Release/net10.0/PortWarden.Bench.dll export-vs-sqlite \
  --portwarden "$out/portwarden/portwarden" --hosts "${1:-20000}" --polls "${2:-50}"
