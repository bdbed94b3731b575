#!/usr/bin/env bash
# PortWarden's connect engine vs nmap -sT on network-namespace targets (needs root, nmap, iproute2, nftables).
# Usage: sudo bench/scan-vs-nmap.sh [runs]   (runs of the single-host scenario, default 5; the network runs once)
set -euo pipefail
cd "$(dirname "$0")/.."
out=artifacts/bench
dotnet publish src/PortWarden.Cli -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true \
  -o "$out/portwarden" --nologo -v quiet
dotnet build bench/PortWarden.Bench -c Release --nologo -v quiet
dotnet bench/PortWarden.Bench/bin/Release/net10.0/PortWarden.Bench.dll scan-vs-nmap \
  --portwarden "$out/portwarden/portwarden" --runs "${1:-5}"
