#!/usr/bin/env bash
# Correlation throughput of CloudXpcs and of the plain numpy baseline, side by side in one run.
# Usage: bench/correlation.sh [frames]   (512 x 512 uint16 frames; dense mean 1 and sparse mean 0.05)
# CloudXpcs gets the in-memory frames in batches of 1024 and of 512, and all at once (batch 0: the whole-series path that
# `correlate` takes for memory-mapped uncompressed chunks).
# Its best of 3 runs reuses the state memory of the run before, as a worker correlating series after series does;
# the first run in the process is printed beside it.
set -euo pipefail
cd "$(dirname "$0")/.."
frames=${1:-4096}
dotnet build -c Release bench/CloudXpcs.Bench --verbosity quiet -nologo >/dev/null
bench=bench/CloudXpcs.Bench/bin/Release/net10.0/CloudXpcs.Bench.dll
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"
for mean in 1.0 0.05; do
  for batch in 1024 512 0; do
    dotnet "$bench" correlation "$frames" "$mean" "$(nproc)" "$batch" 512 3 2>/dev/null
  done
  OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/reference/multitau_numpy.py bench --frames "$frames" --mean "$mean"
done
echo "load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
