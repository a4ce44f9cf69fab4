#!/usr/bin/env bash
# The main job: a whole synthetic beamtime through CloudXpcs. Usage: scripts/demo.sh [--out DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
echo "demo: dotnet build src/CloudXpcs.Cli"
dotnet build src/CloudXpcs.Cli -c Release --no-restore --verbosity quiet -nologo
exec dotnet src/CloudXpcs.Cli/bin/Release/net10.0/cloudxpcs.dll demo "$@"
