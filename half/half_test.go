package half

import (
	"math"
	"math/big"
	"os"
	"strings"
	"testing"
)

// TestKnownValues pins a few conversions worked out by hand from the IEEE 754
// binary16 and bfloat16 encodings.
func TestKnownValues(t *testing.T) {
	f16 := []struct {
		in   float32
		want Float16
	}{
		{0, 0x0000},
		{float32(math.Copysign(0, -1)), 0x8000},
		{1, 0x3c00},
		{-2, 0xc000},
		{0.1, 0x2e66},            // 0.0999755859375 is nearer than 0.10003662109375
		{65504, 0x7bff},          // largest finite
		{65519.996, 0x7bff},      // just below the overflow threshold
		{65520, 0x7c00},          // halfway to 2^16: ties to even, i.e. to Inf
		{0x1p-14, 0x0400},        // smallest normal
		{0x1p-24, 0x0001},        // smallest subnormal
		{0x1p-25, 0x0000},        // halfway between 0 and 2^-24: even is 0
		{0x1.000002p-25, 0x0001}, // one float32 ulp above that
		{0x1.8p-24, 0x0002},      // 1.5 * 2^-24: ties to even (2)
		{0x1p-26, 0x0000},
		{1 + 0x1p-11, 0x3c00}, // tie between 1 and 1+2^-10: to even (1)
		{1 + 0x3p-11, 0x3c02}, // tie between 1+2^-10 and 1+2^-9: to even
		{float32(math.Inf(-1)), 0xfc00},
	}
	for _, c := range f16 {
		if got := FromFloat32(c.in); got != c.want {
			t.Errorf("FromFloat32(%g) = %#04x, want %#04x", c.in, uint16(got), uint16(c.want))
		}
	}
	// Double rounding: via float32 this would tie and round to even (1.0).
	if got := FromFloat64(1 + 0x1p-11 + 0x1p-40); got != 0x3c01 {
		t.Errorf("FromFloat64(1+2^-11+2^-40) = %#04x, want 0x3c01", uint16(got))
	}
	bf := []struct {
		in        float32
		rne, trun BFloat16
	}{
		{1, 0x3f80, 0x3f80},
		{1.005859375, 0x3f81, 0x3f80},     // 1 + 3*2^-9: above the midpoint
		{1.00390625, 0x3f80, 0x3f80},      // 1 + 2^-8: tie, to even
		{1.01171875, 0x3f82, 0x3f81},      // 1 + 3*2^-8: tie, to even
		{math.MaxFloat32, 0x7f80, 0x7f7f}, // rounds up to Inf; truncation stays finite
		{0x1p-149, 0x0000, 0x0000},        // float32 subnormals are rounded, not flushed...
		{0x1p-133, 0x0001, 0x0001},        // ...and the smallest bfloat16 subnormal survives
		{float32(math.Inf(1)), 0x7f80, 0x7f80},
	}
	for _, c := range bf {
		if got := BFloat16FromFloat32(c.in); got != c.rne {
			t.Errorf("BFloat16FromFloat32(%g) = %#04x, want %#04x", c.in, uint16(got), uint16(c.rne))
		}
		if got := BFloat16Truncate(c.in); got != c.trun {
			t.Errorf("BFloat16Truncate(%g) = %#04x, want %#04x", c.in, uint16(got), uint16(c.trun))
		}
	}
	// Signalling NaN whose payload lies in the low 16 bits: RNE keeps it a
	// (quiet) NaN, truncation turns it into Inf.
	snan := math.Float32frombits(0x7f800001)
	if got := BFloat16FromFloat32(snan); got != 0x7fc0 {
		t.Errorf("BFloat16FromFloat32(0x7f800001) = %#04x, want 0x7fc0", uint16(got))
	}
	if got := BFloat16Truncate(snan); got != 0x7f80 {
		t.Errorf("BFloat16Truncate(0x7f800001) = %#04x, want 0x7f80", uint16(got))
	}
	consts := []struct {
		name      string
		got, want float64
	}{
		{"MaxFloat16", MaxFloat16, Float16(0x7bff).Float64()},
		{"SmallestNonzeroFloat16", SmallestNonzeroFloat16, Float16(0x0001).Float64()},
		{"MaxBFloat16", MaxBFloat16, BFloat16(0x7f7f).Float64()},
		{"SmallestNonzeroBFloat16", SmallestNonzeroBFloat16, BFloat16(0x0001).Float64()},
	}
	for _, c := range consts {
		if c.got != c.want {
			t.Errorf("%s = %g, want %g", c.name, c.got, c.want)
		}
	}
}

