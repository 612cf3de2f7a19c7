package half

import (
	"math"
	"strconv"
)

// Float16 is an IEEE 754 binary16 value stored as its bit pattern.
type Float16 uint16

// BFloat16 is a bfloat16 value (the upper 16 bits of a float32) stored as its bit pattern.
type BFloat16 uint16

// Limits of the two formats, as untyped constants like those in package math.
const (
	MaxFloat16              = 0x1.ffcp15 // 65504
	SmallestNonzeroFloat16  = 0x1p-24    // 5.960464477539063e-08, a subnormal
	MaxBFloat16             = 0x1.fep127 // 3.3895313892515355e+38
	SmallestNonzeroBFloat16 = 0x1p-133   // 9.183549615799121e-41, a subnormal
)

// nan16 builds a float16 NaN from the top 10 bits of a wider NaN's payload
// the way NumPy does: the payload is truncated, the quiet bit is left as it
// is, and a payload that truncates to zero becomes 1 so the result is not Inf.
func nan16(payload uint16) uint16 {
	if payload == 0 {
		return 0x7c01
	}
	return 0x7c00 | payload
}

// FromFloat32 rounds f to the nearest float16, ties to even. Values whose
// magnitude is at least 65520 become ±Inf, tiny values become float16
// subnormals or ±0, and the sign of zero is kept. A NaN keeps its sign and
// the top 10 bits of its payload (a signalling NaN stays signalling); if those
// bits are all zero the result is the NaN 0x7c01 (with the sign). This is
// bit-for-bit what NumPy's float32 to float16 cast produces.
func FromFloat32(f float32) Float16 {
	b := math.Float32bits(f)
	if normal16(b) {
		return roundNormal16(b)
	}
	return fromFloat32Rare(b)
}

// normal16 reports whether float32 bits b have 2^-14 <= |f| < 2^16, where
// the result is a normal float16 or, past 65504, Inf. The bulk loop calls it
// and roundNormal16 directly because, unlike FromFloat32, they inline.
func normal16(b uint32) bool { return b&^0x80000000-0x38800000 < 0x47800000-0x38800000 }

// roundNormal16 rounds float32 bits b for which normal16 holds.
func roundNormal16(b uint32) Float16 {
	// Rebiasing the exponent in place (127 -> 15) lines the float16 bits up
	// at bit 13; a rounding carry out of the mantissa then bumps the
	// exponent, and past 65504 it lands exactly on Inf (0x7c00).
	a := b&^0x80000000 - (127-15)<<23
	a += 0xfff + (a>>13)&1
	return Float16(uint16(b>>16)&0x8000 | uint16(a>>13))
}

// fromFloat32Rare handles the results FromFloat32's fast path does not:
// subnormals, zeros, overflow, Inf and NaN.
func fromFloat32Rare(b uint32) Float16 {
	sign := uint16(b>>16) & 0x8000
	a := b &^ 0x80000000
	switch {
	case a >= 0x47800000: // |f| >= 2^16, Inf or NaN
		if a > 0x7f800000 {
			return Float16(sign | nan16(uint16(a>>13)&0x3ff))
		}
		return Float16(sign | 0x7c00)
	case a >= 0x33000000: // 2^-25 <= |f| < 2^-14: subnormal (or rounds up to the smallest normal)
		m := a&0x7fffff | 0x800000
		s := 126 - a>>23 // 14..24 bits of m fall below float16's 2^-24 unit
		q := m >> s
		rem := m & (1<<s - 1)
		half := uint32(1) << (s - 1)
		if rem > half || rem == half && q&1 != 0 {
			q++ // a carry into bit 10 yields 0x0400, the smallest normal, as it should
		}
		return Float16(sign | uint16(q))
	}
	return Float16(sign) // below half the smallest subnormal
}

