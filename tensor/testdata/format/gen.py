#!/usr/bin/python3
"""Writes cases.json: tensors and NumPy's repr of each, the reference for format_test.go.

Run with Debian's python3-numpy (NumPy 1.24), from anywhere:

    /usr/bin/python3 tensor/testdata/format/gen.py

or `go generate -run testdata/format ./tensor/` from the repository root. The output is
deterministic.

Each case stores the base array's raw little-endian bytes in C order as hex (exact for every
dtype, NaN payloads included), how to lay it out ("F": a column-major copy) and the views to take
of it (transpose, slice, select, broadcast), so the Go test rebuilds the same strided tensor.

NumPy has no bfloat16. ml_dtypes adds one, but it is not on these machines, and NumPy does not
treat its type as floating: it prints each element with the scalar's own repr (six significant
digits, print options ignored, as jax-ml/jax#18820 reports). package tensor prints
bfloat16 as NumPy prints its own floating types instead; for those cases this script runs NumPy's
real printing code (arrayprint.FloatingFormat and the layout around it) on the exact values held
in float32, with NumPy's Dragon4 digit generation replaced by the Python port below set to
bfloat16's format. The port is checked first against NumPy's own Dragon4 on every float16 value,
so the bfloat16 references rest on NumPy's code, not on the Go code they test.
"""
import json
import math
import os

import numpy as np
from numpy.core import arrayprint
from numpy.core.multiarray import dragon4_positional, dragon4_scientific

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "cases.json")


# --- Dragon4 (numpy/core/src/multiarray/dragon4.c) for any binary format --------------------

def decode(bits, mant_bits, exp_bits):
    """(neg, mantissa, exponent, mantissa_bit, unequal_margins) of a finite float's bits."""
    frac = bits & ((1 << mant_bits) - 1)
    e = (bits >> mant_bits) & ((1 << exp_bits) - 1)
    neg = bool(bits >> (mant_bits + exp_bits) & 1)
    bias = (1 << (exp_bits - 1)) - 1
    assert e != (1 << exp_bits) - 1, "not finite"
    if e:
        return neg, (1 << mant_bits) | frac, e - bias - mant_bits, mant_bits, e != 1 and frac == 0
    return neg, frac, 1 - bias - mant_bits, max(frac.bit_length() - 1, 0), False


def dragon4(mant, exp2, mant_bit, unequal, total, cut_max, cut_min):
    """Digits and decimal exponent of the first digit, as Dragon4 in DigitMode_Unique."""
    if mant == 0:
        return "0", 0
    is_even = mant % 2 == 0
    shift = 2 if unequal else 1
    if exp2 > 0:
        value, scale, m_low = mant << (exp2 + shift), 1 << shift, 1 << exp2
    else:
        value, scale, m_low = mant << shift, 1 << (-exp2 + shift), 1
    hi = lambda: 2 * m_low if unequal else m_low
    digit_exp = int(math.ceil((mant_bit + exp2) * 0.30102999566398119521373889472449 - 0.69))
    if cut_max >= 0 and not total and digit_exp <= -cut_max:
        digit_exp = -cut_max + 1
    if digit_exp > 0:
        scale *= 10 ** digit_exp
    elif digit_exp < 0:
        value *= 10 ** -digit_exp
        m_low *= 10 ** -digit_exp
    if value >= scale:
        digit_exp += 1
    else:
        value *= 10
        m_low *= 10
    cut_max_exp = digit_exp - 16384
    if cut_max >= 0:
        cut_max_exp = max(cut_max_exp, digit_exp - cut_max if total else -cut_max)
    cut_min_exp = digit_exp
    if cut_min >= 0:
        cut_min_exp = min(cut_min_exp, digit_exp - cut_min if total else -cut_min)
    out_exp = digit_exp - 1
    digits = []
    while True:
        digit_exp -= 1
        digit, value = divmod(value, scale)
        low = value <= m_low if is_even else value < m_low
        high = value + hi() >= scale if is_even else value + hi() > scale
        if ((low or high) and digit_exp <= cut_min_exp) or digit_exp == cut_max_exp:
            break
        digits.append(digit)
        value *= 10
        m_low *= 10
    round_down = low
    if low == high:
        round_down = 2 * value < scale or (2 * value == scale and digit % 2 == 0)
    if round_down:
        digits.append(digit)
    elif digit < 9:
        digits.append(digit + 1)
    else:
        while digits and digits[-1] == 9:
            digits.pop()
        if digits:
            digits[-1] += 1
        else:
            digits, out_exp = [1], out_exp + 1
    return "".join(map(str, digits)), out_exp


