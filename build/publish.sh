#!/usr/bin/env bash
# Self-contained single-file builds of the portwarden command: one executable per platform, no .NET needed on the target.
# Usage: build/publish.sh [RID...]   (default: linux-x64 linux-arm64 win-x64)
# Output: $ARTIFACTS/publish/RID/portwarden[.exe]   ($ARTIFACTS defaults to artifacts/ in the repository)
#
# Not trimmed: the hub's minimal APIs, System.Text.Json, configuration binding and Npgsql find types by reflection,
# and trimming would remove what they look for without the build noticing (it warns, and only for what it can see).
# Compressed instead (EnableCompressionInSingleFile): about half the size, at a small cost at start-up.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
artifacts="${ARTIFACTS:-$root/artifacts}"
rids=("$@")
[ ${#rids[@]} -gt 0 ] || rids=(linux-x64 linux-arm64 win-x64)
for rid in "${rids[@]}"; do
  # A build tree of its own (--artifacts-path): the source tree's obj/ and bin/ stay as they are.
  dotnet publish "$root/src/PortWarden.Cli/PortWarden.Cli.csproj" -c Release -r "$rid" --self-contained \
    -p:PublishSingleFile=true -p:IncludeNativeLibrariesForSelfExtract=true -p:EnableCompressionInSingleFile=true \
    -p:DebugType=none -p:PublishDocumentationFile=false -p:PublishReferencesDocumentationFiles=false \
    --artifacts-path "$artifacts/build" -o "$artifacts/publish/$rid" --nologo -v quiet
  ls -l "$artifacts/publish/$rid"
done
