#!/usr/bin/env bash
# Runs every test of CloudXpcs after installing what the tests need. Usage: scripts/test.sh [dotnet test args]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
dotnet build CloudXpcs.sln -c Release --no-restore --verbosity quiet -nologo
dotnet test CloudXpcs.sln -c Release --no-build --verbosity quiet -nologo --logger "console;verbosity=minimal" "$@"