def positional(parts, precision, min_digits, trim, pad_left, pad_right):
    """FormatPositional with CutoffMode_FractionLength, for trim modes 'k' and '.'."""
    neg, mant, exp2, mant_bit, unequal = parts
    digits, exp10 = dragon4(mant, exp2, mant_bit, unequal, False, precision, min_digits)
    s = "-" if neg else ""
    if exp10 >= 0:
        whole = exp10 + 1
        if len(digits) <= whole:
            s, frac = s + digits + "0" * (whole - len(digits)), 0
        else:
            s, frac = s + digits[:whole] + "." + digits[whole:], len(digits) - whole
    else:
        whole = 1
        s += "0." + "0" * (-(exp10 + 1)) + digits
        frac = -(exp10 + 1) + len(digits)
    if frac == 0:
        s += "."
    if trim == "k" and min_digits > frac:
        s, frac = s + "0" * (min_digits - frac), min_digits
    if trim == "." and frac > 0:
        stripped = s.rstrip("0")
        frac -= len(s) - len(stripped)
        s = stripped
    if pad_right >= frac:
        s += " " * (pad_right - frac)
    if pad_left > whole + neg:
        s = " " * (pad_left - whole - neg) + s
    return s


def scientific(parts, precision, min_digits, trim, pad_left, exp_digits):
    """FormatScientific, for trim modes 'k' and '.'."""
    neg, mant, exp2, mant_bit, unequal = parts
    digits, exp10 = dragon4(mant, exp2, mant_bit, unequal, True,
                            -1 if precision < 0 else precision + 1,
                            -1 if min_digits < 0 else min_digits + 1)
    s = " " * max(pad_left - 1 - neg, 0) + ("-" if neg else "") + digits[0] + "." + digits[1:]
    frac = len(digits) - 1
    if trim == "k" and min_digits > frac:
        s += "0" * (min_digits - frac)
    if trim == "." and frac > 0:
        s = s.rstrip("0")
    exp_digits = 2 if exp_digits < 0 else min(exp_digits, 5)
    return s + "e" + ("-" if exp10 < 0 else "+") + str(abs(exp10)).rjust(exp_digits, "0")


def port(fmt_bits, to_bits):
    """Replacements for NumPy's dragon4_positional/dragon4_scientific on one format."""
    def pos(x, precision=-1, min_digits=-1, unique=True, fractional=True, trim="k", sign=False,
            pad_left=-1, pad_right=-1):
        assert unique and fractional and not sign and trim in "k."
        return positional(decode(to_bits(x), *fmt_bits), precision, -1 if min_digits is None else min_digits,
                          trim, pad_left, pad_right)

    def sci(x, precision=-1, min_digits=-1, unique=True, trim="k", sign=False, pad_left=-1, exp_digits=-1):
        assert unique and not sign and trim in "k."
        return scientific(decode(to_bits(x), *fmt_bits), precision, -1 if min_digits is None else min_digits,
                          trim, pad_left, exp_digits)
    return pos, sci


F16 = (10, 5)
BF16 = (7, 8)


def check_port():
    """The port must agree with NumPy's Dragon4 on every finite float16, in every mode used."""
    pos, sci = port(F16, lambda x: int(np.float16(x).view(np.uint16)))
    vals = np.arange(1 << 16, dtype=np.uint16).view(np.float16)
    vals = vals[np.isfinite(vals)]
    for x in vals:
        for kw in (dict(precision=8, trim="."), dict(precision=8, min_digits=0, trim=".", pad_left=4, pad_right=9)):
            assert pos(x, **kw) == dragon4_positional(x, unique=True, fractional=True, **kw), (x, kw)
        assert sci(x, precision=8, trim=".") == dragon4_scientific(x, precision=8, unique=True, trim=".")
        for p in (0, 2, 4, 8):
            kw = dict(precision=p, min_digits=p, trim="k", pad_left=2, exp_digits=3)
            assert sci(x, **kw) == dragon4_scientific(x, unique=True, **kw), (x, kw)