// FromFloat64 rounds f to the nearest float16, ties to even, in one step
// (so there is no double rounding through float32). Overflow, underflow and
// NaN are handled as in [FromFloat32]; the NaN payload kept is the top 10 bits
// of the float64 payload. This matches NumPy's float64 to float16 cast.
func FromFloat64(f float64) Float16 {
	b := math.Float64bits(f)
	sign := uint16(b>>48) & 0x8000
	a := b &^ (1 << 63)
	switch {
	case a >= 0x40f0000000000000: // |f| >= 2^16, Inf or NaN
		if a > 0x7ff0000000000000 {
			return Float16(sign | nan16(uint16(a>>42)&0x3ff))
		}
		return Float16(sign | 0x7c00)
	case a >= 0x3f10000000000000: // |f| >= 2^-14
		a -= (1023 - 15) << 52
		a += 1<<41 - 1 + (a>>42)&1
		return Float16(sign | uint16(a>>42))
	case a >= 0x3e60000000000000: // 2^-25 <= |f| < 2^-14
		m := a&(1<<52-1) | 1<<52
		s := 1051 - a>>52 // 43..53
		q := m >> s
		rem := m & (1<<s - 1)
		half := uint64(1) << (s - 1)
		if rem > half || rem == half && q&1 != 0 {
			q++
		}
		return Float16(sign | uint16(q))
	}
	return Float16(sign)
}

// Float32 widens h exactly. Infinities and NaNs keep their sign, and a NaN's
// 10-bit payload becomes the top of the float32 payload unchanged: a
// signalling NaN is not quieted (NumPy behaves the same way), so
// FromFloat32(h.Float32()) == h for every h, NaNs included.
func (h Float16) Float32() float32 {
	if h.isNormal() {
		return h.widenNormal()
	}
	return h.float32Rare()
}

// isNormal and widenNormal are Float32's fast path, split out so that the
// bulk loop can inline them.
func (h Float16) isNormal() bool { return uint16(h&0x7fff)-0x0400 < 0x7c00-0x0400 }

func (h Float16) widenNormal() float32 {
	return math.Float32frombits(uint32(h&0x8000)<<16 | (uint32(h&0x7fff)<<13 + (127-15)<<23))
}

// float32Rare widens zeros, subnormals, infinities and NaNs.
func (h Float16) float32Rare() float32 {
	sign := uint32(h&0x8000) << 16
	a := uint32(h & 0x7fff)
	switch {
	case a >= 0x7c00:
		return math.Float32frombits(sign | 0x7f800000 | (a&0x3ff)<<13)
	case a != 0:
		// A subnormal is a * 2^-24 with a < 2^10, which float32 holds exactly.
		return math.Float32frombits(sign | math.Float32bits(float32(a)*0x1p-24))
	}
	return math.Float32frombits(sign)
}

// Float64 widens h exactly. A NaN's payload is carried over unquieted as in
// [Float16.Float32], so FromFloat64(h.Float64()) == h for every h.
func (h Float16) Float64() float64 {
	if h.IsNaN() {
		// Built from bits: a float32 to float64 conversion would quiet it.
		return math.Float64frombits(uint64(h&0x8000)<<48 | 0x7ff0000000000000 | uint64(h&0x3ff)<<42)
	}
	return float64(h.Float32())
}

// IsNaN reports whether h is a NaN.
func (h Float16) IsNaN() bool { return h&0x7fff > 0x7c00 }

// IsInf reports whether h is an infinity, according to sign: sign > 0 tests
// for +Inf, sign < 0 for -Inf, and sign == 0 for either, as math.IsInf does.
func (h Float16) IsInf(sign int) bool {
	return sign >= 0 && h == 0x7c00 || sign <= 0 && h == 0xfc00
}

// String returns the shortest decimal that converts back to h (through
// [FromFloat64]), or "NaN", "+Inf", "-Inf". Like NumPy it prints only the
// digits needed: the largest float16, 65504, prints as "65500".
func (h Float16) String() string {
	if h.IsNaN() {
		return "NaN"
	}
	return shortest(h.Float64(), func(s string) bool {
		v, err := strconv.ParseFloat(s, 64)
		return err == nil && FromFloat64(v) == h
	})
}

