package half

// An independent, slow reference for the rounding functions: it lists every
// finite non-negative value of the target format (built with math.Ldexp from
// the format's definition, not with this package's code), finds the two
// neighbours of the exact input with big.Rat arithmetic, and picks the
// nearer one, ties to the even bit pattern, per IEEE 754 roundTiesToEven.

import (
	"math"
	"math/big"
	"sort"
	"sync"
	"testing"
)

// refFormat describes a binary floating-point format with a sign bit, expBits
// exponent bits and manBits mantissa bits.
type refFormat struct {
	manBits, bias int
	vals          []*big.Rat // vals[i] = value of bit pattern i, for i up to the pattern of +Inf
}

func newRefFormat(expBits, manBits int) *refFormat {
	bias := 1<<(expBits-1) - 1
	inf := (1<<expBits - 1) << manBits
	f := &refFormat{manBits: manBits, bias: bias, vals: make([]*big.Rat, inf+1)}
	for i := 0; i <= inf; i++ {
		e, m := i>>manBits, i&(1<<manBits-1)
		var v float64
		if e == 0 {
			v = math.Ldexp(float64(m), 1-bias-manBits)
		} else {
			// For i == inf this is 2^(emax+1): the value the next pattern would
			// have with an unbounded exponent, so that values at or above the
			// midpoint between it and the largest finite value round to Inf.
			v = math.Ldexp(float64(m|1<<manBits), e-bias-manBits)
		}
		f.vals[i] = new(big.Rat).SetFloat64(v)
	}
	return f
}

// round returns the bit pattern nearest to x (x finite, any sign); with
// nearest == false it truncates toward zero instead.
func (f *refFormat) round(x *big.Rat, nearest bool) uint16 {
	var sign uint16
	if x.Sign() < 0 {
		sign = 0x8000
		x = new(big.Rat).Neg(x)
	}
	inf := len(f.vals) - 1
	// i = the largest pattern whose value is <= x.
	i := sort.Search(len(f.vals), func(i int) bool { return f.vals[i].Cmp(x) > 0 }) - 1
	if i >= inf {
		if nearest {
			return sign | uint16(inf)
		}
		return sign | uint16(inf-1) // truncation never overflows
	}
	if !nearest || f.vals[i].Cmp(x) == 0 {
		return sign | uint16(i)
	}
	below := new(big.Rat).Sub(x, f.vals[i])
	above := new(big.Rat).Sub(f.vals[i+1], x)
	switch c := below.Cmp(above); {
	case c < 0 || c == 0 && i%2 == 0:
		return sign | uint16(i)
	default:
		return sign | uint16(i+1)
	}
}

var (
	refOnce       sync.Once
	refF16, refBF *refFormat
)

func refs() (f16, bf16 *refFormat) {
	refOnce.Do(func() {
		refF16 = newRefFormat(5, 10)
		refBF = newRefFormat(8, 7)
	})
	return refF16, refBF
}

// refFloat16NaN is NumPy's NaN rule (checked against NumPy by the golden
// tests): sign and top 10 payload bits, a zero payload becoming 1.
func refFloat16NaN(sign bool, top10 uint16) Float16 {
	h := Float16(0x7c00 | top10)
	if top10 == 0 {
		h = 0x7c01
	}
	if sign {
		h |= 0x8000
	}
	return h
}

func checkFromFloat32Ref(t *testing.T, f float32) {
	t.Helper()
	r16, rbf := refs()
	bits := math.Float32bits(f)
	var want16 Float16
	var wantBF, wantTr BFloat16
	if isNaN32(bits) {
		want16 = refFloat16NaN(bits>>31 != 0, uint16(bits>>13)&0x3ff)
		wantBF, wantTr = BFloat16(bits>>16|0x40), BFloat16(bits>>16)
	} else if math.IsInf(float64(f), 0) {
		want16, wantBF, wantTr = Float16(bits>>16&0x8000|0x7c00), BFloat16(bits>>16), BFloat16(bits>>16)
	} else {
		x := new(big.Rat).SetFloat64(float64(f))
		want16 = Float16(r16.round(x, true))
		wantBF = BFloat16(rbf.round(x, true))
		wantTr = BFloat16(rbf.round(x, false))
		if x.Sign() == 0 && math.Signbit(float64(f)) { // big.Rat has no -0
			want16, wantBF, wantTr = 0x8000, 0x8000, 0x8000
		}
	}
	if got := FromFloat32(f); got != want16 {
		t.Errorf("FromFloat32(%#08x) = %#04x, reference %#04x", bits, uint16(got), uint16(want16))
	}
	if got := BFloat16FromFloat32(f); got != wantBF {
		t.Errorf("BFloat16FromFloat32(%#08x) = %#04x, reference %#04x", bits, uint16(got), uint16(wantBF))
	}
	if got := BFloat16Truncate(f); got != wantTr {
		t.Errorf("BFloat16Truncate(%#08x) = %#04x, reference %#04x", bits, uint16(got), uint16(wantTr))
	}
}

