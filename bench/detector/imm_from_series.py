# Bench helper (independent of the product): the frames of a contract series folder (chunk-*.h5, /entry/data/data)
# written as a sparse legacy IMM file (per frame a 1024-byte header: compression 6 at byte 4, rows at 108, cols at
# 112, dlen at 152; then dlen int32 row-major pixel indices and dlen uint16 counts), so that `cloudxpcs correlate
# --detector-format imm` reads the very frames the dense path reads from the chunks.
# usage: imm_from_series.py SERIES_DIR OUT.imm
import glob
import struct
import sys

import h5py
import numpy as np

series, out = sys.argv[1], sys.argv[2]
with open(out, "wb") as imm:
    for chunk in sorted(glob.glob(f"{series}/chunk-*.h5")):
        with h5py.File(chunk, "r") as f:
            frames = f["/entry/data/data"]
            rows, cols = frames.shape[1], frames.shape[2]
            for start in range(0, frames.shape[0], 256):
                block = frames[start:start + 256].reshape(-1, rows * cols)
                for frame in block:
                    pixels = np.flatnonzero(frame).astype("<i4")
                    header = bytearray(1024)
                    struct.pack_into("<i", header, 4, 6)
                    struct.pack_into("<ii", header, 108, rows, cols)
                    struct.pack_into("<I", header, 152, len(pixels))
                    imm.write(header)
                    imm.write(pixels.tobytes())
                    imm.write(frame[pixels].astype("<u2").tobytes())