def bf16_bits(a):
    """Round float32 values to bfloat16 bit patterns, to nearest even (NaN kept quiet)."""
    f = np.asarray(a, np.float32)
    u = f.view(np.uint32).astype(np.uint64)
    c16 = np.uint64(16)
    r = (u + np.uint64(0x7FFF) + ((u >> c16) & np.uint64(1))) >> c16
    r = np.where(np.isnan(f), (u >> c16) | np.uint64(0x40), r)
    return np.asarray(r, np.uint16).reshape(f.shape)


def bf16_repr(bits16):
    """NumPy's repr as if bfloat16 were a NumPy floating type (see the module comment)."""
    vals = (bits16.astype(np.uint32).reshape(-1) << np.uint32(16)).view(np.float32).reshape(bits16.shape)
    fin = np.abs(vals[np.isfinite(vals) & (vals != 0)])
    if fin.size:
        # The Go side rounds max/min to bfloat16 before comparing with 1000, as ml_dtypes
        # division would; float32 here agrees unless the ratio falls in (1000, 1002].
        r = fin.max() / fin.min()
        assert not (1000 < r <= 1002), r
    pos, sci = port(BF16, lambda x: int(np.float32(x).view(np.uint32)) >> 16)
    saved = (arrayprint.dragon4_positional, arrayprint.dragon4_scientific, arrayprint.dtype_short_repr)
    arrayprint.dragon4_positional, arrayprint.dragon4_scientific = pos, sci
    arrayprint.dtype_short_repr = lambda dt: "bfloat16"
    try:
        return repr(vals)
    finally:
        arrayprint.dragon4_positional, arrayprint.dragon4_scientific, arrayprint.dtype_short_repr = saved


# --- cases ------------------------------------------------------------------------------------

cases = []


def add(name, base, order="C", ops=(), dtype=None):
    """Record base (a NumPy array, or bfloat16 bits as uint16 with dtype='bfloat16') and views."""
    base = np.array(base, order="C")  # not ascontiguousarray, which makes 0-d arrays 1-d
    a = np.asfortranarray(base) if order == "F" else base
    for op in ops:
        kind = op[0]
        if kind == "transpose":
            a = a.transpose(*op[1]) if op[1] else a.T
        elif kind == "slice":
            a = a[tuple(slice(*r) for r in op[1])]
        elif kind == "select":
            a = a[(slice(None),) * op[1] + (op[2],)]
        elif kind == "broadcast":
            a = np.broadcast_to(a, op[1])
        else:
            raise ValueError(kind)
    if dtype == "bfloat16":
        text = bf16_repr(a)
    else:
        dtype = a.dtype.name
        text = repr(a)
    cases.append({
        "name": name,
        "dtype": dtype,
        "shape": list(base.shape),
        "data": base.tobytes().hex(),
        "order": order,
        "ops": [list(op) for op in ops],
        "repr": text,
    })


def bf16(name, values, **kw):
    add(name, bf16_bits(values), dtype="bfloat16", **kw)


