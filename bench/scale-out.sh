#!/usr/bin/env bash
# Scale-out as the user runs it: `cloudxpcs run` of a synthetic beamtime with 0, 1 and 3 `cloudxpcs worker` processes
# on its task hub (1, 2 and 4 processes), each on a fresh Azurite task hub, beside the whole-process `cloudxpcs correlate`
# of one of its series in the same run. See bench/CloudXpcs.Bench/ScaleOutThroughput.cs for what is timed.
# Usage: bench/scale-out.sh [series] [frames] [processes,...] [workers per process]   (default 10 2048 1,2,4 2)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh >/dev/null
dotnet build -c Release src/CloudXpcs.Cli --verbosity quiet -nologo >/dev/null
dotnet build -c Release bench/CloudXpcs.Bench --verbosity quiet -nologo >/dev/null
echo "load at the start: $(cut -d' ' -f1-3 /proc/loadavg)"
dotnet bench/CloudXpcs.Bench/bin/Release/net10.0/CloudXpcs.Bench.dll scale-out src/CloudXpcs.Cli/bin/Release/net10.0/cloudxpcs.dll "${1:-10}" "${2:-2048}" "${3:-1,2,4}" "${4:-2}"
echo "load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
