package random

import (
	"fmt"
	"math"
)

// RandomSample returns a float64 in [0, 1), like RandomState.random_sample():
// 27 bits of one draw and 26 of the next make a 53-bit multiple of 2^-53.
func (r *RandomState) RandomSample() float64 {
	// Fast path: both words are still in the key, so one bounds test
	// replaces the two that Uint32 would make.
	if p := uint(r.pos); p <= stateLen-2 {
		r.pos = int(p + 2)
		return toDouble(temper(r.key[p]), temper(r.key[p+1]))
	}
	a := r.Uint32()
	return toDouble(a, r.Uint32())
}

func toDouble(a, b uint32) float64 {
	// Every step is exact, so it does not matter whether the compiler
	// fuses it; multiplying by 2^-53 equals NumPy's division by 2^53.
	return (float64(a>>5)*67108864 + float64(b>>6)) * (1.0 / 9007199254740992)
}

// FillRandomSample fills dst with successive RandomSample values; it is the
// same stream as random_sample(size=len(dst)).
func (r *RandomState) FillRandomSample(dst []float64) {
	for i := 0; i < len(dst); {
		p := uint(r.pos)
		if p > stateLen-2 {
			dst[i] = r.RandomSample() // straddles a twist
			i++
			continue
		}
		// Convert as many pairs as the key still holds in one go.
		n := min(uint(len(dst)-i), (stateLen-p)/2)
		key := r.key[p : p+2*n]
		out := dst[i : i+int(n)]
		for j := range out {
			out[j] = toDouble(temper(key[2*j]), temper(key[2*j+1]))
		}
		r.pos = int(p + 2*n)
		i += int(n)
	}
}

// StandardNormal returns a standard normal deviate, like
// RandomState.standard_normal() and randn(): the Marsaglia polar method of
// NumPy's legacy_gauss. Each accepted pair yields two values; f*x2 is
// returned first and f*x1 is cached for the next call (Seed and SetState
// drop or replace the cache, RandomSample and the integer methods leave it).
func (r *RandomState) StandardNormal() float64 {
	if r.hasGauss {
		g := r.gauss
		r.hasGauss = false
		r.gauss = 0 // NumPy clears it too; visible through State
		return g
	}
	var x1, x2, r2 float64
	for {
		// 2*u is exact, so 2*u-1 is the same fused or not.
		x1 = 2*r.RandomSample() - 1
		x2 = 2*r.RandomSample() - 1
		// The conversions round each square on its own, as C does on
		// x86-64; a fused multiply-add would change r2 in the last bit.
		r2 = float64(x1*x1) + float64(x2*x2)
		if r2 < 1 && r2 != 0 {
			break
		}
	}
	f := math.Sqrt(-2 * logCR(r2) / r2)
	r.gauss = f * x1
	r.hasGauss = true
	return f * x2
}

// FillStandardNormal fills dst with successive StandardNormal values, the
// same stream as standard_normal(size=len(dst)).
func (r *RandomState) FillStandardNormal(dst []float64) {
	for i := range dst {
		dst[i] = r.StandardNormal()
	}
}

// Uniform returns low + (high-low)*RandomSample(), like
// RandomState.uniform(low, high). As in NumPy, low > high is allowed and
// gives values in (high, low]. It panics if high-low is not finite, where
// NumPy raises OverflowError.
func (r *RandomState) Uniform(low, high float64) float64 {
	rng := uniformRange(low, high)
	// The conversion forbids fusing into an FMA, which NumPy's C does not
	// do either (x86-64 baseline has no FMA).
	return low + float64(rng*r.RandomSample())
}

// FillUniform fills dst with successive Uniform(low, high) values, the same
// stream as uniform(low, high, size=len(dst)).
func (r *RandomState) FillUniform(dst []float64, low, high float64) {
	rng := uniformRange(low, high)
	for i := range dst {
		dst[i] = low + float64(rng*r.RandomSample())
	}
}

func uniformRange(low, high float64) float64 {
	rng := high - low
	if math.IsInf(rng, 0) || math.IsNaN(rng) {
		panic(fmt.Sprintf("random: Uniform(%v, %v): range exceeds valid bounds", low, high))
	}
	return rng
}

// Normal returns loc + scale*StandardNormal(), like
// RandomState.normal(loc, scale). It panics if scale is negative or NaN,
// where NumPy raises ValueError; scale 0 still consumes a deviate, as in
// NumPy.
func (r *RandomState) Normal(loc, scale float64) float64 {
	checkScale(scale)
	return loc + float64(scale*r.StandardNormal()) // no FMA, as in Uniform
}

// FillNormal fills dst with successive Normal(loc, scale) values, the same
// stream as normal(loc, scale, size=len(dst)).
func (r *RandomState) FillNormal(dst []float64, loc, scale float64) {
	checkScale(scale)
	for i := range dst {
		dst[i] = loc + float64(scale*r.StandardNormal())
	}
}

func checkScale(scale float64) {
	if !(scale >= 0) {
		panic(fmt.Sprintf("random: Normal: scale %v < 0", scale))
	}
}
