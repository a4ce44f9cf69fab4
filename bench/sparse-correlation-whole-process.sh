#!/usr/bin/env bash
# Mean 0.01 counts per pixel per frame, 512 x 512 x FRAMES uint16 Poisson frames (every pixel binned): the event path
# against the dense path, in memory and as whole `cloudxpcs correlate` processes, in one run.
# In memory: CloudXpcs.Bench sparse-correlation (events given vs dense frames, the paths alternating, best of RUNS).
# Whole process: the same frames as a dense series folder of uncompressed contract chunks (dense path) and as a sparse
# IMM file (`--detector-format imm`, the event path), both from the page cache; the two processes alternate, best of
# RUNS each, and their g2/g2_err are compared bit for bit. IMM rather than Rigaku .bin: a Rigaku 500K file is always
# 512 x 1024 pixels, so the same 512 x 512 frames cannot be written as one.
# Usage: bench/sparse-correlation-whole-process.sh [frames] [runs] [folder]
#   default 4096 frames, 3 runs, folder ${TMPDIR:-/tmp}/cloudxpcs-bench-sparse-<frames> (about 2.1 GiB, kept for reruns).
set -euo pipefail
cd "$(dirname "$0")/.."
frames=${1:-4096} runs=${2:-3}
series=${3:-${TMPDIR:-/tmp}/cloudxpcs-bench-sparse-${frames}}
dotnet build -c Release src/CloudXpcs.Cli --verbosity quiet -nologo >/dev/null
dotnet build -c Release bench/CloudXpcs.Bench --verbosity quiet -nologo >/dev/null
cli=src/CloudXpcs.Cli/bin/Release/net10.0/cloudxpcs.dll
bench=bench/CloudXpcs.Bench/bin/Release/net10.0/CloudXpcs.Bench.dll
if [ ! -f "$series/frames.imm" ]; then
  rm -rf "$series"
  dotnet "$bench" dense-series "$series" "$frames" 512 0.01 4 Contiguous
  /usr/bin/python3 bench/detector/imm_from_series.py "$series" "$series/frames.imm.part"
  mv "$series/frames.imm.part" "$series/frames.imm"
fi
cat "$series"/chunk-*.h5 "$series/frames.imm" >/dev/null   # into the page cache
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "series: $series (chunks $(du -cm "$series"/chunk-*.h5 | tail -1 | cut -f1) MiB, frames.imm $(du -m "$series/frames.imm" | cut -f1) MiB)"
echo "in memory:"
dotnet "$bench" sparse-correlation 512 "$frames" 0.01 "$runs" events,dense | sed 's/^/    /'
best_dense= best_events=
for run in $(seq "$runs"); do
  for path in dense events; do
    if [ "$path" = dense ]; then args=(); else args=(--detector-format imm --detector-files "$series/frames.imm"); fi
    /usr/bin/time -f "%e %U %S" -o "$out/time" dotnet "$cli" correlate --series "$series" "${args[@]}" --out "$out/g2-$path.h5" --verbose >"$out/log" 2>&1
    read -r wall user sys <"$out/time"
    echo "whole process, $path path, run $run: $wall s wall, $user s user, $sys s system (load $(cut -d' ' -f1 /proc/loadavg))"
    grep -E '^time:' "$out/log" | sed 's/^/    /'
    if [ "$path" = dense ]; then
      if [ -z "$best_dense" ] || awk -v a="$wall" -v b="$best_dense" 'BEGIN{exit !(a < b)}'; then best_dense=$wall; fi
    else
      if [ -z "$best_events" ] || awk -v a="$wall" -v b="$best_events" 'BEGIN{exit !(a < b)}'; then best_events=$wall; fi
    fi
  done
done
same=$(/usr/bin/python3 - "$out/g2-dense.h5" "$out/g2-events.h5" <<'PY'
import sys, h5py, numpy as np
a, b = h5py.File(sys.argv[1], "r"), h5py.File(sys.argv[2], "r")
keys = ["xpcs/multitau/normalized_g2", "xpcs/multitau/normalized_g2_err"]
print(all(np.array_equal(a[k][()], b[k][()], equal_nan=True) and a[k][()].tobytes() == b[k][()].tobytes() for k in keys))
PY
)
awk -v d="$best_dense" -v e="$best_events" -v s="$same" \
  'BEGIN{printf "whole process, best of runs: dense %s s, events (IMM) %s s: events %.1fx dense | g2 and g2_err bit-identical: %s\n", d, e, d / e, s}'
echo "load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
