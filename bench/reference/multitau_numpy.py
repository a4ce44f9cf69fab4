#!/usr/bin/env python3
"""Plain vectorised numpy implementation of the multi-tau definition (DATA_CONTRACT.md section 3).

Independent of the C# code: used as the baseline of the throughput benchmark and, in tests, as the reference
that `cloudxpcs correlate` is checked against on series it has never seen.

  multitau_numpy.py bench --rows 512 --cols 512 --frames 4096 --mean 1.0
  multitau_numpy.py series SERIES_JSON OUT.h5      # correlate a contract series folder (h5py), write g2 as HDF5
"""
import argparse
import json
import math
import os
import sys
import time

import numpy as np


def lag_ladder(n, d):
    lags = [(0, k) for k in range(1, 2 * d + 1) if n - k >= 1]
    level = 1
    while True:
        m = n >> level
        added = [(level, k) for k in range(d + 1, 2 * d + 1) if m - k >= 1]
        if not added:
            return lags
        lags += added
        level += 1


def qmap(geom, spec, flow_axis_deg, mask):
    rows, cols = geom["rows"], geom["cols"]
    r, c = np.meshgrid(np.arange(rows, dtype=np.float64), np.arange(cols, dtype=np.float64), indexing="ij")
    dr = (r - geom["beam_center_row"]) * geom["pixel_size_m"]
    dc = (c - geom["beam_center_col"]) * geom["pixel_size_m"]
    wavelength = 12.398419843 / geom["energy_keV"]
    two_theta = np.arctan(np.sqrt(dr * dr + dc * dc) / geom["distance_m"])
    q = 4 * np.pi / wavelength * np.sin(two_theta / 2)
    phi = np.degrees(np.arctan2(r - geom["beam_center_row"], c - geom["beam_center_col"]))
    chi = phi - flow_axis_deg
    chi = chi - 360.0 * np.floor((chi + 180.0) / 360.0)
    chi = np.where(chi >= 180.0, chi - 360.0, chi)
    qmin, qmax, nq, nphi, spd = spec["q_min_inv_A"], spec["q_max_inv_A"], spec["q_bins"], spec["phi_bins"], spec["static_per_dynamic"]
    dq = (qmax - qmin) / nq
    inside = (q >= qmin) & (q < qmax)
    if mask is not None:
        inside &= mask.reshape(rows, cols) != 0
    iq = np.minimum(np.floor((q - qmin) / dq).astype(np.int64), nq - 1)
    ichi = np.clip(np.floor((chi + 180.0) / (360.0 / nphi)).astype(np.int64), 0, nphi - 1)
    sub = np.clip(np.floor((q - (qmin + iq * dq)) / (dq / spd)).astype(np.int64), 0, spd - 1)
    dyn = np.where(inside, iq * nphi + ichi, -1).ravel()
    stat = np.where(inside, (iq * nphi + ichi) * spd + sub, -1).ravel()
    return dyn, stat, nq * nphi, nq * nphi * spd


class Accumulator:
    """Per-pixel G2, IP, IF for every lag, filled block of pixels by block of pixels."""

    def __init__(self, n_frames, pixels, d):
        self.lags = lag_ladder(n_frames, d)
        self.g2 = np.zeros((len(self.lags), pixels))
        self.ip = np.zeros_like(self.g2)
        self.iff = np.zeros_like(self.g2)

    def add_block(self, frames_block, cols):
        b = frames_block.astype(np.float64)
        level = 0
        for i, (lvl, k) in enumerate(self.lags):
            while level < lvl:
                m = b.shape[0] // 2
                b = b[: 2 * m].reshape(m, 2, -1).sum(axis=1)
                level += 1
            m = b.shape[0]
            n = m - k
            scale = float(1 << lvl)
            self.g2[i, cols] = np.einsum("ij,ij->j", b[:n], b[k:]) / n / (scale * scale)
            self.ip[i, cols] = b[:n].sum(axis=0) / n / scale
            self.iff[i, cols] = b[k:].sum(axis=0) / n / scale

    def per_bin(self, dyn, stat, n_dyn, n_stat, spd):
        n_tau = len(self.lags)
        g2 = np.full((n_tau, n_dyn), np.nan)
        err = np.full((n_tau, n_dyn), np.nan)
        binned = stat >= 0
        sb = stat[binned]
        db = dyn[binned]
        counts = np.bincount(sb, minlength=n_stat).astype(np.float64)
        for t in range(n_tau):
            mg = np.bincount(sb, self.g2[t, binned], n_stat)
            mi = np.bincount(sb, self.ip[t, binned], n_stat)
            mf = np.bincount(sb, self.iff[t, binned], n_stat)
            with np.errstate(invalid="ignore", divide="ignore"):
                den = (mi / np.maximum(counts, 1)) * (mf / np.maximum(counts, 1))
                gs = (mg / np.maximum(counts, 1)) / den
            ok = (counts > 0) & (den != 0)
            gs = np.where(ok, gs, 0.0).reshape(n_dyn, spd)
            used = ok.reshape(n_dyn, spd).sum(axis=1)
            with np.errstate(invalid="ignore", divide="ignore"):
                g2[t] = np.where(used > 0, gs.sum(axis=1) / np.maximum(used, 1), np.nan)
            prod = self.ip[t, binned] * self.iff[t, binned]
            good = prod > 0
            with np.errstate(invalid="ignore", divide="ignore"):
                ratio = self.g2[t, binned][good] / prod[good]
            nb = np.bincount(db[good], minlength=n_dyn).astype(np.float64)
            s1 = np.bincount(db[good], ratio, n_dyn)
            s2 = np.bincount(db[good], ratio * ratio, n_dyn)
            with np.errstate(invalid="ignore", divide="ignore"):
                mean = s1 / nb
                var = np.maximum(s2 / nb - mean * mean, 0.0)
                err[t] = np.where(nb > 0, np.sqrt(var) / np.sqrt(nb), np.nan)
        return g2, err


