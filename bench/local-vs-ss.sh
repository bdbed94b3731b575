#!/usr/bin/env bash
# PortWarden's self-scan (scan --engine local, owning processes included) vs `ss -tulpn` with 20,000 listening
# sockets, which the benchmark opens on 127.0.0.1 and ::1 and closes again. Two builds of the CLI are measured:
# ReadyToRun (JIT runtime, as scan-vs-nmap.sh publishes it) and Native AOT (needs clang or gcc and zlib1g-dev).
# Needs iproute2 (ss) and GNU time (/usr/bin/time, package "time").
# Usage: bench/local-vs-ss.sh [runs] [sockets]   (defaults: 5 runs, 20000 sockets)
set -euo pipefail
cd "$(dirname "$0")/.."
out=artifacts/bench
dotnet publish src/PortWarden.Cli -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true \
  -o "$out/portwarden" --nologo -v quiet >/dev/null
dotnet publish src/PortWarden.Cli -c Release -r linux-x64 -p:PublishAot=true \
  -o "$out/portwarden-aot" --nologo -v quiet >/dev/null
dotnet build bench/PortWarden.Bench -c Release --nologo -v quiet >/dev/null
dotnet bench/PortWarden.Bench/bin/Release/net10.0/PortWarden.Bench.dll local-vs-ss \
  --portwarden "ReadyToRun=$out/portwarden/portwarden" --portwarden "Native AOT=$out/portwarden-aot/portwarden" \
  --runs "${1:-5}" --sockets "${2:-20000}"
