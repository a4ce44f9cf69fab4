#!/usr/bin/python3
"""Writes a series as an Eiger-style beamtime would hold it, from a contract series folder (e.g. simulate-series):
master.h5 whose /entry/data/data_NNNNNN are external links to data_NNNNNN.h5 (bitshuffle+LZ4, one HDF5 chunk per
frame, as Dectris writes), an APS 8-ID-I style metadata file (NeXus keys) and a pySimpleMask-style q-map (/qmap) with
q x phi bins computed here from the geometry. Independent of CloudXpcs (h5py, hdf5plugin, numpy only); test and
benchmark use only.

usage: eiger_series_from_contract.py CONTRACT_SERIES_DIR OUT_DIR [frames_per_data_file] [q_bins] [phi_bins]
"""
import json, os, sys
import numpy as np, h5py, hdf5plugin

src, out = sys.argv[1], sys.argv[2]
per_file = int(sys.argv[3]) if len(sys.argv) > 3 else 500
q_bins = int(sys.argv[4]) if len(sys.argv) > 4 else 4
phi_bins = int(sys.argv[5]) if len(sys.argv) > 5 else 4
m = json.load(open(os.path.join(src, 'series.json')))
det = m['detector']
frames = np.concatenate([h5py.File(os.path.join(src, 'chunk-%05d.h5' % k), 'r')['entry/data/data'][()] for k in range(m['chunks'])])
os.makedirs(out, exist_ok=True)
nfiles = (len(frames) + per_file - 1) // per_file
with h5py.File(os.path.join(out, 'master.h5'), 'w') as f:
    d = f.create_group('entry/instrument/detector')
    d['x_pixel_size'] = det['pixel_size_m']; d['y_pixel_size'] = det['pixel_size_m']
    d['detector_distance'] = det['distance_m']; d['frame_time'] = m['frame_time_s']; d['count_time'] = m['frame_time_s']
    d['beam_center_x'] = det['beam_center_col']; d['beam_center_y'] = det['beam_center_row']
    d['detectorSpecific/photon_energy'] = det['energy_keV'] * 1000.0
    g = f.create_group('entry/data')
    for k in range(nfiles):
        name = 'data_%06d.h5' % (k + 1)
        with h5py.File(os.path.join(out, name), 'w') as df:
            part = frames[k * per_file:(k + 1) * per_file].astype(np.uint32)
            df.create_dataset('entry/data/data', data=part, chunks=(1,) + part.shape[1:], **hdf5plugin.Bitshuffle(cname='lz4'))
        g['data_%06d' % (k + 1)] = h5py.ExternalLink(name, '/entry/data/data')
with h5py.File(os.path.join(out, 'metadata.hdf'), 'w') as f:
    f['entry/instrument/incident_beam/incident_energy'] = det['energy_keV']
    d = f.create_group('entry/instrument/detector_1')
    d['distance'] = det['distance_m']; d['x_pixel_size'] = det['pixel_size_m']; d['y_pixel_size'] = det['pixel_size_m']
    d['beam_center_x'] = det['beam_center_col']; d['beam_center_y'] = det['beam_center_row']; d['frame_time'] = m['frame_time_s']
# q and phi of every pixel (small-angle geometry), binned q x phi; static bins: 3 q sub-bins per dynamic q bin.
rows, cols = det['rows'], det['cols']
r, c = np.mgrid[0:rows, 0:cols]
dx, dy = (c - det['beam_center_col']) * det['pixel_size_m'], (r - det['beam_center_row']) * det['pixel_size_m']
k0 = 2 * np.pi / (12.398419843320026 / det['energy_keV'])
q = 2 * k0 * np.sin(0.5 * np.arctan(np.hypot(dx, dy) / det['distance_m']))
phi = np.degrees(np.arctan2(dy, dx))
qmin, qmax = np.percentile(q, 5), np.percentile(q, 95)
iq = np.floor((q - qmin) / (qmax - qmin) * q_bins).astype(int)
iphi = np.clip(np.floor((phi + 180) / 360 * phi_bins).astype(int), 0, phi_bins - 1)
iqs = np.floor((q - qmin) / (qmax - qmin) * q_bins * 3).astype(int)
inside = (iq >= 0) & (iq < q_bins)
cell = np.where(inside, iq * phi_bins + iphi, -1)
scell = np.where(inside, iqs * phi_bins + iphi, -1)
dyn_cells = np.unique(cell[cell >= 0]); stat_cells = np.unique(scell[scell >= 0])
dyn_map = np.where(cell >= 0, np.searchsorted(dyn_cells, cell) + 1, 0).astype(np.uint16)
stat_map = np.where(scell >= 0, np.searchsorted(stat_cells, scell) + 1, 0).astype(np.uint16)
dq = (qmax - qmin) / q_bins
with h5py.File(os.path.join(out, 'qmap.h5'), 'w') as f:
    g = f.create_group('qmap')
    g['mask'] = inside
    g['dynamic_roi_map'] = dyn_map; g['static_roi_map'] = stat_map
    g['dynamic_num_pts'] = np.array([q_bins, phi_bins], dtype=np.int64); g['static_num_pts'] = np.array([q_bins * 3, phi_bins], dtype=np.int64)
    g['dynamic_index_mapping'] = dyn_cells.astype(np.uint32); g['static_index_mapping'] = stat_cells.astype(np.uint32)
    g['dynamic_v_list_dim0'] = qmin + (np.arange(q_bins) + 0.5) * dq
    g['dynamic_v_list_dim1'] = -180 + (np.arange(phi_bins) + 0.5) * 360 / phi_bins
    g['static_v_list_dim0'] = qmin + (np.arange(q_bins * 3) + 0.5) * dq / 3
    g['static_v_list_dim1'] = -180 + (np.arange(phi_bins) + 0.5) * 360 / phi_bins
    g['beam_center_x'] = det['beam_center_col']; g['beam_center_y'] = det['beam_center_row']
    g['pixel_size'] = det['pixel_size_m']; g['detector_distance'] = det['distance_m']; g['energy'] = det['energy_keV']
print(f"wrote {out}: master.h5 + {nfiles} data files ({len(frames)} frames of {rows} x {cols}), metadata.hdf, qmap.h5")
