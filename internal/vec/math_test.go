package vec

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
)

// Accuracy is measured against float64 math (math.Exp etc., accurate to about 1 float64 ulp,
// i.e. 2^-29 float32 ulps): the fractional error |got - ref| / ulp(ref) in float32 ulps, and
// the integer distance from float32(ref), the correctly rounded result except in rare
// double-rounding cases (where it can only make the distance look 1 larger or smaller).

type mathFunc struct {
	name     string
	goF, asm func(dst, a []float32)
	ref      func(x float64) float64
	maxUlp   float64 // asserted bound on both measures
}

var mathFuncs = []mathFunc{
	{"ExpF32", expF32Go, expF32AVX2, math.Exp, 2},
	{"LogF32", logF32Go, logF32AVX2, math.Log, 2},
	{"TanhF32", tanhF32Go, tanhF32AVX2, math.Tanh, 2},
	{"SigmoidF32", sigmoidF32Go, sigmoidF32AVX2, func(x float64) float64 { return 1 / (1 + math.Exp(-x)) }, 2},
}

// ord maps float32 bits to integers in the order of the values (±0 both to 0).
func ord(x float32) int64 {
	b := math.Float32bits(x)
	if b&0x80000000 != 0 {
		return -int64(b & 0x7fffffff)
	}
	return int64(b)
}

// ulpDist is the number of float32 values between got and want; NaN matches only NaN.
func ulpDist(got, want float32) int64 {
	if got != got || want != want {
		if got != got && want != want {
			return 0
		}
		return math.MaxInt32
	}
	d := ord(got) - ord(want)
	if d < 0 {
		d = -d
	}
	return d
}

// ulpErr is |got - ref| in units of the float32 ulp at ref (2^-149 in the subnormal range).
func ulpErr(got float32, ref float64) float64 {
	r32 := float32(ref)
	if ref != ref || math.IsInf(float64(r32), 0) || math.IsInf(float64(got), 0) || got != got {
		return float64(ulpDist(got, r32))
	}
	a := math.Abs(ref)
	if a == 0 {
		return math.Abs(float64(got)) / 0x1p-149
	}
	_, e := math.Frexp(a) // a in [2^(e-1), 2^e)
	return math.Abs(float64(got)-ref) / math.Ldexp(1, max(e-1, -126)-23)
}

type errStats struct {
	maxErr  float64 // fractional, vs the float64 reference
	maxErrX float32
	maxDist int64 // integer, vs float32(ref)
	maxDstX float32
	count   int64
	exact   int64 // results equal to float32(ref)
}

func (s *errStats) add(x, got float32, ref float64) {
	s.count++
	d := ulpDist(got, float32(ref))
	if d == 0 {
		s.exact++
	}
	if d > s.maxDist {
		s.maxDist, s.maxDstX = d, x
	}
	if e := ulpErr(got, ref); e > s.maxErr {
		s.maxErr, s.maxErrX = e, x
	}
}

func (s *errStats) merge(o *errStats) {
	s.count += o.count
	s.exact += o.exact
	if o.maxDist > s.maxDist {
		s.maxDist, s.maxDstX = o.maxDist, o.maxDstX
	}
	if o.maxErr > s.maxErr {
		s.maxErr, s.maxErrX = o.maxErr, o.maxErrX
	}
}

func (s *errStats) String() string {
	return fmt.Sprintf("max error %.3f ulp (x=%g), max distance from float32(ref) %d ulp (x=%g), %d of %d inputs (%.4f%%) not equal to float32(ref)",
		s.maxErr, s.maxErrX, s.maxDist, s.maxDstX, s.count-s.exact, s.count, 100*float64(s.count-s.exact)/float64(s.count))
}

// specialInputs are the edge cases of all four functions, each with its neighbours ±2 ulp
// and its negation.
func specialInputs() []float32 {
	base := []float32{0, 1, 2, 0.5, float32(math.Inf(1)), math.MaxFloat32, math.SmallestNonzeroFloat32, 0x1p-126, 0x1p-127,
		88.72283935546875, // first float32 whose exp overflows
		float32(math.Log(math.MaxFloat32)), float32(math.Log(0x1p-126)), float32(math.Log(0x1p-149)), float32(math.Log(0x1p-150)),
		104, 0.625, 9.01, 16.635532, 1e-4, 1e-8, 1e-20, float32(math.Sqrt(0.5)), float32(math.Sqrt(2)), 0.34657359, 0.69314718}
	var in []float32
	for _, v := range base {
		b := math.Float32bits(v)
		for d := -2; d <= 2; d++ {
			if bb := uint32(int64(b) + int64(d)); bb <= 0x7f800000 {
				in = append(in, math.Float32frombits(bb), -math.Float32frombits(bb))
			}
		}
	}
	for _, nb := range []uint32{0x7fc00000, 0xffc00000, 0x7f800001, 0x7fbfffff, 0xffffffff} {
		in = append(in, math.Float32frombits(nb))
	}
	return in
}

