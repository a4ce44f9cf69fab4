"""Independent heterodyne speckle simulator (numpy + h5py only; shares no code with CloudXpcs).

Writes one contract series folder (DATA_CONTRACT 1.1): series.json + chunk-NNNNN.h5 (/entry/data/data uint16,
attribute first_frame). Per pixel p, the field is E_p(t) = E_ref,p + E_s,p(t):
  * E_ref,p: static circular complex Gaussian, <|E_ref|^2> = (1 - h) * I0 (the static reference)
  * E_s,p(t): exact AR(1) circular complex Gaussian, <|E_s|^2> = h * I0, with
    <E_s(t + tau) E_s*(t)> = h * I0 * exp(-tau / tau0) * exp(i * omega_p * tau),  omega_p = q_p * v * cos(chi_p)
so that g2 = 1 + (1-h)^2 + h^2 exp(-2 tau/tau0) + 2 h (1-h) exp(-tau/tau0) cos(omega tau) at full contrast.
Contrast is lowered to beta by mixing I = |E|^2 with its ensemble mean I0 (I' = sqrt(beta) I + (1 - sqrt(beta)) I0),
then Poisson counts are drawn with a mean of `photons` per pixel per frame.

usage: heterodyne_speckle.py FOLDER SPEED_A_PER_S SEED H BETA TAU0_S FRAMES FRAME_TIME_S PHOTONS CHUNKS
prints one JSON line with the geometry-derived numbers the test may log.
"""
import json
import os
import sys

import h5py
import numpy as np

folder = sys.argv[1]
speed, seed, h, beta, tau0 = float(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5]), float(sys.argv[6])
frames, frame_time, photons, chunks = int(sys.argv[7]), float(sys.argv[8]), float(sys.argv[9]), int(sys.argv[10])

# Detector: 64 x 64 pixels, beam centre just outside the corner, so every pixel has chi in (0, 90) degrees.
rows = cols = 64
pixel, distance, energy = 75e-6, 3.0, 10.9
r0 = c0 = -0.5
flow_axis = 0.0
wavelength = 12.398419843 / energy
rr, cc = np.meshgrid(np.arange(rows, dtype=float), np.arange(cols, dtype=float), indexing="ij")
radius = np.hypot((rr - r0) * pixel, (cc - c0) * pixel)
q = 4.0 * np.pi / wavelength * np.sin(np.arctan(radius / distance) / 2.0)
chi = np.degrees(np.arctan2(rr - r0, cc - c0)) - flow_axis
chi = (chi + 180.0) % 360.0 - 180.0
omega = (q * speed * np.cos(np.radians(chi))).ravel()   # rad/s per pixel

# q range: the quarter annuli that lie wholly on the detector (radius 8 .. 62 pixels).
def q_at(pixels):
    return 4.0 * np.pi / wavelength * np.sin(np.arctan(pixels * pixel / distance) / 2.0)
q_min, q_max = q_at(8.0), q_at(62.0)

rng = np.random.default_rng(seed)
n = rows * cols
i0 = 1.0
def complex_gauss(size, variance):
    return np.sqrt(variance / 2.0) * (rng.standard_normal(size) + 1j * rng.standard_normal(size))

e_ref = complex_gauss(n, (1.0 - h) * i0)
a = np.exp(-frame_time / tau0) * np.exp(1j * omega * frame_time)   # AR(1) coefficient per pixel
innovation = np.sqrt(1.0 - np.abs(a) ** 2)
e_s = complex_gauss(n, h * i0)   # stationary start
sb = np.sqrt(beta)
counts = np.empty((frames, rows, cols), dtype=np.uint16)
for t in range(frames):
    if t > 0:
        e_s = a * e_s + innovation * complex_gauss(n, h * i0)
    intensity = np.abs(e_ref + e_s) ** 2
    mixed = sb * intensity + (1.0 - sb) * i0
    counts[t] = rng.poisson(photons * mixed).reshape(rows, cols)

os.makedirs(folder, exist_ok=True)
bounds = [frames * k // chunks for k in range(chunks + 1)]
for k in range(chunks):
    with h5py.File(os.path.join(folder, "chunk-%05d.h5" % k), "w") as f:
        d = f.create_dataset("/entry/data/data", data=counts[bounds[k]:bounds[k + 1]], chunks=True)
        d.attrs["first_frame"] = np.int64(bounds[k])
series = {
    "schema": "cloudxpcs.series/1", "beamtime": "independent-sim", "series": "v%g_s%d" % (speed, seed),
    "frames": frames, "chunks": chunks, "frame_time_s": frame_time, "position_mm": 0.0, "polarization_time_min": 0.0,
    "detector": {"rows": rows, "cols": cols, "pixel_size_m": pixel, "distance_m": distance,
                 "beam_center_row": r0, "beam_center_col": c0, "energy_keV": energy},
    "flow_axis_deg": flow_axis, "mask": None,
    "qmap": {"q_min_inv_A": q_min, "q_max_inv_A": q_max, "q_bins": 4, "phi_bins": 24, "static_per_dynamic": 4},
    "multitau": {"delays_per_level": 4},
}
with open(os.path.join(folder, "series.json"), "w") as f:
    json.dump(series, f, indent=1)
print(json.dumps({"q_min_inv_A": q_min, "q_max_inv_A": q_max, "mean_counts": float(counts.mean()),
                  "max_omega_rad_s": float(np.abs(omega).max())}))
