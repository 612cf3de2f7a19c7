#!/usr/bin/env python3
"""Regenerate the golden files that half's tests compare against.

The expected values come from NumPy (float32/float64 -> float16 and
float16 -> float32) and PyTorch (float32 -> bfloat16 RNE and
bfloat16 -> float32). The files were produced with Debian's python3-numpy
1.24 and python3-torch 1.13:

    cd half && /usr/bin/python3 testdata/gen.py      # or: go generate ./half/

exhaustive.txt (digests over every float32 input, used by TestExhaustiveFloat32
with go test -tags exhaustive) takes several minutes and is written only by

    /usr/bin/python3 testdata/gen.py --exhaustive

To print the expected outputs for a slice of one of the random sets (when a
digest mismatch is reported by TestRandomDigests):

    /usr/bin/python3 testdata/gen.py --show f32-uniform 123456 20

Files written (all little-endian):

  *.bin.gz   gzip of: uint32 count, then each column in turn, every column
             stored as byte planes (all byte-0s, then all byte-1s, ...),
             which compresses far better than interleaved records.
      f16_to_f32.bin.gz   count=65536; column u32: NumPy float16->float32 bits
                          of every float16 bit pattern 0..65535.
      bf16_to_f32.bin.gz  count=65536; column u32: torch bfloat16->float32.
      f32_boundary.bin.gz columns u32 input, u16 NumPy float16, u16 torch
                          bfloat16 (RNE): float32 values on, and one ulp
                          either side of, every float16 and bfloat16 rounding
                          boundary, plus NaN payloads, both signs.
      f64_boundary.bin.gz columns u64 input, u16 NumPy float16: the same idea
                          for float64, including values that double rounding
                          through float32 would get wrong.
  random.txt digests of the outputs for large pseudo-random input sets that
             the Go test regenerates with the same splitmix64 generator; one
             line per chunk: first 8 bytes of SHA-256 over the expected
             uint16 outputs (little-endian) of that chunk. Storing digests
             instead of the outputs keeps several million cases in ~20 KB.
             Each set line also carries a digest of all its inputs, so a
             generator that drifted from this script is reported as such.

torch converts every NaN to 0xFFFF; this script asserts that, and the Go test
checks NaN lanes against half's own documented rule instead.
"""

import gzip
import hashlib
import os
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
CHUNK = 16384
GOLDEN = np.uint64(0x9E3779B97F4A7C15)


def splitmix64(seed, n):
    """n outputs of splitmix64 started at state=seed (mirrors splitmix64 in golden_test.go)."""
    with np.errstate(over="ignore"):
        z = np.uint64(seed) + np.arange(1, n + 1, dtype=np.uint64) * GOLDEN
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return z ^ (z >> np.uint64(31))


def u32(x):
    return np.uint32(x)


def u64(x):
    return np.uint64(x)


# Random sets: name -> (seed, count, generator). Keep in sync with randomSets in golden_test.go.
def set_f32_uniform(n):
    return splitmix64(1, n).astype(np.uint32)  # low 32 bits of each output


def set_f32_f16range(n):
    w = splitmix64(2, n).astype(np.uint32)
    exp = u32(98) + ((w >> u32(23)) & u32(0xFF)) % u32(48)
    return (w & u32(0x807FFFFF)) | (exp << u32(23))


def set_f64_uniform(n):
    return splitmix64(3, n)


def set_f64_f16range(n):
    z = splitmix64(4, n)
    exp = u64(990) + ((z >> u64(52)) & u64(0x7FF)) % u64(56)
    return (z & u64(0x800FFFFFFFFFFFFF)) | (exp << u64(52))


RANDOM_SETS = [
    ("f32-uniform", 1 << 22, set_f32_uniform),
    ("f32-f16range", 1 << 21, set_f32_f16range),
    ("f64-uniform", 1 << 20, set_f64_uniform),
    ("f64-f16range", 1 << 21, set_f64_f16range),
]


def np_f16(bits):
    with np.errstate(over="ignore", invalid="ignore"):
        if bits.dtype == np.uint32:
            return bits.view(np.float32).astype(np.float16).view(np.uint16)
        return bits.view(np.float64).astype(np.float16).view(np.uint16)


def torch_bf16(bits):
    t = torch.from_numpy(bits.view(np.float32).copy()).to(torch.bfloat16)
    out = t.view(torch.int16).numpy().view(np.uint16).copy()
    nan = np.isnan(bits.view(np.float32))
    assert np.all(out[nan] == 0xFFFF), "torch no longer maps NaN to 0xFFFF; update golden_test.go"
    return out


def f32_boundary():
    parts = []
    # float16 rounding keeps the top 10 mantissa bits of a normal float32:
    # the low 13 bits decide rounding; 0x1000 is the halfway point.
    low13 = np.array([0, 1, 0xFFF, 0x1000, 0x1001, 0x1FFF], dtype=np.uint32)
    top10 = np.arange(1024, dtype=np.uint32) << u32(13)
    for e in [0, 1] + list(range(100, 146)) + [254, 255]:
        parts.append(((u32(e) << u32(23)) | (top10[:, None] | low13[None, :])).ravel())
    # Results in float16's subnormal range drop more bits: 126-e of the 24-bit significand.
    for e in range(102, 113):
        d = min(126 - e, 23)
        h = 1 << (d - 1)
        low = np.array([0, 1, h - 1, h, h + 1, 2 * h - 1], dtype=np.uint32)
        top = np.arange(1 << (23 - d), dtype=np.uint32) << u32(d)
        parts.append(((u32(e) << u32(23)) | (top[:, None] | low[None, :])).ravel())
    # bfloat16 keeps the top 7 mantissa bits at every exponent.
    low16 = np.array([0, 1, 0x7FFF, 0x8000, 0x8001, 0xFFFF], dtype=np.uint32)
    top7 = np.arange(128, dtype=np.uint32) << u32(16)
    for e in range(256):
        parts.append(((u32(e) << u32(23)) | (top7[:, None] | low16[None, :])).ravel())
    b = np.concatenate(parts)
    return np.unique(np.concatenate([b, b | u32(0x80000000)]))


