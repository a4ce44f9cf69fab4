#!/usr/bin/python3
"""Open the two-time maps of g2.h5 files with the APS 8-ID-I viewer's own reader.

Usage: /usr/bin/python3 bench/viewer/viewer_twotime_check.py VIEWER_SRC G2_H5 [G2_H5 ...]

VIEWER_SRC is the src/ folder of a pyXpcsViewer checkout (kept outside this repository); its reader is imported as
is (GUI/fitting-only imports stubbed as in viewer_g2_check.py). For each file written by 'cloudxpcs correlate --twotime':
XpcsFile(path) must see the analysis type "Twotime" beside "Multitau", its c2_processed_bins must be the file's
processed_bins, c2_t0 = frame_time * stride * avg, get_twotime_qbin_labels() must give one label per processed bin
naming that column's q, and for every processed bin get_twotime_c2(selection, correct_diag=False) must return the
symmetric N x N map whose diagonal averages are the viewer's g2_full (normalized_g2) to float32 precision.
Exit 0 when every file passes, 1 otherwise.
"""
import os
import sys

import h5py
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from viewer_g2_check import stub_missing  # noqa: E402


def diagonal_means(c2):
    n = c2.shape[0]
    return np.array([np.mean(np.diagonal(c2, d)) for d in range(n)])


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    sys.path.insert(0, sys.argv[1])
    stub_missing("sklearn")
    stub_missing("sklearn.linear_model")
    stub_missing("scipy.optimize", curve_fit=None)
    from pyxpcsviewer.core.xpcs_file import XpcsFile

    ok = True
    for path in sys.argv[2:]:
        xf = XpcsFile(path)
        problems = []
        if "Twotime" not in xf.atype or "Multitau" not in xf.atype:
            problems.append(f"analysis types {xf.atype}")
        with h5py.File(path, "r") as f:
            processed = f["/xpcs/twotime/processed_bins"][()]
            frame_time = float(np.ravel(f["/entry/instrument/detector_1/frame_time"][()])[0])
            stride = int(f["/xpcs/twotime/config/stride_frame"][()])
            avg = int(f["/xpcs/twotime/config/avg_frame"][()])
            column_q = f["/xpcs/qmap/dynamic_v_list_dim0"][()]
            stored = [f[f"/xpcs/twotime/correlation_map/c2_{k + 1:05d}"][()] for k in range(len(processed))]
        if not np.array_equal(np.asarray(xf.c2_processed_bins), processed):
            problems.append(f"c2_processed_bins {xf.c2_processed_bins} != {processed}")
        if not np.isclose(xf.c2_t0, frame_time * stride * avg):
            problems.append(f"c2_t0 {xf.c2_t0} != {frame_time * stride * avg}")
        labels = xf.get_twotime_qbin_labels()
        if len(labels) != len(processed):
            problems.append(f"{len(labels)} q-bin labels for {len(processed)} processed bins")
        worst = 0.0
        for k in range(len(processed)):
            c2 = xf.get_twotime_c2(selection=k, correct_diag=False)
            mat = c2["c2_mat"]
            n = stored[k].shape[0]
            if mat.shape != (n, n):
                problems.append(f"bin {processed[k]}: map shape {mat.shape}, expected {(n, n)}")
                continue
            if not np.allclose(mat, mat.T, rtol=0, atol=0):
                problems.append(f"bin {processed[k]}: map not symmetric")
            upper = np.triu(stored[k])
            if not np.array_equal(np.triu(mat), upper):
                problems.append(f"bin {processed[k]}: map differs from the stored upper triangle")
            g2_full = np.asarray(c2["g2_full"], dtype=np.float64)
            diag = diagonal_means(mat.astype(np.float64))
            scale = np.maximum(1.0, np.abs(diag))
            worst = max(worst, float(np.max(np.abs(g2_full - diag) / scale)))
        if worst > 1e-5:
            problems.append(f"g2_full differs from the diagonal averages of the maps by up to {worst:.2e} (relative)")
        if problems:
            ok = False
            print(f"FAIL {path}: " + "; ".join(problems))
        else:
            n = stored[0].shape[0]
            print(f"ok   {path}: viewer reads {len(processed)} two-time maps of {n} x {n} (bins {processed.tolist()}), "
                  f"labels {labels[:2]}..., c2_t0 {xf.c2_t0:g} s, g2_full = diagonal averages within {worst:.1e}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
