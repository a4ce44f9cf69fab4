#!/usr/bin/env bash
# Correlation throughput of CloudXpcs and of the plain numpy baseline, side by side in one run.
# Usage: bench/correlation.sh [frames]   (512 x 512 uint16 frames; dense mean 1 and sparse mean 0.05)
set -euo pipefail
cd "$(dirname "$0")/.."
frames=${1:-4096}
dotnet build -c Release bench/CloudXpcs.Bench --verbosity quiet -nologo >/dev/null
bench=bench/CloudXpcs.Bench/bin/Release/net10.0/CloudXpcs.Bench.dll
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"
for mean in 1.0 0.05; do
  dotnet "$bench" correlation "$frames" "$mean"
  OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/reference/multitau_numpy.py bench --frames "$frames" --mean "$mean"
done