// sweep measures f on both paths over every stride-th float32 bit pattern plus the special
// inputs, in parallel chunks.
func sweep(t *testing.T, f mathFunc, stride uint64) map[string]*errStats {
	ps := paths(t)
	const chunk = 1 << 16
	total := (1<<32 + stride - 1) / stride
	nChunks := (total + chunk - 1) / chunk
	res := make(map[string]*errStats)
	for _, p := range ps {
		res[p.name] = &errStats{}
	}
	var mu sync.Mutex
	var next atomic.Uint64
	run := func(in []float32, ref []float64, out []float32, local map[string]*errStats) {
		for i, x := range in {
			ref[i] = f.ref(float64(x))
		}
		for _, p := range ps {
			k := f.goF
			if p.asm {
				k = f.asm
			}
			k(out, in)
			st := local[p.name]
			for i, x := range in {
				st.add(x, out[i], ref[i])
			}
		}
	}
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			in, out, ref := make([]float32, chunk), make([]float32, chunk), make([]float64, chunk)
			local := make(map[string]*errStats)
			for _, p := range ps {
				local[p.name] = &errStats{}
			}
			for {
				c := next.Add(1) - 1
				if c >= nChunks {
					break
				}
				g0 := c * chunk
				m := min(uint64(chunk), total-g0)
				for j := range m {
					in[j] = math.Float32frombits(uint32((g0 + j) * stride))
				}
				run(in[:m], ref[:m], out[:m], local)
			}
			mu.Lock()
			for k, v := range local {
				res[k].merge(v)
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	sp := specialInputs()
	local := make(map[string]*errStats)
	for _, p := range ps {
		local[p.name] = &errStats{}
	}
	run(sp, make([]float64, len(sp)), make([]float32, len(sp)), local)
	for k, v := range local {
		res[k].merge(v)
	}
	return res
}

// TestAccuracy sweeps every 97th float32 (all 2^32 with TENSORGRAPH_VEC_EXHAUSTIVE=1; every
// 9973rd with -short or -race) through both paths of Exp, Log, Tanh and Sigmoid.
func TestAccuracy(t *testing.T) {
	stride := uint64(97)
	switch {
	case os.Getenv("TENSORGRAPH_VEC_EXHAUSTIVE") == "1":
		stride = 1
	case testing.Short() || raceEnabled:
		stride = 9973
	}
	for _, f := range mathFuncs {
		t.Run(f.name, func(t *testing.T) {
			res := sweep(t, f, stride)
			for _, p := range paths(t) {
				st := res[p.name]
				t.Logf("%s/%s: %v", f.name, p.name, st)
				if st.maxErr > f.maxUlp || st.maxDist > int64(f.maxUlp) {
					t.Errorf("%s/%s exceeds %v ulp: %v", f.name, p.name, f.maxUlp, st)
				}
			}
		})
	}
}

// TestMathSpecials pins the documented special values on both paths.
func TestMathSpecials(t *testing.T) {
	inf, nan := float32(math.Inf(1)), float32(math.NaN())
	negz := float32(math.Copysign(0, -1))
	cases := []struct {
		name string
		in   []float32
		want []float32
	}{
		{"ExpF32", []float32{0, negz, inf, -inf, nan, 89, -104, 1e-45, -1e-45}, []float32{1, 1, inf, 0, nan, inf, 0, 1, 1}},
		{"LogF32", []float32{1, 0, negz, -1, inf, -inf, nan, 1e-45}, []float32{0, -inf, -inf, nan, inf, nan, nan, float32(math.Log(0x1p-149))}},
		{"TanhF32", []float32{0, negz, inf, -inf, nan, 20, -20, 1e-30}, []float32{0, negz, 1, -1, nan, 1, -1, 1e-30}},
		{"SigmoidF32", []float32{0, negz, inf, -inf, nan, 200, -200}, []float32{0.5, 0.5, 1, 0, nan, 1, 0}},
	}
	for _, c := range cases {
		var f mathFunc
		for _, g := range mathFuncs {
			if g.name == c.name {
				f = g
			}
		}
		for _, p := range paths(t) {
			k := f.goF
			if p.asm {
				k = f.asm
			}
			got := make([]float32, len(c.in))
			k(got, c.in)
			for i := range got {
				if !sameF32(got[i], c.want[i]) {
					t.Errorf("%s/%s(%v) = %v, want %v", c.name, p.name, c.in[i], got[i], c.want[i])
				}
			}
		}
	}
}

// TestMathTails checks that every length gives the same per-element results (the masked
// tail runs the same code as full vectors) and that nothing is written past dst.
func TestMathTails(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	long := randF32(r, 200)
	for _, f := range mathFuncs {
		for _, p := range paths(t) {
			k := f.goF
			if p.asm {
				k = f.asm
			}
			full := make([]float32, len(long))
			k(full, long)
			for _, n := range testLens() {
				if n > len(long) {
					continue
				}
				dst, buf := withGuard(n)
				k(dst, long)
				checkGuard(t, buf, n)
				in := append([]float32(nil), long[:n]...)
				k(in, in) // in place
				for i := range dst {
					if !sameF32(dst[i], full[i]) || !sameF32(in[i], full[i]) {
						t.Fatalf("%s/%s n=%d i=%d: %v (in place %v), in a longer call %v", f.name, p.name, n, i, dst[i], in[i], full[i])
					}
				}
			}
		}
	}
}

func softmaxRef(x []float32, logOut bool) []float64 {
	m := math.Inf(-1)
	for _, v := range x {
		m = math.Max(m, float64(v))
	}
	var s float64
	for _, v := range x {
		s += math.Exp(float64(v) - m)
	}
	out := make([]float64, len(x))
	for i, v := range x {
		if logOut {
			out[i] = float64(v) - m - math.Log(s)
		} else {
			out[i] = math.Exp(float64(v)-m) / s
		}
	}
	return out
}

func TestSoftmaxRows(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	ninf := float32(math.Inf(-1))
	for _, p := range paths(t) {
		for _, shape := range [][2]int{{1, 1}, {3, 5}, {4, 8}, {2, 33}, {7, 100}, {2, 1000}, {1, 70000}} {
			rows, cols := shape[0], shape[1]
			a := make([]float32, rows*cols+3)
			for i := range a {
				a[i] = float32(r.NormFloat64() * 30)
			}
			if cols > 2 {
				a[1], a[cols+1] = ninf, 1000 // -Inf entries give 0, a huge one needs the max shift
			}
			for _, logOut := range []bool{false, true} {
				dst := make([]float32, rows*cols)
				inPlace := append([]float32(nil), a...)
				if logOut {
					logSoftmaxRows(dst, a[:rows*cols], cols, p.asm)
					logSoftmaxRows(inPlace[:rows*cols], inPlace[:rows*cols], cols, p.asm)
				} else {
					softmaxRows(dst, a[:rows*cols], cols, p.asm)
					softmaxRows(inPlace[:rows*cols], inPlace[:rows*cols], cols, p.asm)
				}
				for row := range rows {
					want := softmaxRef(a[row*cols:(row+1)*cols], logOut)
					for j, w := range want {
						got := dst[row*cols+j]
						if !sameF32(got, inPlace[row*cols+j]) {
							t.Fatalf("%s log=%v %dx%d: in place differs at %d,%d", p.name, logOut, rows, cols, row, j)
						}
						// x - max is rounded to float32 before the exp, an error of up to
						// |x - max| * 2^-24 in the exponent; a few ulps more for exp, the sum
						// and the division (or log and subtraction).
						d := math.Abs(float64(a[row*cols+j]) - float64(MaxF32(a[row*cols:(row+1)*cols])))
						tol := (4e-7+d*0x1p-24)*math.Abs(w) + 1e-37
						if logOut {
							tol = 3e-7 * (math.Abs(w) + d + 1)
						}
						if math.Abs(float64(got)-w) > tol && !(math.IsInf(w, -1) && math.IsInf(float64(got), -1)) {
							t.Fatalf("%s log=%v %dx%d [%d,%d]: %v, want %v", p.name, logOut, rows, cols, row, j, got, w)
						}
					}
				}
			}
		}
		// Degenerate rows follow the formula: all -Inf or containing NaN/+Inf give NaN.
		for _, row := range [][]float32{{ninf, ninf}, {1, float32(math.NaN())}, {1, float32(math.Inf(1))}} {
			dst := make([]float32, 2)
			softmaxRows(dst, row, 2, p.asm)
			if dst[0] == dst[0] || dst[1] == dst[1] {
				t.Errorf("%s softmax(%v) = %v, want NaNs", p.name, row, dst)
			}
		}
	}
}

func TestF64Math(t *testing.T) {
	in := []float64{0, 1, -1, 700, -800, math.Inf(1), math.NaN(), 1e-310}
	e, l := make([]float64, len(in)), make([]float64, len(in))
	ExpF64(e, in)
	LogF64(l, in)
	for i, x := range in {
		if !sameF64(e[i], math.Exp(x)) || !sameF64(l[i], math.Log(x)) {
			t.Errorf("x=%v: ExpF64 %v LogF64 %v", x, e[i], l[i])
		}
	}
}
