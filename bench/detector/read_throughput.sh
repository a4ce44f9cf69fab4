#!/usr/bin/env bash
# Read throughput (MB/s of uncompressed pixels) of area-detector HDF5 files in every compression filter CloudXpcs
# decodes, against the uncompressed file, in one run; h5py with the C filter plugins reads the same files as a reference.
# Usage: bench/detector/read_throughput.sh [frames] [side] [mean]   (default 200 frames of 512 x 512 uint32, mean 0.1
# counts per pixel, one HDF5 chunk per frame as Eiger writes). Needs python3-h5py, python3-hdf5plugin and the Debian
# filter plugins (scripts/setup.sh --test installs them).
set -euo pipefail
cd "$(dirname "$0")/../.."
frames=${1:-200} side=${2:-512} mean=${3:-0.1}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
dotnet build -c Release bench/CloudXpcs.Bench --verbosity quiet -nologo >/dev/null
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"
/usr/bin/python3 - "$dir" "$frames" "$side" "$mean" <<'PY'
import sys, os, time
import numpy as np, h5py, hdf5plugin
d, frames, side, mean = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
data = np.random.default_rng(1).poisson(mean, (frames, side, side)).astype(np.uint32)
B = hdf5plugin.Blosc
filters = {
    '0_uncompressed': {}, '1_deflate_shuffle': {'compression': 'gzip', 'compression_opts': 4, 'shuffle': True},
    '2_lzf': {'compression': 'lzf'}, '3_lz4': hdf5plugin.LZ4(), '4_bitshuffle_lz4': hdf5plugin.Bitshuffle(cname='lz4'),
    '5_blosc_lz4_shuffle': B(cname='lz4', shuffle=B.SHUFFLE), '6_blosc_zstd_bitshuffle': B(cname='zstd', shuffle=B.BITSHUFFLE),
}
for name, kw in filters.items():
    path = os.path.join(d, name + '.h5')
    with h5py.File(path, 'w') as f:
        f.create_dataset('entry/data/data', data=data, chunks=(1, side, side), **kw)
    best = 1e9
    for _ in range(3):
        t = time.perf_counter()
        with h5py.File(path, 'r') as f:
            ds = f['entry/data/data']
            for i in range(0, frames, 64): ds[i:i + 64]
        best = min(best, time.perf_counter() - t)
    print(f"h5py      read {name:<24} {data.nbytes / 1e6:8.1f} MB in {os.path.getsize(path) / 1e6:8.1f} MB file: {best:7.3f} s, {data.nbytes / 1e6 / best:8.0f} MB/s")
PY
dotnet bench/CloudXpcs.Bench/bin/Release/net10.0/CloudXpcs.Bench.dll detector-read "$dir" 3
echo "load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
