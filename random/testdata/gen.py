#!/usr/bin/python3
"""Golden data for package random, produced by NumPy's legacy RandomState.

Run from the package directory (or via `go generate ./random/`):

    /usr/bin/python3 testdata/gen.py

It was last run with NumPy 1.24.2 (Debian python3-numpy) on x86-64 glibc 2.36.
The Go tests only read what this writes; they never run Python.

NumPy's legacy Gaussian uses the C library's log, which on glibc is not
always correctly rounded, while the Go code uses a correctly rounded log. So
every Gaussian case is recomputed here twice in plain Python (the same polar
method, whose floating-point steps are all correctly rounded): with
math.log (glibc; must reproduce NumPy exactly, which checks the method) and
with a correctly rounded log (decimal). Where the two differ, the case lists
[index, correctly-rounded value, NumPy's value] in "cr_diff": that is where
Go is expected to differ from NumPy, and by how much.

With --print-randn it also prints the 81 float32 values of the acceptance
test (TestAcceptanceRandn81).

Outputs:
  testdata/golden.json               small cases, see the keys below
  testdata/standard_normal_seed0.f64 RandomState(0).standard_normal(N_F64) as
                                     little-endian float64
"""
import decimal
import hashlib
import json
import math
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
N_F64 = 20000          # normals stored in full
N_HASH = 1000000       # normals covered by the hashes


def raw(rs, n):
    """Next n raw 32-bit MT19937 outputs of a legacy RandomState."""
    return [int(v) for v in rs._bit_generator.random_raw(n)]


def floats(a):
    # json writes repr(float), the shortest string that round-trips.
    return [float(v) for v in np.asarray(a, dtype=np.float64).ravel()]


decimal.getcontext().prec = 50


def log_cr(x):
    # Decimal(x) is exact and ln is correctly rounded to 50 digits; the
    # conversion to float then rounds correctly (double rounding would need
    # the log to lie within 1e-50 of a midpoint).
    return float(decimal.Decimal(x).ln())


def gauss_stream(seed, n, log, loc=0.0, scale=1.0):
    """legacy_gauss re-done in Python on RandomState(seed)'s uniforms."""
    u = np.random.RandomState(seed).random_sample(3 * n + 100).tolist()
    out, k = [], 0
    while len(out) < n:
        x1 = 2.0 * u[k] - 1.0
        x2 = 2.0 * u[k + 1] - 1.0
        k += 2
        r2 = x1 * x1 + x2 * x2   # two roundings, no FMA, as NumPy on x86-64
        if r2 >= 1.0 or r2 == 0.0:
            continue
        f = math.sqrt(-2.0 * log(r2) / r2)
        out.append(loc + scale * (f * x2))
        out.append(loc + scale * (f * x1))
    return out[:n]


def cr_diff(seed, numpy_values, loc=0.0, scale=1.0):
    n = len(numpy_values)
    glibc = gauss_stream(seed, n, math.log, loc, scale)
    assert glibc == list(numpy_values), "polar method re-done in Python does not match NumPy"
    cr = gauss_stream(seed, n, log_cr, loc, scale)
    return [[i, c, g] for i, (c, g) in enumerate(zip(cr, glibc)) if c != g]


def state(rs):
    name, key, pos, has_gauss, gauss = rs.get_state()
    assert name == "MT19937"
    return {"key": [int(k) for k in key], "pos": int(pos),
            "has_gauss": bool(has_gauss), "gauss": float(gauss)}


out = {"numpy_version": np.__version__}

# Raw outputs, 2000 each: crosses the 624-word regeneration three times.
out["raw_seed"] = [{"seed": s, "values": raw(np.random.RandomState(s), 2000)}
                   for s in [0, 1, 12345, 2**32 - 1]]

keys = [
    [1, 2, 3],
    [0x123, 0x234, 0x345, 0x456],      # the key of mt19937ar.c's test
    [0, 0],
    [2**32 - 1, 0, 2**32 - 1],
    [(i * 2654435761) % 2**32 for i in range(1000)],  # longer than 624
    [5],                               # squeezed to the scalar seed 5
]
out["raw_array"] = [{"key": k, "values": raw(np.random.RandomState(np.array(k, dtype=np.uint32)), 1000)}
                    for k in keys]