// FuzzFromFloat32 checks FromFloat32, BFloat16FromFloat32 and
// BFloat16Truncate against the big.Rat reference, and the bulk kernels on a
// full 16-lane block built around the input against the scalar functions.
func FuzzFromFloat32(f *testing.F) {
	for _, b := range []uint32{0, 0x80000000, 0x3f800000, 0x477fefff, 0x477ff000, 0x33000000, 0x33000001,
		0x387fe000, 0x38800000, 0x7f800000, 0x7f800001, 0xffc00000, 0x7fbfffff, 0x3f808000, 0x3f818000, 0x7f7fffff} {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, bits uint32) {
		checkFromFloat32Ref(t, math.Float32frombits(bits))
		// Neighbours of the input in every lane position of a block, so NaN
		// and non-NaN lanes mix in the SIMD kernels.
		src := make([]float32, 16)
		for i := range src {
			src[i] = math.Float32frombits(bits + uint32(i)*0x00801001)
		}
		for _, im := range bulkImpls(t) {
			d16, dbf := make([]Float16, 16), make([]BFloat16, 16)
			im.f32ToF16(d16, src)
			im.f32ToBF16(dbf, src)
			for i, x := range src {
				if d16[i] != FromFloat32(x) {
					t.Errorf("%s: Float32sToFloat16s lane %d (%#08x) = %#04x, scalar %#04x", im.name, i, math.Float32bits(x), uint16(d16[i]), uint16(FromFloat32(x)))
				}
				if dbf[i] != BFloat16FromFloat32(x) {
					t.Errorf("%s: Float32sToBFloat16s lane %d (%#08x) = %#04x, scalar %#04x", im.name, i, math.Float32bits(x), uint16(dbf[i]), uint16(BFloat16FromFloat32(x)))
				}
			}
		}
	})
}

// FuzzFromFloat64 checks FromFloat64 against the big.Rat reference.
func FuzzFromFloat64(f *testing.F) {
	for _, b := range []uint64{0, 1 << 63, 0x3ff0000000000000, 0x3ff0020000000001, 0x3ff001ffffffffff,
		0x40effc0000000000, 0x40effbffffffffff, 0x3e60000000000000, 0x3e60000000000001, 0x7ff0000000000001, 0x7ff8000000000000} {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, bits uint64) {
		r16, _ := refs()
		x := math.Float64frombits(bits)
		var want Float16
		switch {
		case math.IsNaN(x):
			want = refFloat16NaN(bits>>63 != 0, uint16(bits>>42)&0x3ff)
		case math.IsInf(x, 0):
			want = Float16(bits>>48&0x8000 | 0x7c00)
		case x == 0:
			want = Float16(bits >> 48 & 0x8000)
		default:
			want = Float16(r16.round(new(big.Rat).SetFloat64(x), true))
		}
		if got := FromFloat64(x); got != want {
			t.Errorf("FromFloat64(%#016x) = %#04x, reference %#04x", bits, uint16(got), uint16(want))
		}
	})
}

// TestReferenceSample runs the reference over a deterministic sample so that
// plain `go test` compares it with the implementation beyond the fuzz seeds.
func TestReferenceSample(t *testing.T) {
	n := 200000
	if testing.Short() {
		n = 20000
	}
	for _, z := range splitmix64(99, n) {
		// Mostly around float16's range, some anywhere.
		w := uint32(z)
		if z>>32%4 != 0 {
			w = w&0x807fffff | (100+(w>>23&0xff)%46)<<23
		}
		checkFromFloat32Ref(t, math.Float32frombits(w))
		if t.Failed() {
			return
		}
	}
}
