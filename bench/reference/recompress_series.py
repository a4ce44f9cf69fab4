#!/usr/bin/env python3
"""Copies a contract series folder with its frames re-stored through an HDF5 filter plugin (h5py + hdf5plugin, an
independent writer), one frame per HDF5 chunk, everything else (attributes, other objects, series.json) as it was.
Benchmark input only: `correlate` of the copy shows the cost of decompression beside the uncompressed original.
Usage: recompress_series.py SRC_FOLDER DST_FOLDER {bitshuffle-lz4,lz4,blosc-lz4,lzf,gzip}"""
import os, shutil, sys
import h5py, hdf5plugin

FRAMES = "/entry/data/data"


def filter_args(name):
    return {
        "bitshuffle-lz4": dict(**hdf5plugin.Bitshuffle(cname="lz4")),
        "lz4": dict(**hdf5plugin.LZ4()),
        "blosc-lz4": dict(**hdf5plugin.Blosc(cname="lz4", shuffle=hdf5plugin.Blosc.SHUFFLE)),
        "lzf": dict(compression="lzf"),
        "gzip": dict(compression="gzip", compression_opts=1),
    }[name]


def main(src, dst, name):
    os.makedirs(dst, exist_ok=True)
    for entry in sorted(os.listdir(src)):
        source = os.path.join(src, entry)
        target = os.path.join(dst, entry)
        if not entry.endswith(".h5"):
            shutil.copyfile(source, target)
            continue
        with h5py.File(source, "r") as fin, h5py.File(target, "w") as fout:
            def copy(path, obj):
                if path == FRAMES.lstrip("/"):
                    data = obj[()]
                    out = fout.create_dataset(path, data=data, chunks=(1,) + data.shape[1:], **filter_args(name))
                    for key, value in obj.attrs.items():
                        out.attrs[key] = value
                elif isinstance(obj, h5py.Dataset):
                    fin.copy(obj, fout, name=path)
                elif path not in fout:
                    group = fout.create_group(path)
                    for key, value in obj.attrs.items():
                        group.attrs[key] = value
            for key, value in fin.attrs.items():
                fout.attrs[key] = value
            fin.visititems(copy)
    print(f"wrote {dst}: frames of {src} stored with {name}")


if __name__ == "__main__":
    main(*sys.argv[1:4])