// TestRoundTripExhaustive: widening then narrowing gives back every float16,
// NaNs included (payloads survive both ways, as in NumPy).
func TestRoundTripExhaustive(t *testing.T) {
	all16 := make([]Float16, 65536)
	allBF := make([]BFloat16, 65536)
	for i := range all16 {
		all16[i], allBF[i] = Float16(i), BFloat16(i)
	}
	e := &errs{tb: t}
	for _, h := range all16 {
		if got := FromFloat32(h.Float32()); got != h {
			e.Errorf("FromFloat32(%#04x.Float32()) = %#04x", h, got)
		}
		if got := FromFloat64(h.Float64()); got != h {
			e.Errorf("FromFloat64(%#04x.Float64()) = %#04x", h, got)
		}
		if got, want := h.Float64(), float64(h.Float32()); !h.IsNaN() && got != want {
			e.Errorf("%#04x.Float64() = %g, Float32() = %g", h, got, want)
		}
	}
	for _, b := range allBF {
		want := b
		if b.IsNaN() {
			want |= 0x40
		}
		if got := BFloat16FromFloat32(b.Float32()); got != want {
			e.Errorf("BFloat16FromFloat32(%#04x.Float32()) = %#04x, want %#04x", b, got, want)
		}
		if got := BFloat16Truncate(b.Float32()); got != b {
			e.Errorf("BFloat16Truncate(%#04x.Float32()) = %#04x", b, got)
		}
		if b.IsNaN() {
			if got := math.Float64bits(b.Float64()); got != uint64(b&0x8000)<<48|0x7ff0000000000000|uint64(b&0x7f)<<45 {
				e.Errorf("%#04x.Float64() = %#016x, payload not carried over", b, got)
			}
		} else if got, want := b.Float64(), float64(b.Float32()); got != want {
			e.Errorf("%#04x.Float64() = %g, Float32() = %g", b, got, want)
		}
	}
	for _, im := range bulkImpls(t) {
		f32 := make([]float32, 65536)
		back16 := make([]Float16, 65536)
		im.f16ToF32(f32, all16)
		im.f32ToF16(back16, f32)
		for i, h := range back16 {
			if h != all16[i] {
				e.Errorf("%s: float16 %#04x -> float32 -> %#04x", im.name, all16[i], h)
			}
		}
		backBF := make([]BFloat16, 65536)
		im.bf16ToF32(f32, allBF)
		im.f32ToBF16(backBF, f32)
		for i, b := range backBF {
			if want := BFloat16FromFloat32(allBF[i].Float32()); b != want {
				e.Errorf("%s: bfloat16 %#04x -> float32 -> %#04x, want %#04x", im.name, allBF[i], b, want)
			}
		}
	}
}

func TestClassification(t *testing.T) {
	for i := range 65536 {
		h, b := Float16(i), BFloat16(i)
		for _, c := range []struct {
			name     string
			v        float64
			nan      bool
			inf, pos bool
			neg      bool
		}{
			{"Float16", float64(h.Float32()), h.IsNaN(), h.IsInf(0), h.IsInf(1), h.IsInf(-1)},
			{"BFloat16", float64(b.Float32()), b.IsNaN(), b.IsInf(0), b.IsInf(1), b.IsInf(-1)},
		} {
			if c.nan != math.IsNaN(c.v) || c.inf != math.IsInf(c.v, 0) || c.pos != math.IsInf(c.v, 1) || c.neg != math.IsInf(c.v, -1) {
				t.Fatalf("%s(%#04x): IsNaN=%v IsInf(0,1,-1)=%v,%v,%v disagree with math on %g", c.name, i, c.nan, c.inf, c.pos, c.neg, c.v)
			}
		}
	}
}

