# Independent writer of APS 8-ID-I photon-counting files (tests only), with the byte layouts the beamline's
# correlator (boost_corr) reads. Writes the file(s) and, beside them, the frames as numpy sees them: the non-zero
# pixels of the dense frames as little-endian int32 triplets (frame, row-major pixel, count), plus "rows cols frames".
# usage: detector_writer.py FORMAT OUT_BASE SEED FRAMES MEAN [ROWS COLS]
import re
import struct
import sys

import numpy as np

fmt, out, seed, frames, mean = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
rng = np.random.default_rng(seed)


def counts(frames, pixels, limit):
    dense = rng.poisson(mean, size=(frames, pixels)).astype(np.int64)
    hot = rng.integers(0, pixels, size=3)
    dense[0, hot] = limit  # the largest count the format holds
    dense[-1, pixels - 1] = 1  # the last frame is not empty
    return np.minimum(dense, limit)


def rigaku_records(dense, offset):
    f, p = np.nonzero(dense)
    c = dense[f, p]
    return ((f.astype(np.uint64) << np.uint64(40)) | ((p + offset).astype(np.uint64) << np.uint64(16))
            | c.astype(np.uint64)).astype("<u8")


def save_reference(dense_frames, rows, cols):
    flat = dense_frames.reshape(dense_frames.shape[0], -1)
    f, p = np.nonzero(flat)
    np.stack([f, p, flat[f, p]], axis=1).astype("<i4").tofile(out + ".events")
    with open(out + ".shape", "w") as h:
        h.write(f"{rows} {cols} {dense_frames.shape[0]}\n")


IMM_FORMAT = "ii32s16si16siiiiiiiiiiiiiddiiIiiI40sf40sf40sf40sf40sf40sf40sf40sf40sf40sfffiiifc295s84s12s"


def imm_header(compression, rows, cols, dlen):
    codes = [code for _, code in re.findall(r"(\d*)([a-zA-Z])", IMM_FORMAT)]
    values = [b"" if code == "s" else b"\0" if code == "c" else 0.0 if code in "df" else 0 for code in codes]
    # field positions in boost_corr's read_imm_header: mode, compression, ..., rows (14), cols (15), bytes (16), dlen (23)
    values[1], values[14], values[15], values[16], values[23] = compression, rows, cols, 2, dlen
    header = struct.pack(IMM_FORMAT, *values)
    assert len(header) == 1024
    return header


if fmt == "rigaku-500k":
    rows, cols = 512, 1024
    dense = counts(frames, rows * cols, 4095)
    rigaku_records(dense, 0).tofile(out)
    save_reference(dense, rows, cols)
elif fmt == "rigaku-3m":
    mrows, mcols, gap, index_list = 512, 1024, (70, 52), (5, 0, 4, 1, 3, 2)
    modules = {}
    for m in range(6):
        n = frames if m != 2 else frames - 1  # one module's last frame is empty: the series is as long as the longest
        dense = counts(n, mrows * mcols, 4095)
        if m == 2:
            dense = np.concatenate([dense, np.zeros((1, mrows * mcols), np.int64)])
        modules[m] = dense
        records = rigaku_records(dense, (1 << 20) if m in (1, 4) else 0)
        records.tofile(out[:-3] + f"00{m}")
    rows, cols = mrows * 3 + gap[0] * 2, mcols * 2 + gap[1]
    canvas = np.zeros((frames, rows, cols), np.int64)
    for position, m in enumerate(index_list):
        r0, c0 = position // 2 * (mrows + gap[0]), position % 2 * (mcols + gap[1])
        canvas[:, r0:r0 + mrows, c0:c0 + mcols] = modules[m].reshape(frames, mrows, mcols)
    save_reference(canvas, rows, cols)
elif fmt in ("imm-dense", "imm-sparse"):
    rows, cols = int(sys.argv[6]), int(sys.argv[7])
    dense = counts(frames, rows * cols, 65535)
    dense[frames // 2] = 0  # an empty frame
    with open(out, "wb") as h:
        for frame in dense:
            if fmt == "imm-dense":
                h.write(imm_header(0, rows, cols, rows * cols))
                h.write(frame.astype("<u2").tobytes())
            else:
                index = np.nonzero(frame)[0]
                h.write(imm_header(6, rows, cols, index.size))
                h.write(index.astype("<i4").tobytes())
                h.write(frame[index].astype("<u2").tobytes())
    save_reference(dense, rows, cols)
else:
    sys.exit(f"unknown format {fmt}")