// BFloat16FromFloat32 rounds f to the nearest bfloat16, ties to even; finite
// values too large for bfloat16 round to ±Inf and float32 subnormals are
// rounded like any other value (not flushed to zero). Non-NaN results are
// bit-identical to PyTorch's float32 to bfloat16 conversion.
//
// A NaN is never allowed to round into an infinity: it becomes a quiet NaN
// that keeps the sign and the top 7 payload bits, with the quiet bit set
// (the upper 16 bits OR 0x0040), the usual IEEE 754 narrowing of a NaN and
// what hardware converters such as x86 VCVTNEPS2BF16 produce. For the default
// NaNs that arithmetic creates (0x7fc00000, 0xffc00000) this agrees with
// TensorFlow/Eigen's round-to-nearest-even conversion, which returns ±0x7fc0
// for every NaN. PyTorch 1.13 instead returns 0xffff for every NaN; all of
// these are NaN, but their bits differ.
func BFloat16FromFloat32(f float32) BFloat16 {
	b := math.Float32bits(f)
	if b&0x7fffffff > 0x7f800000 {
		return BFloat16(b>>16 | 0x0040)
	}
	// Adding just under half a bfloat16 ulp, plus the kept lsb, rounds to
	// nearest with ties to even; the carry may run into the exponent, which
	// is the correct result (up to and including Inf).
	return BFloat16((b + 0x7fff + (b>>16)&1) >> 16)
}

// BFloat16Truncate keeps the upper 16 bits of f, rounding toward zero, as
// TensorFlow's FloatToBFloat16 does. It is cheaper than rounding but has twice
// the error, and a NaN whose payload lies entirely in the low 16 bits
// (for example 0x7f800001) truncates to ±Inf.
func BFloat16Truncate(f float32) BFloat16 {
	return BFloat16(math.Float32bits(f) >> 16)
}

// Float32 widens b exactly (bfloat16 is a float32 with the low 16 bits cut
// off, so this is a shift; NaN payloads are preserved).
func (b BFloat16) Float32() float32 { return math.Float32frombits(uint32(b) << 16) }

// Float64 widens b exactly, NaN payloads included.
func (b BFloat16) Float64() float64 {
	if b.IsNaN() {
		return math.Float64frombits(uint64(b&0x8000)<<48 | 0x7ff0000000000000 | uint64(b&0x7f)<<45)
	}
	return float64(b.Float32())
}

// IsNaN reports whether b is a NaN.
func (b BFloat16) IsNaN() bool { return b&0x7fff > 0x7f80 }

// IsInf reports whether b is an infinity, according to sign, as math.IsInf does.
func (b BFloat16) IsInf(sign int) bool {
	return sign >= 0 && b == 0x7f80 || sign <= 0 && b == 0xff80
}

// String returns the shortest decimal that converts back to b (parsed as a
// float32 and rounded with [BFloat16FromFloat32]), or "NaN", "+Inf", "-Inf".
func (b BFloat16) String() string {
	if b.IsNaN() {
		return "NaN"
	}
	return shortest(b.Float64(), func(s string) bool {
		v, err := strconv.ParseFloat(s, 32)
		return err == nil && BFloat16FromFloat32(float32(v)) == b
	})
}

// shortest formats v with the fewest significant digits that ok accepts.
// Float16 needs at most 5 and bfloat16 at most 4, so the fallback to float32's
// own shortest form is only a safety net.
func shortest(v float64, ok func(string) bool) string {
	if math.IsInf(v, 0) {
		return strconv.FormatFloat(v, 'g', -1, 64)
	}
	for prec := 1; prec <= 9; prec++ {
		if s := strconv.FormatFloat(v, 'g', prec, 64); ok(s) {
			// Reformat the short value the way %v prints a float64, so that
			// 65504 reads "65500" rather than "6.55e+04" (NumPy prints 65500.0).
			p, _ := strconv.ParseFloat(s, 64)
			return strconv.FormatFloat(p, 'g', -1, 64)
		}
	}
	return strconv.FormatFloat(v, 'g', -1, 32)
}
