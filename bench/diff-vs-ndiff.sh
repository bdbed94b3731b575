#!/usr/bin/env bash
# `portwarden diff` vs nmap's ndiff on generated nmap XML files (1,000 to 50,000 hosts): time, peak memory,
# and whether both find the same hosts changed. Needs ndiff (Debian/Ubuntu: apt install ndiff). No scanning.
# Usage: bench/diff-vs-ndiff.sh
set -euo pipefail
cd "$(dirname "$0")/.."
command -v ndiff >/dev/null || { echo "ndiff not found: apt install ndiff" >&2; exit 2; }
out=artifacts/bench
dotnet publish src/PortWarden.Cli -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true \
  -o "$out/portwarden" --nologo -v quiet >/dev/null
dotnet build bench/PortWarden.Bench -c Release --nologo -v quiet >/dev/null
dotnet bench/PortWarden.Bench/bin/Release/net10.0/PortWarden.Bench.dll diff-vs-ndiff \
  --portwarden "$out/portwarden/portwarden" --ndiff "$(command -v ndiff)"
