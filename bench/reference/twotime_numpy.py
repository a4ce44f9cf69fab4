#!/usr/bin/python3
"""Two-time correlation in plain numpy, the same definition as CloudXpcs's TwoTimeCorrelator, for the benchmark.

Usage: /usr/bin/python3 bench/reference/twotime_numpy.py FRAMES SIDE one|all MEAN

Same detector geometry and q-map as `CloudXpcs.Bench twotime` (passed in as the per-pixel dynamic and static bins
the bench writes with --dump-bins is not needed: the bins are rebuilt here from the contract's example detector).
Per bin: X = frames / (time-averaged static-bin mean), C = P * X X^T / (rowsum rowsum^T), numpy matmul (BLAS).
Prints frames/s and the peak resident memory.
"""
import resource
import sys
import time

import numpy as np


def qmap(side):
    """Dynamic and static bins of the contract's example detector binned to side x side (QMap.Build, default QMapSpec)."""
    b = 512 // side
    pixel = 75e-6 * b
    centre_row = (256.0 - (b - 1) / 2.0) / b
    centre_col = (-40.0 - (b - 1) / 2.0) / b
    rows, cols = np.mgrid[0:side, 0:side].astype(np.float64)
    dy = (rows - centre_row) * pixel
    dx = (cols - centre_col) * pixel
    r = np.hypot(dx, dy)
    wavelength = 12.398419843320026 / 10.9
    q = 4 * np.pi / wavelength * np.sin(0.5 * np.arctan2(r, 8.0))
    phi = np.degrees(np.arctan2(-dy, dx))
    q_min, q_max, q_bins, phi_bins, spd = 0.0029, 0.0192, 9, 18, 4
    iq = np.floor((q - q_min) / (q_max - q_min) * q_bins).astype(int)
    chi = phi - 360.0 * np.floor((phi + 180.0) / 360.0)
    ichi = np.floor((chi + 180.0) / 360.0 * phi_bins).astype(int) % phi_bins
    ok = (q >= q_min) & (q < q_max)
    dyn = np.where(ok, iq * phi_bins + ichi, -1)
    sub = np.clip(np.floor(((q - q_min) / (q_max - q_min) * q_bins - iq) * spd).astype(int), 0, spd - 1)
    sta = np.where(ok, dyn * spd + sub, -1)
    return dyn.ravel(), sta.ravel()


def main():
    frames, side, which, mean = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], float(sys.argv[4])
    dyn, sta = qmap(side)
    populated = np.unique(dyn[dyn >= 0])
    if which == "all":
        bins = populated
    else:
        counts = np.array([(dyn == b).sum() for b in populated])
        bins = populated[[int(np.argmax(counts))]]
    selected = np.isin(dyn, bins)
    order = np.argsort(dyn[selected], kind="stable")
    pixels_idx = np.nonzero(selected)[0][order]
    rng = np.random.default_rng(1)
    start = time.perf_counter()
    cache = np.empty((frames, pixels_idx.size), dtype=np.float64)
    batch = 256
    gen = 0.0
    for first in range(0, frames, batch):
        count = min(batch, frames - first)
        t0 = time.perf_counter()
        hit = rng.random((count, side * side)) < mean / (1 + mean)
        value = (1 + (rng.random((count, side * side)) * 2 * mean).astype(np.int64)) * hit
        block = value.astype(np.uint16)
        gen += time.perf_counter() - t0
        cache[first:first + count] = block[:, pixels_idx]
    dyn_sel, sta_sel = dyn[pixels_idx], sta[pixels_idx]
    checksum = 0.0
    for b in bins:
        cols = np.nonzero(dyn_sel == b)[0]
        x = cache[:, cols]
        pixel_mean = x.mean(axis=0)
        s = sta_sel[cols]
        weight = np.empty(cols.size)
        for st in np.unique(s):
            m = pixel_mean[s == st].mean()
            weight[s == st] = 1.0 / m if m > 0 else 1.0
        x = x * weight
        rowsum = x.sum(axis=1)
        rowsum[rowsum <= 0] = 1.0
        c2 = (x @ x.T) * cols.size / np.outer(rowsum, rowsum)
        checksum += np.mean(np.diagonal(c2, 1))
    total = time.perf_counter() - start - gen
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    print(f"numpy twotime: {total:.2f} s ({bins.size} bins, {pixels_idx.size} pixels), {frames / total:.1f} frames/s, "
          f"peak resident {peak:.0f} MiB (g2[1] sum {checksum:.6f})")


if __name__ == "__main__":
    main()
