#!/usr/bin/env bash
# The event path (frames as event lists) against the dense path and the plain numpy baseline, in one run:
# pixel-frames/s at mean 0.001, 0.01, 0.1 and 1 counts per pixel per frame, 512 x 512 uint16 Poisson frames.
# Usage: bench/sparse-correlation.sh [frames] [numpy-frames]
# CloudXpcs: best of 2, frames in memory, batches of 1024; the event lists of each batch are made outside the timed part.
# numpy (bench/reference/multitau_numpy.py) correlates dense frames; at low means it does the same work as at mean 1.
set -euo pipefail
cd "$(dirname "$0")/.."
frames=${1:-4096}
numpy_frames=${2:-1024}
dotnet build -c Release bench/CloudXpcs.Bench --verbosity quiet -nologo >/dev/null
bench=bench/CloudXpcs.Bench/bin/Release/net10.0/CloudXpcs.Bench.dll
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"
dotnet "$bench" sparse-correlation 512 "$frames" 0.001,0.01,0.1,1 2
for mean in 0.001 0.01 0.1 1; do
  OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/reference/multitau_numpy.py bench --frames "$numpy_frames" --mean "$mean"
done
echo "load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