def main():
    check_port()
    rng = np.random.RandomState(1234)
    nan, inf = np.nan, np.inf

    # The seed article's arrays.
    np.random.seed(0)
    add("article x randn(1,9,9,1) float32", np.random.randn(1, 9, 9, 1).astype(np.float32))
    add("article z_l2 float32", np.array([[1.6031268, 1.1616374], [1.5910958, 2.1035302]], dtype=np.float32))

    # 0-d.
    add("0-d float64", np.array(1.5))
    add("0-d float32", np.array(1.5, np.float32))
    add("0-d float16", np.array(-0.1, np.float16))
    bf16("0-d bfloat16", np.array(3.14159, np.float32))
    add("0-d int64", np.array(-7))
    add("0-d int32", np.array(42, np.int32))
    add("0-d uint8", np.array(3, np.uint8))
    add("0-d int8", np.array(-128, np.int8))
    add("0-d bool", np.array(True))
    add("0-d float64 nan", np.array(nan))
    add("0-d float32 tiny", np.array(1e-7, np.float32))
    add("0-d float64 negative zero", np.array(-0.0))

    # Empty.
    add("empty float32", np.zeros(0, np.float32))
    add("empty float64", np.zeros(0))
    add("empty int64", np.zeros(0, np.int64))
    add("empty bool", np.zeros(0, bool))
    add("empty (0,3) float32", np.zeros((0, 3), np.float32))
    add("empty (2,0,3) int64", np.zeros((2, 0, 3), np.int64))
    add("empty (3,0) float64", np.zeros((3, 0)))
    bf16("empty bfloat16", np.zeros(0, np.float32))
    add("empty via slice", np.arange(6.0).reshape(2, 3), ops=[("slice", [(None, None, None), (2, 2, None)])])

    # Positional floats: padding, trimming, signs, integral values.
    add("float64 integral", np.array([1.0, 2.0, 3.0]))
    add("float64 pad right", np.array([1.0, 2.25]))
    add("float64 pad left for sign", np.array([-1.0, 2.5]))
    add("float64 maxprec rounding", np.array([0.123456789123, 1.0 / 3, 2.0 / 3, 10.5]))
    add("float64 negative zero", np.array([-0.0, 1.0, -2.5]))
    add("float64 2-d negatives", rng.randn(4, 5) * 10)
    add("float64 3-d", rng.randn(2, 3, 4))
    add("float64 4-d", rng.randn(2, 2, 2, 3))
    add("float64 5-d", np.arange(32.0).reshape(2, 2, 2, 2, 2) / 4)
    add("float32 2-d", rng.randn(3, 4).astype(np.float32))
    add("float32 shortest digits", np.array([0.1, 0.2, 0.3, 1 / 3], np.float32))
    add("float32 large integral", np.array([16777216.0, 87654321.0, 1.5e7], np.float32))

    # Scientific notation.
    add("sci small", np.array([1e-5, 1.0]))
    add("sci ratio", np.array([1.0, 1234.5]))
    add("sci large", np.array([1.2345e10, 1.0]))
    add("sci 3-digit exponent", np.array([1e-5, 1e100]))
    add("sci negative", np.array([-1.5e-7, 2.0, 3.25e3]))
    add("sci zero", np.array([0.0, 1e-5, -2e-6]))
    add("sci float32", (rng.randn(3, 3) * 10.0 ** rng.randint(-9, 9, (3, 3))).astype(np.float32))
    add("sci float32 1e-4", np.array([1e-4, 2e-4], np.float32))
    add("sci float64 extremes", np.array([5e-324, 1.7976931348623157e308, 1.0]))

    # nan and inf.
    add("nan inf positional", np.array([nan, inf, -inf, 1.5]))
    add("nan -inf only", np.array([nan, -inf]))
    add("all nan", np.array([nan, nan], np.float32))
    add("nan inf sci float32", np.array([nan, 1e-5, inf, -3e9], np.float32))
    add("inf with wide numbers", np.array([inf, 123.25, -1.0]))

    # float16.
    add("float16 2-d", rng.randn(3, 4).astype(np.float16))
    add("float16 extremes", np.array([65504, -65504, 6e-8, 1.0, inf], np.float16))
    add("float16 large integers", np.array([65504, 49984, 2050, 100], np.float16))
    add("float16 sci", np.array([1e-5, 0.5, 3.0], np.float16))

    # bfloat16.
    bf16("bfloat16 2-d", rng.randn(3, 4).astype(np.float32))
    bf16("bfloat16 large integers", np.array([99840, 1e6, 1100, -4096], np.float32))
    bf16("bfloat16 sci", np.array([1e-5, 0.5, 3e20, -7.0], np.float32))
    bf16("bfloat16 nan inf", np.array([nan, inf, -inf, 0.1], np.float32))
    bf16("bfloat16 summarised", rng.randn(30, 40).astype(np.float32))

    # Integers and booleans.
    add("int64 widths", np.array([1, -22, 333, 4444]))
    add("int32 2-d", rng.randint(-1000, 1000, (3, 5)).astype(np.int32))
    add("int8 extremes", np.array([-128, 0, 127, -1], np.int8))
    add("uint8 all", np.arange(256, dtype=np.uint8))
    add("int64 huge", np.array([np.iinfo(np.int64).min, 0, np.iinfo(np.int64).max]))
    add("bool 1-d", np.array([True, False]))
    add("bool all true", np.array([True, True, True]))
    add("bool 3-d", rng.rand(2, 3, 4) > 0.5)

    # Wrapping, including the dtype moving to its own line.
    add("float64 long row wraps", rng.randn(30))
    add("int32 wraps", np.arange(100, dtype=np.int32))
    add("int64 wraps 2-d", np.arange(60).reshape(2, 30) * 1000)
    add("float32 2-d rows wrap", rng.randn(3, 17).astype(np.float32))
    add("float32 3-d rows wrap", rng.randn(2, 3, 20).astype(np.float32))
    for n in range(5, 40):
        a = np.linspace(0, 1, n, dtype=np.float32) + np.float32(0.5)
        if repr(a).endswith("\n      dtype=float32)"):
            add("float32 dtype on its own line", a)
            break
    else:
        raise AssertionError("no float32 case puts the dtype on its own line")
    for n in range(5, 60):
        a = (np.arange(n) % 200 - 100).astype(np.int8)
        if repr(a).endswith("\n      dtype=int8)"):
            add("int8 dtype on its own line", a)
            break
    else:
        raise AssertionError("no int8 case puts the dtype on its own line")

    # Summarisation (more than 1000 elements).
    add("float64 2000 summarised", rng.randn(2000))
    add("float32 40x40 summarised", rng.randn(40, 40).astype(np.float32))
    add("float32 10x10x20 summarised", rng.randn(10, 10, 20).astype(np.float32))
    add("int64 1001 summarised", np.arange(1001))
    add("int32 3x400 summarised", np.arange(1200, dtype=np.int32).reshape(3, 400))
    add("bool 2000 summarised", rng.rand(2000) > 0.3)
    add("float16 6x7x30 summarised", rng.randn(6, 7, 30).astype(np.float16))
    outlier = rng.rand(40, 40).astype(np.float32)
    outlier[20, 20] = 1e9  # hidden by summarisation, so it must not force scientific notation
    add("hidden outlier summarised", outlier)
    add("1000 elements not summarised", np.arange(1000, dtype=np.int32).reshape(10, 100))

    # Strided views.
    m = rng.randn(3, 4)
    add("transpose 2-d", m, ops=[("transpose", [])])
    add("transpose 3-d perm", rng.randn(2, 3, 4).astype(np.float32), ops=[("transpose", [2, 0, 1])])
    add("reverse 1-d", np.arange(10.0), ops=[("slice", [(None, None, -1)])])
    add("negative steps 2-d", np.arange(20, dtype=np.int32).reshape(4, 5), ops=[("slice", [(None, None, -2), (1, None, None)])])
    add("broadcast stride 0", np.array([1.5, -2.0, 3.25], np.float32), ops=[("broadcast", [4, 3])])
    add("broadcast column", np.array([[1], [22], [333]]), ops=[("broadcast", [3, 4])])
    add("column-major", rng.randn(3, 5), order="F")
    add("column-major transposed", np.arange(12, dtype=np.int64).reshape(3, 4), order="F", ops=[("transpose", [])])
    add("select row of 3-d", rng.randn(4, 3, 2), ops=[("select", 0, 2)])
    add("select column", np.arange(12.0).reshape(3, 4), ops=[("select", 1, -1)])
    add("slice of summarised", rng.randn(64, 48).astype(np.float32), ops=[("slice", [(2, None, 2), (None, None, -1)])])
    add("transposed summarised float16", rng.randn(30, 50).astype(np.float16), ops=[("transpose", [])])
    bf16("bfloat16 transposed", rng.randn(3, 4).astype(np.float32), ops=[("transpose", [])])

    with open(OUT, "w") as f:
        f.write("[\n")
        f.write(",\n".join(json.dumps(c, separators=(",", ":")) for c in cases))
        f.write("\n]\n")
    print("wrote %d cases to %s (%d bytes)" % (len(cases), OUT, os.path.getsize(OUT)))


if __name__ == "__main__":
    main()