assert out["raw_array"][-1]["values"] == raw(np.random.RandomState(5), 1000)

rs = np.random.RandomState(0)
out["random_sample_seed0"] = floats(rs.random_sample(2000))
out["random_sample_seed0_after"] = raw(rs, 3)

rs = np.random.RandomState(1)
out["uniform_seed1"] = {"low": -3.0, "high": 7.5, "values": floats(rs.uniform(-3.0, 7.5, 2000))}
rs = np.random.RandomState(11)
out["uniform_reversed_seed11"] = {"low": 5.0, "high": -2.0, "values": floats(rs.uniform(5.0, -2.0, 200))}

rs = np.random.RandomState(2)
v = floats(rs.normal(1.5, 2.5, 2001))
out["normal_seed2"] = {"loc": 1.5, "scale": 2.5, "values": v, "cr_diff": cr_diff(2, v, 1.5, 2.5)}
out["normal_seed2_state"] = state(rs)

# randint: each case on a fresh RandomState(seed); "after" are the next raw
# words, which pins down how many draws the case consumed.
ranges = [
    (0, 10), (0, 16), (0, 2**31 + 1), (0, 2**32), (0, 2**32 + 1), (0, 2**40),
    (-100, 37), (-2**62, 2**62), (-2**63, 2**63 - 1), (7, 8), (-5, -4),
    (-2**63, -2**63 + 3), (2**63 - 1000, 2**63 - 1),
]
out["randint"] = []
for i, (lo, hi) in enumerate(ranges):
    rs = np.random.RandomState(100 + i)
    vals = [int(v) for v in rs.randint(lo, hi, size=500)]
    assert all(lo <= v < hi for v in vals)
    out["randint"].append({"seed": 100 + i, "low": lo, "high": hi, "values": vals, "after": raw(rs, 3)})

out["permutation10_seed0"] = [int(v) for v in np.random.RandomState(0).permutation(10)]
out["permutation1000_seed1"] = [int(v) for v in np.random.RandomState(1).permutation(1000)]
rs = np.random.RandomState(2)
a = np.arange(100)
rs.shuffle(a)
out["shuffle100_seed2"] = [int(v) for v in a]
out["shuffle100_seed2_after"] = raw(rs, 3)

# Interleaved calls: the cached Gaussian survives other draws.
rs = np.random.RandomState(7)
mixed = []
for op in ["n", "u", "n", "i", "n", "n", "u", "n"]:
    if op == "n":
        mixed.append(["n", float(rs.standard_normal())])
    elif op == "u":
        mixed.append(["u", float(rs.random_sample())])
    else:
        mixed.append(["i", int(rs.randint(0, 1000))])
out["mixed_seed7"] = mixed
out["mixed_seed7_state"] = state(rs)

# The first N_F64 values are stored in full; all N_HASH are covered by
# hashes of NumPy's float64 and float32 bytes and by cr_diff.
rs = np.random.RandomState(0)
n = rs.standard_normal(N_HASH)
n[:N_F64].astype("<f8").tofile(os.path.join(HERE, "standard_normal_seed0.f64"))
out["standard_normal_seed0"] = {
    "n_stored": N_F64,
    "n_hashed": N_HASH,
    "sha256_f64": hashlib.sha256(n.astype("<f8").tobytes()).hexdigest(),
    "sha256_f32": hashlib.sha256(n.astype("<f4").tobytes()).hexdigest(),
    "cr_diff": cr_diff(0, n.tolist()),
    "state": state(rs),
}

with open(os.path.join(HERE, "golden.json"), "w") as f:
    json.dump(out, f, separators=(",", ":"))
    f.write("\n")

# The acceptance test's 81 values, printed for pasting into the Go test.
if "--print-randn" in sys.argv:
    np.random.seed(0)
    x = np.random.randn(1, 9, 9, 1).astype(np.float32)
    print(", ".join(str(v) for v in x.ravel()))
