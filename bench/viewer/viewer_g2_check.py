#!/usr/bin/python3
"""Open g2.h5 files with the APS 8-ID-I viewer's own reader and compare its g2 with what CloudXpcs wrote.

Usage: /usr/bin/python3 bench/viewer/viewer_g2_check.py VIEWER_SRC G2_H5 [G2_H5 ...]

VIEWER_SRC is the src/ folder of a pyXpcsViewer checkout (AdvancedPhotonSource/pyXpcsViewer, kept outside this
repository). Its reader (pyxpcsviewer.core.xpcs_file.XpcsFile) is imported as is; only the GUI/fitting imports it
does not need to read a file (sklearn, and scipy.optimize when absent) are stubbed. For each file: XpcsFile(path),
then get_g2_data(); the viewer's g2, g2_err, q values and delays (t_el, s) are compared with CloudXpcs's exact float64
values under /xpcs/cloudxpcs (normalized_g2, normalized_g2_err, the q of each column's bin, delay_s) to float32
precision. The accessor's g2_err has passed through the viewer's correct_g2_err (errors <= 1e-6 replaced by their
column's mean), so it is compared with that correction applied to the exact values, and the file's g2_err as the
viewer's own hdf reader returns it is compared with the exact values directly. Exit 0 when every file matches, 1 otherwise.
"""
import sys
import types

import h5py
import numpy as np


def stub_missing(name, **attributes):
    try:
        __import__(name)
    except ImportError:
        module = types.ModuleType(name)
        for key, value in attributes.items():
            setattr(module, key, value)
        sys.modules[name] = module
        if "." in name:
            parent, child = name.rsplit(".", 1)
            stub_missing(parent)
            setattr(sys.modules[parent], child, module)


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    sys.path.insert(0, sys.argv[1])
    stub_missing("sklearn")
    stub_missing("sklearn.linear_model")
    stub_missing("scipy.optimize", curve_fit=None)
    from pyxpcsviewer.core.file_io.hdf_reader import get
    from pyxpcsviewer.core.xpcs_file import XpcsFile

    ok = True
    for path in sys.argv[2:]:
        xf = XpcsFile(path)
        q, t_el, g2, g2_err, labels = xf.get_g2_data()
        with h5py.File(path, "r") as f:
            exact = f["/xpcs/cloudxpcs/normalized_g2"][()]
            exact_err = f["/xpcs/cloudxpcs/normalized_g2_err"][()]
            delay_s = f["/xpcs/cloudxpcs/delay_s"][()]
            q_centers = f["/xpcs/cloudxpcs/q_centers"][()]
            phi_bins = len(f["/xpcs/cloudxpcs/chi_centers"][()])
            column_q = q_centers[f["/xpcs/cloudxpcs/column_bin"][()] // phi_bins]
        raw_err = get(path, ["g2_err"], "alias", ftype="nexus")["g2_err"]
        exact_err32 = exact_err.astype(np.float32)
        replaced = int(np.sum(exact_err32 <= 1e-6))
        tol = dict(rtol=2 ** -23, atol=0)
        checks = {
            "analysis type": "Multitau" in xf.atype,
            "g2 shape": g2.shape == exact.shape,
            "g2 == exact (float32)": g2.shape == exact.shape and np.allclose(g2, exact.astype(np.float32), **tol),
            # The accessor's g2_err is the file's after the viewer's own correct_g2_err (errors <= 1e-6 set to the column mean).
            "g2_err (viewer get) == exact (float32)": raw_err.shape == exact_err.shape and np.allclose(raw_err, exact_err32, **tol),
            f"g2_err (accessor) == correct_g2_err(exact) ({replaced} entries <= 1e-6 replaced by the viewer)":
                g2_err.shape == exact_err.shape and np.allclose(g2_err, XpcsFile.correct_g2_err(exact_err32), **tol),
            "t_el == delay_s": np.allclose(t_el, delay_s, rtol=1e-12, atol=0),
            "q == column q": np.allclose(q, column_q, rtol=1e-12, atol=0),
        }
        worst = float(np.max(np.abs(g2.astype(np.float64) - exact) / np.abs(exact))) if g2.shape == exact.shape else float("nan")
        print(f"{path}: viewer XpcsFile atype={xf.atype} g2 {g2.shape} {g2.dtype}, {len(labels)} q labels, "
              f"max |viewer - exact|/exact = {worst:.3g}")
        for name, passed in checks.items():
            print(f"  {'ok  ' if passed else 'FAIL'} {name}")
            ok &= bool(passed)
    print("all files match" if ok else "MISMATCH")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
