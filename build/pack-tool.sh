#!/usr/bin/env bash
# The dotnet tool package: `dotnet tool install --global portwarden --add-source DIR` installs the `portwarden` command
# (needs the .NET 10 runtime on the machine).
# Usage: build/pack-tool.sh   Output: $ARTIFACTS/nupkg/portwarden.VERSION.nupkg   ($ARTIFACTS defaults to artifacts/)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
artifacts="${ARTIFACTS:-$root/artifacts}"
dotnet pack "$root/src/PortWarden.Cli/PortWarden.Cli.csproj" -c Release --artifacts-path "$artifacts/build" \
  -o "$artifacts/nupkg" --nologo -v quiet
ls -l "$artifacts/nupkg"
