#!/usr/bin/env bash
# Rewrites the generated parts of the docs from the program: docs/cli.md (every command's --help) and the settings
# tables of docs/configuration.md. The same tests, without PORTWARDEN_UPDATE_DOCS, fail when the docs fall behind.
set -euo pipefail
cd "$(dirname "$0")/.."
PORTWARDEN_UPDATE_DOCS=1 dotnet test test/PortWarden.Cli.Tests --filter "FullyQualifiedName~PortWarden.Cli.Tests.DocsTests" --nologo -v quiet
git --no-pager diff --stat -- docs/ || true