// TestString checks every finite value: the decimal must round back to the
// same bits under exact (big.Rat) rounding, so the conversions used inside
// String cannot hide an error, and known values must be short.
func TestString(t *testing.T) {
	r16, rbf := refs()
	exact := func(s string) *big.Rat {
		r, ok := new(big.Rat).SetString(s)
		if !ok {
			t.Fatalf("String produced %q, not a decimal", s)
		}
		return r
	}
	e := &errs{tb: t}
	for i := range 65536 {
		h, b := Float16(i), BFloat16(i)
		if !h.IsNaN() && !h.IsInf(0) {
			s := h.String()
			got := Float16(r16.round(exact(s), true))
			if h == 0x8000 {
				got = 0x8000 // big.Rat has no -0; check the sign by text
				if s != "-0" {
					e.Errorf("Float16(0x8000).String() = %q", s)
				}
			}
			if got != h || sigDigits(s) > 5 {
				e.Errorf("Float16(%#04x).String() = %q, which rounds to %#04x", h, s, got)
			}
		}
		if !b.IsNaN() && !b.IsInf(0) {
			s := b.String()
			got := BFloat16(rbf.round(exact(s), true))
			if b == 0x8000 {
				got = 0x8000
			}
			if got != b || sigDigits(s) > 4 {
				e.Errorf("BFloat16(%#04x).String() = %q, which rounds to %#04x", b, s, got)
			}
		}
	}
	for _, c := range []struct {
		got, want string
	}{
		{FromFloat32(0.1).String(), "0.1"},
		{FromFloat32(65504).String(), "65500"}, // shortest that rounds back, as NumPy prints it
		{FromFloat32(1024).String(), "1024"},
		{FromFloat32(0.333333).String(), "0.3333"},
		{Float16(0x0001).String(), "6e-08"},
		{Float16(0x7c00).String(), "+Inf"},
		{Float16(0xfc00).String(), "-Inf"},
		{Float16(0x7e00).String(), "NaN"},
		{BFloat16FromFloat32(3.14159).String(), "3.14"},
		{BFloat16(0xff80).String(), "-Inf"},
		{BFloat16(0xffc1).String(), "NaN"},
	} {
		if c.got != c.want {
			t.Errorf("String() = %q, want %q", c.got, c.want)
		}
	}
}

// sigDigits counts the significant digits of a decimal like "-1.0205e-05".
func sigDigits(s string) int {
	mant, _, _ := strings.Cut(s, "e")
	mant = strings.TrimLeft(strings.ReplaceAll(strings.TrimPrefix(mant, "-"), ".", ""), "0")
	return len(strings.TrimRight(mant, "0"))
}

// mixedInputs returns golden float32 inputs in a scrambled order, so that
// every 16-lane block mixes NaNs, infinities, subnormals and ordinary values,
// with their expected outputs.
func mixedInputs(tb testing.TB, n int) (in []float32, want16 []Float16, wantBF []BFloat16) {
	loadGolden(tb)
	var nanRows []int
	for j, f := range goldB32In {
		if f != f {
			nanRows = append(nanRows, j)
		}
	}
	in, want16, wantBF = make([]float32, n), make([]Float16, n), make([]BFloat16, n)
	for i := range n {
		j := (i*7919 + 12345) % len(goldB32In)
		if i%7 == 3 { // NaNs are rare in the golden rows; put one in every 7th lane
			j = nanRows[(i*31)%len(nanRows)]
		}
		in[i], want16[i], wantBF[i] = goldB32In[j], goldB32F16[j], goldB32BF16[j]
		if bits := math.Float32bits(in[i]); isNaN32(bits) {
			wantBF[i] = wantBF16NaN(bits)
		}
	}
	return in, want16, wantBF
}

