#!/usr/bin/env bash
# PortWarden's UDP engine vs nmap -sU on a namespace host with Linux's default ICMP limits (needs root, nmap,
# iproute2, nftables): 300 ports with both (wrong states vs the known truth, times, ratio), then all 65535 ports
# with PortWarden, each with 256 source addresses; prints the theoretical limit. Takes about 10 minutes (nmap ~5).
# Usage: sudo bench/udp-vs-nmap.sh [extra options, e.g. --sources 64 --skip-nmap --skip-full]
set -euo pipefail
cd "$(dirname "$0")/.."
out=artifacts/bench
dotnet publish src/PortWarden.Cli -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true \
  -o "$out/portwarden" --nologo -v quiet >/dev/null
dotnet build bench/PortWarden.Bench -c Release --nologo -v quiet >/dev/null
dotnet bench/PortWarden.Bench/bin/Release/net10.0/PortWarden.Bench.dll udp-vs-nmap \
  --portwarden "$out/portwarden/portwarden" "$@"