def f64_boundary():
    parts = []
    m = 1 << 41  # halfway bit when float64 -> float16 keeps 10 of 52 mantissa bits
    f32half = 1 << 28  # half a float32 ulp in the low 42 bits: double-rounding traps
    low42 = np.array(
        [0, 1, m - 1, m, m + 1, 2 * m - 1, m - f32half, m + f32half, m - 2 * f32half, m + 2 * f32half],
        dtype=np.uint64,
    )
    top10 = np.arange(1024, dtype=np.uint64) << u64(42)
    for e in [0, 1] + list(range(995, 1041)) + [2046, 2047]:
        parts.append(((u64(e) << u64(52)) | (top10[:, None] | low42[None, :])).ravel())
    for e in range(998, 1009):
        d = min(1051 - e, 52)
        h = 1 << (d - 1)
        low = np.array([0, 1, h - 1, h, h + 1, 2 * h - 1], dtype=np.uint64)
        top = np.arange(1 << (52 - d), dtype=np.uint64) << u64(d)
        parts.append(((u64(e) << u64(52)) | (top[:, None] | low[None, :])).ravel())
    b = np.concatenate(parts)
    return np.unique(np.concatenate([b, b | u64(1 << 63)]))


def planes(col):
    col = np.ascontiguousarray(col, dtype=col.dtype.newbyteorder("<"))
    return col.view(np.uint8).reshape(-1, col.dtype.itemsize).T.tobytes()


def write_columns(name, cols):
    n = len(cols[0])
    assert all(len(c) == n for c in cols)
    raw = np.uint32(n).tobytes() + b"".join(planes(c) for c in cols)
    # mtime=0 keeps the files byte-identical across reruns.
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(gzip.compress(raw, 9, mtime=0))
    print(f"{name}: {n} rows, {os.path.getsize(os.path.join(HERE, name))} bytes")


def digest(u16):
    return hashlib.sha256(u16.astype("<u2").tobytes()).hexdigest()[:16]


def exhaustive():
    """Digests of NumPy's float16 and torch's bfloat16 results for all 2^32 float32 inputs."""
    lines = [
        "# Generated by gen.py --exhaustive (NumPy %s, torch %s); do not edit." % (np.__version__, torch.__version__),
        "# Chunk k covers float32 bit patterns k<<24 .. k<<24 | 0xffffff in order:",
        "#   <sha256[:8] of NumPy float16 outputs> <same for torch bfloat16 outputs>",
    ]
    for k in range(256):
        b = np.arange(1 << 24, dtype=np.uint32) + u32(k << 24)
        lines.append(f"{digest(np_f16(b))} {digest(torch_bf16(b))}")
    with open(os.path.join(HERE, "exhaustive.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print("exhaustive.txt written")


def main():
    if sys.argv[1:] == ["--exhaustive"]:
        exhaustive()
        return
    if len(sys.argv) == 5 and sys.argv[1] == "--show":
        name, start, count = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
        for nm, n, gen in RANDOM_SETS:
            if nm == name:
                b = gen(n)[start : start + count]
                f16 = np_f16(b)
                bf = torch_bf16(b) if b.dtype == np.uint32 else None
                for i in range(len(b)):
                    extra = f" bf16={bf[i]:#06x}" if bf is not None else ""
                    print(f"{start + i}: in={int(b[i]):#x} f16={f16[i]:#06x}{extra}")
                return
        sys.exit(f"unknown set {name}")

    print(f"numpy {np.__version__}, torch {torch.__version__}")
    all16 = np.arange(65536, dtype=np.uint16)
    write_columns("f16_to_f32.bin.gz", [all16.view(np.float16).astype(np.float32).view(np.uint32)])
    bf = torch.from_numpy(all16.view(np.int16).copy()).view(torch.bfloat16).to(torch.float32)
    write_columns("bf16_to_f32.bin.gz", [bf.view(torch.int32).numpy().view(np.uint32)])

    b32 = f32_boundary()
    write_columns("f32_boundary.bin.gz", [b32, np_f16(b32), torch_bf16(b32)])
    b64 = f64_boundary()
    write_columns("f64_boundary.bin.gz", [b64, np_f16(b64)])

    lines = [
        "# Generated by gen.py (NumPy %s, torch %s); do not edit." % (np.__version__, torch.__version__),
        "# set <name> <count> <chunk> <sha256[:8] of the inputs>, then per chunk:",
        "#   <sha256[:8] of NumPy float16 outputs> [<same for torch bfloat16 outputs>]",
    ]
    for name, n, gen in RANDOM_SETS:
        b = gen(n)
        f16 = np_f16(b)
        bf = torch_bf16(b) if b.dtype == np.uint32 else None
        in_digest = hashlib.sha256(b.astype(b.dtype.newbyteorder("<")).tobytes()).hexdigest()[:16]
        lines.append(f"set {name} {n} {CHUNK} {in_digest}")
        for i in range(0, n, CHUNK):
            line = digest(f16[i : i + CHUNK])
            if bf is not None:
                line += " " + digest(bf[i : i + CHUNK])
            lines.append(line)
    with open(os.path.join(HERE, "random.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print("random.txt written")


if __name__ == "__main__":
    main()
