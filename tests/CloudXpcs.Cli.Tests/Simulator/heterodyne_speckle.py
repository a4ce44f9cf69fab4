"""Independent heterodyne speckle simulator (numpy + h5py only; shares no code with CloudXpcs).

Writes one contract series folder (DATA_CONTRACT 1.1): series.json + chunk-NNNNN.h5 (/entry/data/data uint16,
attribute first_frame). Per pixel p, the field is E_p(t) = E_ref,p + E_s,p(t):
  * E_ref,p: static circular complex Gaussian, <|E_ref|^2> = (1 - h) * I0 (the static reference)
  * E_s,p(t): exact AR(1) circular complex Gaussian, <|E_s|^2> = h * I0, with
    <E_s(t + tau) E_s*(t)> = h * I0 * exp(-tau / tau0) * exp(i * omega_p * tau),  omega_p = q_p * v * cos(chi_p)
so that g2 = 1 + (1-h)^2 + h^2 exp(-2 tau/tau0) + 2 h (1-h) exp(-tau/tau0) cos(omega tau) at full contrast.
Contrast is lowered to beta by mixing I = |E|^2 with its ensemble mean I0 (I' = sqrt(beta) I + (1 - sqrt(beta)) I0),
then Poisson counts are drawn with a mean of `photons` per pixel per frame.

usage: heterodyne_speckle.py FOLDER SPEED_A_PER_S SEED H BETA TAU0_S FRAMES FRAME_TIME_S PHOTONS CHUNKS [CAL_SEED [LAYOUT]]
prints one JSON line with the geometry-derived numbers the test may log.

CAL_SEED (optional, >= 0): series.json states calibration uncertainties (STATED below, written as
"calibration_uncertainty") and the physics uses a true geometry that differs from the stated one by offsets drawn
from normal distributions with those standard deviations (numpy generator seeded with CAL_SEED): the data are made
with the true q and chi of every pixel, the analysis only knows the stated ones. LAYOUT: "corner" (default: beam
centre just outside a corner, quarter annuli) or "centre" (beam centre in the middle, full rings).
"""
import json
import os
import sys

import h5py
import numpy as np

folder = sys.argv[1]
speed, seed, h, beta, tau0 = float(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5]), float(sys.argv[6])
frames, frame_time, photons, chunks = int(sys.argv[7]), float(sys.argv[8]), float(sys.argv[9]), int(sys.argv[10])

cal_seed = int(sys.argv[11]) if len(sys.argv) > 11 else -1
layout = sys.argv[12] if len(sys.argv) > 12 else "corner"

# Detector: 64 x 64 pixels. "corner": beam centre just outside the corner, so every pixel has chi in (0, 90) degrees,
# rings of radius 8 .. 62 pixels; "centre": beam centre in the middle, full rings of radius 6 .. 30 pixels.
rows = cols = 64
pixel, distance, energy = 75e-6, 3.0, 10.9
r0 = c0 = -0.5 if layout == "corner" else 31.5
r_in, r_out = (8.0, 62.0) if layout == "corner" else (6.0, 30.0)
flow_axis = 0.0
wavelength = 12.398419843 / energy

# Stated 1-sigma calibration uncertainties and the true geometry.
STATED = {"distance_err_m": 0.01 * distance, "energy_err_keV": 0.002 * energy, "pixel_size_err_m": 0.001 * pixel,
          "beam_center_err_px": 0.3}
true = {"distance_m": distance, "energy_keV": energy, "pixel_size_m": pixel, "beam_center_row": r0, "beam_center_col": c0}
if cal_seed >= 0:
    cal = np.random.default_rng(10_000 + cal_seed)
    true["distance_m"] += STATED["distance_err_m"] * cal.standard_normal()
    true["energy_keV"] += STATED["energy_err_keV"] * cal.standard_normal()
    true["pixel_size_m"] += STATED["pixel_size_err_m"] * cal.standard_normal()
    true["beam_center_row"] += STATED["beam_center_err_px"] * cal.standard_normal()
    true["beam_center_col"] += STATED["beam_center_err_px"] * cal.standard_normal()

def q_chi(geometry):
    rr, cc = np.meshgrid(np.arange(rows, dtype=float), np.arange(cols, dtype=float), indexing="ij")
    dr = (rr - geometry["beam_center_row"]) * geometry["pixel_size_m"]
    dc = (cc - geometry["beam_center_col"]) * geometry["pixel_size_m"]
    k = 4.0 * np.pi * geometry["energy_keV"] / 12.398419843
    q = k * np.sin(np.arctan(np.hypot(dr, dc) / geometry["distance_m"]) / 2.0)
    chi = (np.degrees(np.arctan2(dr, dc)) - flow_axis + 180.0) % 360.0 - 180.0
    return q, chi

q, chi = q_chi(true)
omega = (q * speed * np.cos(np.radians(chi))).ravel()   # rad/s per pixel, from the true geometry

# q range (stated geometry): the annuli that lie wholly on the detector.
def q_at(pixels):
    return 4.0 * np.pi / wavelength * np.sin(np.arctan(pixels * pixel / distance) / 2.0)
q_min, q_max = q_at(r_in), q_at(r_out)

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
if cal_seed >= 0:
    series["calibration_uncertainty"] = STATED
with open(os.path.join(folder, "series.json"), "w") as f:
    json.dump(series, f, indent=1)
print(json.dumps({"q_min_inv_A": q_min, "q_max_inv_A": q_max, "mean_counts": float(counts.mean()),
                  "max_omega_rad_s": float(np.abs(omega).max()), "true_geometry": true}))
