#!/usr/bin/python3
"""Reference values for package tensor's tests, computed with NumPy (and PyTorch for bfloat16).

Run from this directory with Debian's python3-numpy and python3-torch:

    /usr/bin/python3 gen_ref.py > ref.json

Inputs are built from formulas that Go reproduces exactly (see refInput in ref_test.go), so only
the outputs need storing. Floats are stored as the hex of their float64 bits to keep them exact.
"""
import json
import struct

import numpy as np
import torch


def h(v):
    """float64 bit pattern as hex, so JSON keeps every bit (NaN included)."""
    return struct.pack(">d", float(v)).hex()


def ref_input(n, dtype):
    # Mirrors refInput in Go: exact in float64, then cast.
    i = np.arange(n, dtype=np.int64)
    v = ((i * 7919) % 1000 - 500).astype(np.float64) / 37.0
    return v.astype(dtype)


out = {}

# Casts between every pair of dtypes on values that are in range for both.
values = [-3.75, -2.5, -1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 2.5, 3.7, 7.0, 100.25, 127.0, 1e-3, 65519.0]
ints = [-128, -7, -1, 0, 1, 2, 7, 100, 127, 255, 256, 300, 70000, -70000, 2**31 - 1]
np_types = {"float32": np.float32, "float64": np.float64, "float16": np.float16, "int8": np.int8,
            "int32": np.int32, "int64": np.int64, "uint8": np.uint8, "bool": np.bool_}
casts = []
for src in list(np_types) + ["bfloat16"]:
    for dst in list(np_types) + ["bfloat16"]:
        vals = values if src in ("float32", "float64", "float16", "bfloat16") else ints
        if src == "bool":
            vals = [0, 1, 1, 0]
        # Keep float->int casts in range (C leaves the rest undefined, and so do we).
        if src in ("float32", "float64", "float16", "bfloat16") and dst in ("int8", "uint8", "int32", "int64"):
            lo, hi = {"int8": (-128, 127), "uint8": (0, 255), "int32": (-2**31, 2**31 - 1), "int64": (-2**63, 2**63 - 1)}[dst]
            vals = [v for v in vals if lo < v < hi + 1]
        # Integer sources: only values representable in the source type.
        if src in ("int8", "uint8", "int32"):
            info = np.iinfo(np_types[src])
            vals = [v for v in vals if info.min <= v <= info.max]
        if src == "bfloat16":
            x = torch.tensor(vals, dtype=torch.float64).to(torch.bfloat16)
            tin = [float(v) for v in x.to(torch.float64)]
            if dst == "bfloat16":
                y = x
            elif dst == "bool":
                y = x != 0
            else:
                y = x.to({"float32": torch.float32, "float64": torch.float64, "float16": torch.float16,
                          "int8": torch.int8, "int32": torch.int32, "int64": torch.int64, "uint8": torch.uint8}[dst])
            res = [float(v) for v in y.to(torch.float64)]
        elif dst == "bfloat16":
            a = np.array(vals).astype(np_types[src])
            tin = [float(v) for v in a]
            # TensorFlow and PyTorch round to bfloat16 from float32.
            y = torch.from_numpy(a.astype(np.float32)).to(torch.bfloat16)
            res = [float(v) for v in y.to(torch.float64)]
        else:
            a = np.array(vals).astype(np_types[src])
            tin = [float(v) for v in a]
            res = [float(v) for v in a.astype(np_types[dst])]
        casts.append({"src": src, "dst": dst, "in": [h(v) for v in tin], "out": [h(v) for v in res]})
out["casts"] = casts

# Unary float math on float32 and float64.
unary = []
xs = np.array([-20.0, -3.5, -1.0, -0.25, 0.0, 0.1, 0.5, 1.0, 2.0, 7.5, 30.0])
pos = np.array([1e-6, 0.1, 0.5, 1.0, 2.0, 7.5, 100.0, 1e6])
fns = {
    "Exp": (np.exp, xs), "Expm1": (np.expm1, xs), "Log": (np.log, pos), "Log1p": (np.log1p, pos),
    "Sqrt": (np.sqrt, pos), "Rsqrt": (lambda v: 1 / np.sqrt(v), pos), "Tanh": (np.tanh, xs),
    "Sigmoid": (lambda v: 1 / (1 + np.exp(-v)), xs), "Sin": (np.sin, xs), "Cos": (np.cos, xs),
    "Reciprocal": (lambda v: 1 / v, pos), "Floor": (np.floor, xs), "Ceil": (np.ceil, xs),
    "Round": (np.round, np.array([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 3.4, 3.6])),
    "Abs": (np.abs, xs), "Neg": (np.negative, xs), "Square": (np.square, xs), "Sign": (np.sign, xs),
    "Relu": (lambda v: np.maximum(v, 0), xs),
}
for name, (f, v) in fns.items():
    for dt in (np.float32, np.float64):
        a = v.astype(dt)
        with np.errstate(all="ignore"):
            r = f(a).astype(dt)
        unary.append({"op": name, "dtype": np.dtype(dt).name, "in": [h(x) for x in a], "out": [h(x) for x in r]})
out["unary"] = unary

# Reductions of a [6, 35, 130] float32 array over several axis sets (NumPy's own summation order).
shape = (6, 35, 130)
x = ref_input(int(np.prod(shape)), np.float32).reshape(shape)
reds = []
for axes in [None, (0,), (1,), (2,), (0, 1), (1, 2), (0, 2)]:
    for op, f in [("Sum", np.sum), ("Mean", np.mean), ("Max", np.max), ("Min", np.min)]:
        r = f(x, axis=axes)
        reds.append({"op": op, "axes": list(axes) if axes else [], "shape": list(np.shape(r)),
                     "out": [h(v) for v in np.ravel(r)]})
    r = np.prod(x[:, :3, :4] / 4, axis=axes)
    reds.append({"op": "Prod", "axes": list(axes) if axes else [], "shape": list(np.shape(r)),
                 "out": [h(v) for v in np.ravel(r)], "slice": True})
out["reductions"] = {"shape": list(shape), "cases": reds}
# A long contiguous sum exercising the pairwise recursion.
long = ref_input(1000003, np.float32)
out["long_sum"] = h(np.sum(long))
out["long_sum64"] = h(np.sum(long.astype(np.float64)))

# np.pad modes.
a = np.arange(12, dtype=np.float32).reshape(3, 4)
pads = []
for mode in ["constant", "reflect", "symmetric"]:
    p = ((2, 1), (3, 2))
    if mode == "constant":
        r = np.pad(a, p, mode=mode, constant_values=-1.5)
    else:
        r = np.pad(a, p, mode=mode)
    pads.append({"mode": mode, "shape": list(r.shape), "out": [float(v) for v in r.ravel()]})
out["pad"] = pads

print(json.dumps(out, separators=(",", ":")))
