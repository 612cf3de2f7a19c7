package vec

import "math"

// The pure-Go transcendental kernels evaluate in float64 and round once to float32. A float64
// pipeline without FMA is exact enough (relative error below 2^-36 before the final rounding)
// that the float32 results are the correctly rounded ones except in rare near-halfway cases,
// where they are off by one ulp; and it needs no FMA instruction, which pure Go cannot rely on.

const (
	ln2    = 0.693147180559945309417232121458176568
	log2e  = 1.44269504088896340735992468100189214
	ln2Hi  = 6.93147180369123816490e-01 // ln2 rounded to 32 significant bits: n*ln2Hi is exact for |n| < 2^21
	ln2Lo  = 1.90821492927058770002e-10 // ln2 - ln2Hi
	round  = 0x1.8p52                   // adding it rounds a float64 below 2^51 to an integer
	sqrt2  = 1.41421356237309504880168872420969808
	expMax = 89.0   // float32 e^x overflows to +Inf above 88.7228394
	expMin = -104.0 // and rounds to 0 below -103.972076
)

// exp64 is e^x for |x| <= 220 with relative error below 2^-37: x = n*ln2 + r, |r| <= ln2/2,
// e^r by its degree-10 Taylor polynomial (truncation r^11/11! < 2^-42), times 2^n built in
// the exponent field. Callers clamp x; NaN and Inf never reach it.
func exp64(x float64) float64 {
	t := x*log2e + round
	n := t - round
	k := int64(math.Float64bits(t) - math.Float64bits(round)) // n as an integer
	r := x - n*ln2Hi - n*ln2Lo
	p := 1 + r*(1+r*(1.0/2+r*(1.0/6+r*(1.0/24+r*(1.0/120+r*(1.0/720+r*(1.0/5040+
		r*(1.0/40320+r*(1.0/362880+r*(1.0/3628800))))))))))
	return p * math.Float64frombits(uint64(k+1023)<<52)
}

func expF32Go(dst, a []float32) {
	a = a[:len(dst)]
	for i, v := range a {
		dst[i] = expf(v)
	}
}

func expf(v float32) float32 {
	x := float64(v)
	switch {
	case x < expMin:
		return 0
	case x < expMax:
		return float32(exp64(x))
	case x == x:
		return float32(math.Inf(1))
	}
	return v + v // NaN, quieted
}

func logF32Go(dst, a []float32) {
	a = a[:len(dst)]
	for i, v := range a {
		dst[i] = logf(v)
	}
}

// logf reduces x = 2^k * m with m in [sqrt(1/2), sqrt(2)) (float64 has room for every float32
// subnormal as a normal number, so they need no special case) and evaluates
// log(m) = 2*atanh(s), s = (m-1)/(m+1), |s| <= 0.1716, as 2s + 2s*(s^2/3 + ... + s^12/13);
// the first omitted term is below 2^-38 relative.
func logf(v float32) float32 {
	if !(v > 0 && v <= math.MaxFloat32) {
		switch {
		case v == 0:
			return float32(math.Inf(-1))
		case v > 0: // +Inf
			return v
		case v < 0:
			return float32(math.NaN())
		}
		return v + v // NaN
	}
	b := math.Float64bits(float64(v))
	k := int64(b>>52) - 1023
	m := math.Float64frombits(b&(1<<52-1) | 1023<<52)
	if m > sqrt2 {
		m *= 0.5
		k++
	}
	f := m - 1
	s := f / (2 + f)
	z := s * s
	r := z * (1.0/3 + z*(1.0/5+z*(1.0/7+z*(1.0/9+z*(1.0/11+z*(1.0/13))))))
	return float32(float64(k)*ln2 + (2*s + 2*s*r))
}

func tanhF32Go(dst, a []float32) {
	a = a[:len(dst)]
	for i, v := range a {
		dst[i] = tanhf(v)
	}
}

// tanhf uses the odd Taylor series for |x| < 1/16 (first omitted term below 2^-46 relative),
// (1-e)/(1+e) with e = e^(-2|x|) up to 9.1 (1-e >= 0.117, so the cancellation costs at most
// 3 of float64's 29 spare bits) and ±1 beyond, where tanh rounds to 1 in float32.
func tanhf(v float32) float32 {
	x := float64(v)
	ax := math.Abs(x)
	var t float64
	switch {
	case ax < 1.0/16:
		if x == 0 {
			return v // keeps the sign of zero
		}
		z := x * x
		return float32(x + x*z*(-1.0/3+z*(2.0/15+z*(-17.0/315+z*(62.0/2835+z*(-1382.0/155925))))))
	case ax < 9.1:
		e := exp64(-2 * ax)
		t = (1 - e) / (1 + e)
	case ax == ax:
		t = 1
	default:
		return v + v // NaN
	}
	return float32(math.Copysign(t, x))
}

func sigmoidF32Go(dst, a []float32) {
	a = a[:len(dst)]
	for i, v := range a {
		dst[i] = sigmoidf(v)
	}
}

// sigmoidf is 1/(1+e^-x) in float64, where e^-x cannot overflow for the x that matter:
// below -110 the float32 result is 0, above 30 it is 1.
func sigmoidf(v float32) float32 {
	x := float64(v)
	switch {
	case x < -110:
		return 0
	case x < 30:
		return float32(1 / (1 + exp64(-x)))
	case x == x:
		return 1
	}
	return v + v // NaN
}

// expSubSumF32Go sets dst = exp(a - c) and returns their sum, added in float64 like the AVX2
// kernel (whose lane order is not reproduced: its exp may differ in the last bit anyway).
func expSubSumF32Go(dst, a []float32, c float32) float64 {
	a = a[:len(dst)]
	var s float64
	for i, v := range a {
		e := expf(v - c)
		dst[i] = e
		s += float64(e)
	}
	return s
}

// expSumF32Go returns the float64 sum of exp(a - c) without storing the terms.
func expSumF32Go(a []float32, c float32) float64 {
	var s float64
	for _, v := range a {
		s += float64(expf(v - c))
	}
	return s
}

// subSubF32Go sets dst = (a - c1) - c2, rounding after each subtraction.
func subSubF32Go(dst, a []float32, c1, c2 float32) {
	a = a[:len(dst)]
	for i, v := range a {
		dst[i] = (v - c1) - c2
	}
}

func expF64Go(dst, a []float64) {
	a = a[:len(dst)]
	for i, v := range a {
		dst[i] = math.Exp(v)
	}
}

func logF64Go(dst, a []float64) {
	a = a[:len(dst)]
	for i, v := range a {
		dst[i] = math.Log(v)
	}
}
