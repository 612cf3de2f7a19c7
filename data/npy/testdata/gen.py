#!/usr/bin/env python3
"""Writes the NumPy-made fixtures the npy package tests read.

Run from data/npy (or via `go generate ./data/npy/`, which uses /usr/bin/python3):

    python3 testdata/gen.py

It needs NumPy >= 1.24 (the header padding it checks byte for byte, 64-byte alignment plus
room for the growth axis, is what np.save writes since then). Outputs go to testdata/numpy/.

Array values follow one formula per dtype, over the flat C-order index i (also stated in
numpy_test.go); the exact bytes of every array, C order and little-endian, are written to
testdata/numpy/fixtures.json as "data_hex", which the Go tests compare against.

    float16/32/64: (i - 5) * 0.375
    int8:          (i * 37) % 256 - 128
    int32:         (i * 7919 - 50000) * (-1)**i
    int64:         i * (2**40 + 3) - 2**41
    uint8:         (i * 53) % 256
    bool:          i % 3 == 0
"""
import json
import os
import sys

import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "numpy")


def values(dtype, shape):
    n = int(np.prod(shape, dtype=np.int64))
    i = np.arange(n, dtype=np.int64)
    kind = np.dtype(dtype).kind
    if kind == "f":
        v = (i - 5) * 0.375
    elif kind == "b":
        v = i % 3 == 0
    elif np.dtype(dtype).itemsize == 1 and kind == "i":
        v = (i * 37) % 256 - 128
    elif kind == "u":
        v = (i * 53) % 256
    elif np.dtype(dtype).itemsize == 4:
        v = (i * 7919 - 50000) * np.where(i % 2 == 0, 1, -1)
    else:
        v = i * (2**40 + 3) - 2**41
    return v.astype(dtype).reshape(shape)


def main():
    os.makedirs(OUT, exist_ok=True)
    manifest = []

    def save(name, arr, version=None, exact=False, note=""):
        path = os.path.join(OUT, name)
        with open(path, "wb") as f:
            np.lib.format.write_array(f, arr, version=version)
        le = arr.astype(arr.dtype.newbyteorder("<")) if arr.dtype.byteorder == ">" else arr
        manifest.append({
            "file": name,
            "dtype": arr.dtype.name,
            "descr": arr.dtype.str,
            "shape": list(arr.shape),
            "fortran_order": bool(arr.flags.f_contiguous and not arr.flags.c_contiguous),
            "data_hex": np.ascontiguousarray(le).tobytes(order="C").hex(),
            # exact: our writer must reproduce this file byte for byte from the array read back
            "exact": exact,
            "note": note,
        })

    save("f4_2x3.npy", values("<f4", (2, 3)), exact=True)
    save("f8_fortran_3x4.npy", np.asfortranarray(values("<f8", (3, 4))), exact=True)
    save("f2_5.npy", values("<f2", (5,)), exact=True)
    save("i1_2x2x2.npy", values("i1", (2, 2, 2)), exact=True)
    save("i4_7.npy", values("<i4", (7,)), exact=True)
    save("i8_2x3.npy", values("<i8", (2, 3)), exact=True)
    save("u1_4x4.npy", values("u1", (4, 4)), exact=True)
    save("b1_2x3.npy", values("?", (2, 3)), exact=True)
    save("bool_fortran_2x3.npy", np.asfortranarray(values("?", (2, 3))), exact=True)
    save("f8_scalar.npy", np.array(2.5), exact=True)
    save("i4_scalar.npy", np.array(-7, dtype="<i4"), exact=True)
    save("f4_empty_0.npy", np.zeros((0,), "<f4"), exact=True)
    save("i8_empty_3x0.npy", np.zeros((3, 0), "<i8"), exact=True)
    save("f4_1x1x1x1x5.npy", values("<f4", (1, 1, 1, 1, 5)), exact=True)
    save("be_f4_2x2.npy", values(">f4", (2, 2)), note="big-endian")
    save("be_i8_3.npy", values(">i8", (3,)), note="big-endian")
    save("be_f2_4.npy", values(">f2", (4,)), note="big-endian")
    save("be_f8_fortran_2x3.npy", np.asfortranarray(values(">f8", (2, 3))), note="big-endian, Fortran order")
    save("be_i4_scalar.npy", np.array(123456789, dtype=">i4"), note="big-endian 0-d")
    save("v2_i4_3x2.npy", values("<i4", (3, 2)), version=(2, 0), note="format 2.0")
    save("v3_f4_2x2.npy", values("<f4", (2, 2)), version=(3, 0), note="format 3.0")
    # np.save of views: a strided slice is written as a C-order copy, a transpose of a C array
    # as Fortran order. The Go test builds the same views and compares bytes.
    base = np.arange(24, dtype="<f4").reshape(4, 6)
    save("view_slice_f4.npy", base[1:, ::2], exact=True, note="arange(24).reshape(4,6)[1:, ::2]")
    save("view_transpose_i8.npy", np.arange(12, dtype="<i8").reshape(3, 4).T, exact=True,
         note="arange(12).reshape(3,4).T")

    npz = {
        "weights": values("<f4", (3, 4)),
        "bias": values("<f8", (4,)),
        "step": np.array(7, dtype="<i8"),
        "mask": values("?", (2, 2)),
    }
    np.savez(os.path.join(OUT, "stored.npz"), **npz)
    np.savez_compressed(os.path.join(OUT, "compressed.npz"), **npz)
    for fname in ("stored.npz", "compressed.npz"):
        manifest.append({
            "file": fname,
            "arrays": {k: {"dtype": v.dtype.name, "shape": list(v.shape),
                           "data_hex": np.ascontiguousarray(v).tobytes().hex()}
                       for k, v in npz.items()},
        })

    with open(os.path.join(OUT, "fixtures.json"), "w") as f:
        json.dump({"numpy_version": np.__version__, "fixtures": manifest}, f, indent=1, sort_keys=True)
        f.write("\n")
    print("wrote %d fixtures to %s with NumPy %s" % (len(manifest), OUT, np.__version__), file=sys.stderr)


if __name__ == "__main__":
    main()