def correlate_series(series_json, out_path):
    import h5py

    folder = os.path.dirname(os.path.abspath(series_json))
    with open(series_json) as f:
        s = json.load(f)
    geom = s["detector"]
    spec = s.get("qmap") or {"q_min_inv_A": 0.0029, "q_max_inv_A": 0.0192, "q_bins": 9, "phi_bins": 18, "static_per_dynamic": 4}
    d = (s.get("multitau") or {"delays_per_level": 4})["delays_per_level"]
    mask = None
    if s.get("mask"):
        with h5py.File(os.path.join(folder, s["mask"]), "r") as m:
            mask = m["/mask"][...].ravel()
    dyn, stat, n_dyn, n_stat = qmap(geom, spec, s.get("flow_axis_deg", 0.0), mask)
    frames = []
    for k in range(s["chunks"]):
        with h5py.File(os.path.join(folder, "chunk-%05d.h5" % k), "r") as h:
            frames.append(h["/entry/data/data"][...].reshape(-1, geom["rows"] * geom["cols"]))
    data = np.concatenate(frames)
    acc = Accumulator(data.shape[0], data.shape[1], d)
    acc.add_block(data, slice(None))
    g2, err = acc.per_bin(dyn, stat, n_dyn, n_stat, spec["static_per_dynamic"])
    with h5py.File(out_path, "w") as o:
        o["g2"] = g2
        o["g2_err"] = err
        o["lag_frames"] = np.array([k << l for l, k in acc.lags], dtype=np.int64)
        o["scattering_2d"] = data.mean(axis=0, dtype=np.float64).reshape(geom["rows"], geom["cols"])


def bench(rows, cols, n_frames, mean, block_pixels, seed):
    pixels = rows * cols
    rng = np.random.default_rng(seed)
    data = rng.poisson(mean, size=(n_frames, pixels)).astype(np.uint16)
    geom = {"rows": rows, "cols": cols, "pixel_size_m": 75e-6, "distance_m": 8.0,
            "beam_center_row": rows / 2 + 0.5, "beam_center_col": cols / 2 + 0.5, "energy_keV": 10.9}
    corner_q = 4 * math.pi / (12.398419843 / 10.9) * math.sin(math.atan(math.hypot(rows / 2 + 0.5, cols / 2 + 0.5) * 75e-6 / 8.0) / 2)
    spec = {"q_min_inv_A": 0.0, "q_max_inv_A": corner_q * 1.0001, "q_bins": 9, "phi_bins": 18, "static_per_dynamic": 4}
    start = time.perf_counter()
    dyn, stat, n_dyn, n_stat = qmap(geom, spec, 0.0, None)
    acc = Accumulator(n_frames, pixels, 4)
    for p0 in range(0, pixels, block_pixels):
        cols_slice = slice(p0, min(pixels, p0 + block_pixels))
        acc.add_block(data[:, cols_slice], cols_slice)
    acc.per_bin(dyn, stat, n_dyn, n_stat, 4)
    seconds = time.perf_counter() - start
    import resource
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    print("numpy baseline: %dx%d x %d frames, mean %g: %.3f s, %.3e pixel-frames/s, peak RSS %.0f MiB (frames %.0f MiB)"
          % (rows, cols, n_frames, mean, seconds, pixels * n_frames / seconds, peak, data.nbytes / 1048576.0))


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("bench")
    b.add_argument("--rows", type=int, default=512)
    b.add_argument("--cols", type=int, default=512)
    b.add_argument("--frames", type=int, default=4096)
    b.add_argument("--mean", type=float, default=1.0)
    b.add_argument("--block-pixels", type=int, default=256)
    b.add_argument("--seed", type=int, default=1)
    s = sub.add_parser("series")
    s.add_argument("series_json")
    s.add_argument("out")
    a = parser.parse_args()
    if a.cmd == "bench":
        bench(a.rows, a.cols, a.frames, a.mean, a.block_pixels, a.seed)
    else:
        correlate_series(a.series_json, a.out)


if __name__ == "__main__":
    sys.exit(main())
