// Package half converts between float32/float64 and the two 16-bit
// floating-point formats used for tensors: IEEE 754 binary16 ([Float16]) and
// bfloat16 ([BFloat16]). Values are stored as their bit patterns in uint16
// types, so slices of them can be written to and read from files or devices
// unchanged.
//
// # Formats
//
// Float16 has 1 sign bit, 5 exponent bits and 10 mantissa bits: 11 bits of
// precision (about 3.3 decimal digits), normal values from 2^-14 to 65504,
// and subnormals down to 2^-24. BFloat16 is the top half of a float32: the
// same 8-bit exponent (and so the same range, about 1e-38 to 3.4e38, with
// subnormals down to 2^-133) but only 8 bits of precision.
//
// # Rounding
//
// [FromFloat32], [FromFloat64] and [BFloat16FromFloat32] round to nearest,
// ties to even, handling subnormal results exactly and rounding values beyond
// the largest finite one (from halfway to the next power of two on) to ±Inf.
// FromFloat64 rounds once, directly from float64, so it never suffers the
// double-rounding error of going through float32. The float16 conversions are
// bit-for-bit identical to NumPy's casts (np.float32(x).astype(np.float16),
// likewise for float64), NaNs included, and the bfloat16 rounding is
// identical to PyTorch's for every non-NaN input; for float32 inputs the
// tests can check this for all 2^32 bit patterns. [BFloat16Truncate]
// instead keeps the top 16 bits (round toward zero), as TensorFlow's
// FloatToBFloat16 does. Widening ([Float16.Float32], [BFloat16.Float32]) is
// always exact.
//
// # NaN
//
// Float16 follows NumPy: a NaN keeps its sign and the top 10 bits of its
// payload without being quieted, so signalling NaNs stay signalling and
// FromFloat32(h.Float32()) == h holds for all 65536 bit patterns; a payload
// whose top 10 bits are zero becomes 0x7c01 (so it does not turn into Inf).
// BFloat16FromFloat32 turns a NaN into a quiet NaN with the same sign and top
// payload bits (upper 16 bits | 0x0040), as IEEE 754 narrowing and hardware
// such as x86 VCVTNEPS2BF16 do; for the default NaN 0x7fc00000 that is 0x7fc0,
// as in TensorFlow.
// PyTorch returns 0xffff for every NaN, so only NaN results differ from it.
// BFloat16Truncate can turn a NaN whose payload is only in the low 16 bits
// into Inf.
//
// # Bulk conversions and the assembly fast path
//
// [Float32sToFloat16s], [Float16sToFloat32s], [Float32sToBFloat16s] and
// [BFloat16sToFloat32s] convert whole slices and give exactly the results of
// the scalar functions. On amd64 CPUs with AVX2 and F16C (detected with
// CPUID and XGETBV at start-up) they use assembly kernels: VCVTPS2PH with
// round-to-nearest-even in its immediate (independent of MXCSR) and
// VCVTPH2PS for float16, with NaN lanes patched to NumPy's bits because the
// hardware quiets signalling NaNs, and AVX2 integer arithmetic for bfloat16.
// Elsewhere, and with the purego build tag, they run portable Go. Setting the
// environment variable TENSORGRAPH_NOASM=1 (any value strconv.ParseBool reads
// as true) before the program starts forces the Go path; it is read once,
// at package initialisation. [Accelerated] reports which path is in use.
package half

// Regenerate the golden test data (needs NumPy and PyTorch; Debian's
// python3-numpy and python3-torch were used).
//go:generate /usr/bin/python3 testdata/gen.py