// TestBulkLengths covers empty slices, tails shorter than a SIMD block,
// unaligned starts, and that nothing past len(src) is written.
func TestBulkLengths(t *testing.T) {
	const sentinel = 0xdead
	in, want16, wantBF := mixedInputs(t, 1100)
	nans := 0
	for _, f := range in {
		if f != f {
			nans++
		}
	}
	if nans < 16 {
		t.Fatalf("only %d NaNs in the mixed inputs; the NaN lanes would go untested", nans)
	}
	h16 := make([]Float16, len(in))
	for i := range h16 {
		h16[i] = Float16(i*40503 + 7) // all kinds of float16, NaNs included
	}
	for _, im := range bulkImpls(t) {
		for _, n := range []int{0, 1, 7, 8, 9, 15, 16, 17, 31, 32, 33, 1000 + 3} {
			for _, off := range []int{0, 1, 3, 64} {
				src, w16, wbf := in[off:off+n], want16[off:off+n], wantBF[off:off+n]
				d16 := make([]Float16, n+5)
				dbf := make([]BFloat16, n+5)
				d32 := make([]float32, n+5)
				for i := range d16 {
					d16[i], dbf[i], d32[i] = sentinel, sentinel, sentinel
				}
				// Offset the destination too, to misalign it against src.
				im.f32ToF16(d16[1:], src)
				im.f32ToBF16(dbf[1:], src)
				for i := range n {
					if d16[1+i] != w16[i] {
						t.Errorf("%s n=%d off=%d: Float32sToFloat16s[%d](%#08x) = %#04x, NumPy %#04x", im.name, n, off, i, math.Float32bits(src[i]), uint16(d16[1+i]), uint16(w16[i]))
					}
					if dbf[1+i] != wbf[i] {
						t.Errorf("%s n=%d off=%d: Float32sToBFloat16s[%d](%#08x) = %#04x, want %#04x", im.name, n, off, i, math.Float32bits(src[i]), uint16(dbf[1+i]), uint16(wbf[i]))
					}
				}
				if d16[0] != sentinel || dbf[0] != sentinel {
					t.Errorf("%s n=%d off=%d: wrote before dst", im.name, n, off)
				}
				for i := n + 1; i < len(d16); i++ {
					if d16[i] != sentinel || dbf[i] != sentinel {
						t.Errorf("%s n=%d off=%d: wrote dst[%d], past len(src)", im.name, n, off, i-1)
					}
				}

				src16 := h16[off : off+n]
				im.f16ToF32(d32[1:], src16)
				for i, h := range src16 {
					if got, want := math.Float32bits(d32[1+i]), goldF16Widen[h]; got != want {
						t.Errorf("%s n=%d off=%d: Float16sToFloat32s[%d](%#04x) = %#08x, NumPy %#08x", im.name, n, off, i, uint16(h), got, want)
					}
				}
				srcBF := make([]BFloat16, n)
				for i, h := range src16 {
					srcBF[i] = BFloat16(h)
				}
				d32b := make([]float32, n+5)
				for i := range d32b {
					d32b[i] = sentinel
				}
				im.bf16ToF32(d32b[1:], srcBF)
				for i, b := range srcBF {
					if got, want := math.Float32bits(d32b[1+i]), goldBFWiden[b]; got != want {
						t.Errorf("%s n=%d off=%d: BFloat16sToFloat32s[%d](%#04x) = %#08x, torch %#08x", im.name, n, off, i, uint16(b), got, want)
					}
				}
				for _, d := range [][]float32{d32, d32b} {
					if d[0] != sentinel {
						t.Errorf("%s n=%d off=%d: wrote before dst", im.name, n, off)
					}
					for i := n + 1; i < len(d); i++ {
						if d[i] != sentinel {
							t.Errorf("%s n=%d off=%d: wrote float32 dst[%d], past len(src)", im.name, n, off, i-1)
						}
					}
				}
			}
		}
	}
}

func TestBulkPanics(t *testing.T) {
	expectPanic := func(name string, f func()) {
		t.Helper()
		defer func() {
			t.Helper()
			r := recover()
			msg, _ := r.(string)
			if r == nil {
				t.Errorf("%s: no panic for a short dst", name)
			} else if !strings.Contains(msg, "half."+name) || !strings.Contains(msg, "len(dst) = 2") || !strings.Contains(msg, "len(src) = 3") {
				t.Errorf("%s: panic message %q", name, r)
			}
		}()
		f()
	}
	expectPanic("Float32sToFloat16s", func() { Float32sToFloat16s(make([]Float16, 2), make([]float32, 3)) })
	expectPanic("Float16sToFloat32s", func() { Float16sToFloat32s(make([]float32, 2), make([]Float16, 3)) })
	expectPanic("Float32sToBFloat16s", func() { Float32sToBFloat16s(make([]BFloat16, 2), make([]float32, 3)) })
	expectPanic("BFloat16sToFloat32s", func() { BFloat16sToFloat32s(make([]float32, 2), make([]BFloat16, 3)) })
	// nil and empty slices are fine.
	Float32sToFloat16s(nil, nil)
	Float16sToFloat32s(nil, nil)
	Float32sToBFloat16s(nil, nil)
	BFloat16sToFloat32s(nil, nil)
}

func TestNoAsmEnv(t *testing.T) {
	// The choice was made at init from the environment this process started with.
	if want := asmSupported && !noAsmFromEnv(); Accelerated() != want {
		t.Errorf("Accelerated() = %v, want %v (asmSupported=%v, TENSORGRAPH_NOASM=%q)", Accelerated(), want, asmSupported, os.Getenv("TENSORGRAPH_NOASM"))
	}
	t.Logf("asmSupported=%v Accelerated=%v", asmSupported, Accelerated())
	for v, want := range map[string]bool{"": false, "0": false, "false": false, "1": true, "true": true, "TRUE": true, "yes": false} {
		t.Setenv("TENSORGRAPH_NOASM", v)
		if got := noAsmFromEnv(); got != want {
			t.Errorf("TENSORGRAPH_NOASM=%q: noAsmFromEnv() = %v, want %v", v, got, want)
		}
	}
}
