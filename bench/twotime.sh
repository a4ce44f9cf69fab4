#!/usr/bin/env bash
# Two-time correlation throughput of CloudXpcs and of numpy (same definition, numpy matmul), side by side in one run.
# Usage: bench/twotime.sh [frames] [side] [mean]   (default 4096 frames of 512 x 512; one bin and all bins)
# CloudXpcs runs the path of `correlate --twotime` (multi-tau beside, every map held, g2.h5 written) and prints the
# memory and time stated up front (TwoTimeCost) beside the measured peak; numpy computes the maps only.
set -euo pipefail
cd "$(dirname "$0")/.."
frames=${1:-4096}
side=${2:-512}
mean=${3:-1.0}
dotnet build -c Release bench/CloudXpcs.Bench --verbosity quiet -nologo >/dev/null
bench=bench/CloudXpcs.Bench/bin/Release/net10.0/CloudXpcs.Bench.dll
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"
for bins in one all; do
  /usr/bin/time -f "cloudxpcs max resident %M KiB" dotnet "$bench" twotime "$frames" "$side" "$bins" "$mean"
  /usr/bin/python3 bench/reference/twotime_numpy.py "$frames" "$side" "$bins" "$mean"
done
echo "load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
