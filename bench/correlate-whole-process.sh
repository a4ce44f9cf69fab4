#!/usr/bin/env bash
# `cloudxpcs correlate` as the user runs it — a whole process, reading included — beside the in-memory kernel and the
# plain numpy baseline, in one run. The series (dense 512 x 512 uint16 frames, Poisson mean 1, every pixel binned, as
# bench/correlation.sh uses) is written once as uncompressed contract chunks and read from the page cache.
# Usage: bench/correlate-whole-process.sh [frames] [chunks] [runs] [series-folder]
#   default 2048 frames in 4 chunks (256 MiB each), 3 processes, folder ${TMPDIR:-/tmp}/cloudxpcs-bench-dense-<frames>x<chunks>.
# Each `correlate` is a fresh process: the first series of a process, state memory not pooled. Its --verbose line splits
# the time (open, read, decompress, correlate, finalise, write). Pixel-frames per CPU-second (user + system) are printed
# beside the wall-clock rate: on a shared machine they tell more than the wall time.
# BASELINE_CLI=path/to/other/cloudxpcs.dll runs that build too, alternating with this one, for a comparison under the same load.
# FILTERS (default "bitshuffle-lz4"; also gzip, lz4, blosc-lz4, lzf; "" for none) also correlates a copy of the series
# whose frames h5py + hdf5plugin re-stored through that filter (bench/reference/recompress_series.py), one frame per
# HDF5 chunk as Eiger files hold them: decompression, spread over the cores, overlaps the correlation.
set -euo pipefail
cd "$(dirname "$0")/.."
frames=${1:-2048} chunks=${2:-4} runs=${3:-3}
series=${4:-${TMPDIR:-/tmp}/cloudxpcs-bench-dense-${frames}x${chunks}}
dotnet build -c Release src/CloudXpcs.Cli --verbosity quiet -nologo >/dev/null
dotnet build -c Release bench/CloudXpcs.Bench --verbosity quiet -nologo >/dev/null
cli=src/CloudXpcs.Cli/bin/Release/net10.0/cloudxpcs.dll
bench=bench/CloudXpcs.Bench/bin/Release/net10.0/CloudXpcs.Bench.dll
if [ ! -f "$series/series.json" ]; then
  dotnet "$bench" dense-series "$series" "$frames" 512 1.0 "$chunks" Contiguous
fi
cat "$series"/chunk-*.h5 >/dev/null   # into the page cache
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
pixel_frames=$((512 * 512 * frames))
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/{print $2}') GiB, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "series: $series ($(du -sm "$series" | cut -f1) MiB, 512 x 512 x $frames uint16, $chunks uncompressed chunks, in the page cache)"
# One `correlate` process of folder $1 (label $2), alternating with the baseline build when given; sets $wall.
correlate_once() {
  local folder=$1 label=$2 run=$3 user sys
  if [ -n "${BASELINE_CLI:-}" ]; then
    /usr/bin/time -f "%e %U %S" -o "$out/time" dotnet "$BASELINE_CLI" correlate --series "$folder" --out "$out/g2-baseline.h5" >/dev/null 2>&1
    read -r wall user sys <"$out/time"
    awk -v p="$pixel_frames" -v w="$wall" -v u="$user" -v s="$sys" -v l="$(cut -d' ' -f1 /proc/loadavg)" -v r="$run" -v k="$label" \
      'BEGIN{printf "baseline correlate%s (%s), run %s: %s s wall, %s s user, %s s system: %.3e pixel-frames/s, %.3e per CPU-second (load %s)\n", k, ENVIRON["BASELINE_CLI"], r, w, u, s, p / w, p / (u + s), l}'
  fi
  /usr/bin/time -f "%e %U %S" -o "$out/time" dotnet "$cli" correlate --series "$folder" --out "$out/g2.h5" --verbose >"$out/log" 2>&1
  read -r wall user sys <"$out/time"
  awk -v p="$pixel_frames" -v w="$wall" -v u="$user" -v s="$sys" -v l="$(cut -d' ' -f1 /proc/loadavg)" -v r="$run" -v k="$label" \
    'BEGIN{printf "cloudxpcs correlate%s, whole process, run %s: %s s wall, %s s user, %s s system: %.3e pixel-frames/s, %.3e per CPU-second (load %s)\n", k, r, w, u, s, p / w, p / (u + s), l}'
  grep -E '^time:|^whole process:' "$out/log" | sed 's/^/    /'
  if [ -n "${BASELINE_CLI:-}" ] && [ -f "$out/g2-baseline.h5" ]; then
    cmp -s "$out/g2.h5" "$out/g2-baseline.h5" && echo "    g2.h5 identical to the baseline's" || echo "    g2.h5 DIFFERS from the baseline's"
  fi
}
best=
for run in $(seq "$runs"); do
  correlate_once "$series" "" "$run"
  if [ -z "$best" ] || awk -v a="$wall" -v b="$best" 'BEGIN{exit !(a < b)}'; then best=$wall; fi
done
best_rate=$(awk -v p="$pixel_frames" -v w="$best" 'BEGIN{printf "%.3e", p / w}')
echo "cloudxpcs correlate, whole process, best of $runs: $best s, $best_rate pixel-frames/s"
for filter in ${FILTERS-bitshuffle-lz4}; do
  compressed="$series-$filter"
  [ -f "$compressed/series.json" ] || /usr/bin/python3 bench/reference/recompress_series.py "$series" "$compressed" "$filter"
  cat "$compressed"/chunk-*.h5 >/dev/null
  echo "series: $compressed ($(du -smL "$compressed" | cut -f1) MiB, the same frames stored with $filter, in the page cache)"
  fbest=
  for run in $(seq "$runs"); do
    correlate_once "$compressed" " ($filter)" "$run"
    if [ -z "$fbest" ] || awk -v a="$wall" -v b="$fbest" 'BEGIN{exit !(a < b)}'; then fbest=$wall; fi
  done
  awk -v p="$pixel_frames" -v w="$fbest" -v k="$filter" 'BEGIN{printf "cloudxpcs correlate (%s), whole process, best of '"$runs"': %s s, %.3e pixel-frames/s\n", k, w, p / w}'
done
dotnet "$bench" correlation "$frames" 1.0 "$(nproc)" 1024 512 3 2>/dev/null | tee "$out/kernel"
dotnet "$bench" correlation "$frames" 1.0 "$(nproc)" 0 512 3 2>/dev/null   # the whole-series path `correlate` takes for mapped chunks
numpy_line=$(OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/reference/multitau_numpy.py bench --frames "$frames" --mean 1.0)
echo "$numpy_line"
numpy_rate=$(echo "$numpy_line" | grep -oE '[0-9.]+e[+-][0-9]+ pixel-frames/s' | cut -d' ' -f1)
awk -v w="$best_rate" -v n="$numpy_rate" 'BEGIN{printf "whole-process correlate / numpy in memory: %.1fx\n", w / n}'
echo "load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
