package cpu

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/tensorgraph/tensorgraph/internal/parallel"
	"github.com/tensorgraph/tensorgraph/tensor"
)

// gemmTestKernels lists every micro-kernel this machine can run, whatever TENSORGRAPH_NOASM says,
// so one test run checks both the assembly and the pure-Go paths.
func gemmTestKernels[T float32 | float64]() []*gemmKernel[T] {
	var z T
	var ks []*gemmKernel[T]
	switch any(z).(type) {
	case float32:
		if k := hwSgemmAsm(); k != nil {
			ks = append(ks, any(k).(*gemmKernel[T]))
		}
		ks = append(ks, any(sgemmGo).(*gemmKernel[T]))
	default:
		if k := hwDgemmAsm(); k != nil {
			ks = append(ks, any(k).(*gemmKernel[T]))
		}
		ks = append(ks, any(dgemmGo).(*gemmKernel[T]))
	}
	return ks
}

// gemmTinyBlocks returns a copy of kern with block sizes small enough that products of a few
// dozen rows run every loop of the blocked driver (several nc slabs, kc slices, mc blocks).
func gemmTinyBlocks[T float32 | float64](kern *gemmKernel[T]) *gemmKernel[T] {
	k := *kern
	k.name += "-tiny"
	k.kc, k.mc, k.nc = 7, 2*k.mr, 3*k.nr
	return &k
}

// mat is a strided test matrix over its own backing slice: element (i, j) is
// data[off + i*rs + j*cs].
type gemmMat[T float32 | float64] struct {
	rows, cols  int
	data        []T
	off, rs, cs int
}

func (x gemmMat[T]) at(i, j int) T { return x.data[x.off+i*x.rs+j*x.cs] }

// layout says how a test matrix is laid out in memory.
type gemmLayout int

const (
	layoutRowMajor gemmLayout = iota // rs = cols
	layoutColMajor                   // cs = rows (a transposed view)
	layoutPadded                     // rs > cols and cs = 2: a strided view with gaps
	layoutReversed                   // negative row stride: rows stored bottom-up
)

func (l gemmLayout) String() string {
	return [...]string{"row", "col", "padded", "reversed"}[l]
}

// newGemmMat fills a rows×cols matrix with values in [-1, 1) laid out as l, with fill in every
// element of the backing slice that the matrix does not use.
func newGemmMat[T float32 | float64](r *rand.Rand, rows, cols int, l gemmLayout, fill T) gemmMat[T] {
	x := gemmMat[T]{rows: rows, cols: cols}
	switch l {
	case layoutRowMajor:
		x.rs, x.cs = cols, 1
	case layoutColMajor:
		x.rs, x.cs = 1, rows
	case layoutPadded:
		x.rs, x.cs = 2*cols+3, 2
	case layoutReversed:
		x.rs, x.cs = -cols, 1
		x.off = (rows - 1) * cols
	}
	n := 1
	if rows > 0 && cols > 0 {
		n = x.off + (rows-1)*max(x.rs, 0) + (cols-1)*x.cs + 1
		if l == layoutPadded {
			n += 5
		}
	}
	x.data = make([]T, n)
	for i := range x.data {
		x.data[i] = fill
	}
	for i := range rows {
		for j := range cols {
			x.data[x.off+i*x.rs+j*x.cs] = T(r.Float64()*2 - 1)
		}
	}
	return x
}

// clone copies the backing slice.
func (x gemmMat[T]) clone() gemmMat[T] {
	y := x
	y.data = append([]T(nil), x.data...)
	return y
}

// checkGemm compares c (after the product) with alpha·A·B + beta·c0 computed in float64, with
// the error bound of a length-k dot product in T: |err| ≤ γ·(|alpha|·Σ|a||b| + |beta·c0|),
// γ = (k+2)·u (u the unit roundoff, doubled for slack). It also checks that elements of C's
// backing slice outside the matrix are untouched.
func checkGemm[T float32 | float64](t *testing.T, what string, alpha T, a, b gemmMat[T], beta T, c0, c gemmMat[T]) {
	t.Helper()
	m, n, k := c.rows, c.cols, a.cols
	u := 0x1p-23
	var z T
	if _, ok := any(z).(float64); ok {
		u = 0x1p-52
	}
	inside := make([]bool, len(c.data))
	bad := 0
	for i := range m {
		for j := range n {
			idx := c.off + i*c.rs + j*c.cs
			inside[idx] = true
			var ref, mag float64
			for p := range k {
				ab := float64(a.at(i, p)) * float64(b.at(p, j))
				ref += ab
				mag += math.Abs(ab)
			}
			ref *= float64(alpha)
			mag *= math.Abs(float64(alpha))
			if beta != 0 {
				ref += float64(beta) * float64(c0.at(i, j))
				mag += math.Abs(float64(beta) * float64(c0.at(i, j)))
			}
			got := float64(c.at(i, j))
			tol := float64(k+2)*u*mag + 1e-300
			if !(math.Abs(got-ref) <= tol) {
				if bad < 5 {
					t.Errorf("%s: C[%d,%d] = %g, want %g (tolerance %.3g)", what, i, j, got, ref, tol)
				}
				bad++
			}
		}
	}
	for idx, in := range inside {
		if !in && !(c.data[idx] == c0.data[idx] || (c.data[idx] != c.data[idx] && c0.data[idx] != c0.data[idx])) {
			t.Errorf("%s: element %d outside C changed from %g to %g", what, idx, c0.data[idx], c.data[idx])
			return
		}
	}
	if bad > 0 {
		t.Errorf("%s: %d of %d elements wrong", what, bad, m*n)
	}
}

// runGemm runs one product through the internal entry point with kernel kern.
func runGemm[T float32 | float64](kern *gemmKernel[T], alpha T, a, b gemmMat[T], beta T, c gemmMat[T]) {
	gemmStrided(kern, "Gemm", c.rows, c.cols, a.cols, alpha, a.data, a.off, a.rs, a.cs, b.data, b.off, b.rs, b.cs, beta, c.data, c.off, c.rs, c.cs)
}

func testGemmCase[T float32 | float64](t *testing.T, r *rand.Rand, kern *gemmKernel[T], m, n, k int, la, lb, lc gemmLayout, alpha, beta T) {
	t.Helper()
	a := newGemmMat[T](r, m, k, la, T(math.NaN()))
	b := newGemmMat[T](r, k, n, lb, T(math.NaN()))
	fill := T(7)
	c0 := newGemmMat[T](r, m, n, lc, fill)
	if beta == 0 {
		// beta == 0 must not read C: NaN there would otherwise show up in the result.
		for i := range m {
			for j := range n {
				c0.data[c0.off+i*c0.rs+j*c0.cs] = T(math.NaN())
			}
		}
	}
	c := c0.clone()
	runGemm(kern, alpha, a, b, beta, c)
	what := fmt.Sprintf("%s %T m=%d n=%d k=%d A:%v B:%v C:%v alpha=%v beta=%v", kern.name, alpha, m, n, k, la, lb, lc, alpha, beta)
	checkGemm(t, what, alpha, a, b, beta, c0, c)
}

var gemmTestDims = []int{1, 2, 3, 5, 7, 8, 13, 16, 17, 31, 33, 47, 64, 65, 67}

func testGemmSizes[T float32 | float64](t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	// A third of the size triples; an eighth under -race or -short, where the sweeps below and
	// the thread tests matter more than breadth.
	sample := 3
	if gemmRaceEnabled || testing.Short() {
		sample = 8
	}
	for _, kern := range gemmTestKernels[T]() {
		for _, kern := range []*gemmKernel[T]{kern, gemmTinyBlocks(kern)} {
			// Random size triples, each with a random layout of each operand.
			for _, m := range gemmTestDims {
				for _, n := range gemmTestDims {
					for _, k := range gemmTestDims {
						if r.IntN(sample) != 0 {
							continue
						}
						testGemmCase(t, r, kern, m, n, k, gemmLayout(r.IntN(4)), gemmLayout(r.IntN(4)), gemmLayout(r.IntN(4)), 1, 0)
					}
				}
			}
			// Full sweeps of one dimension with the others fixed at awkward sizes.
			for d := 1; d <= 67; d++ {
				testGemmCase(t, r, kern, d, 19, 23, layoutRowMajor, layoutRowMajor, layoutRowMajor, 1, 0)
				testGemmCase(t, r, kern, 11, d, 29, layoutRowMajor, layoutColMajor, layoutRowMajor, 1, 1)
				testGemmCase(t, r, kern, 13, 21, d, layoutColMajor, layoutRowMajor, layoutRowMajor, -1, 0.5)
			}
		}
	}
}

func TestGemmSizesFloat32(t *testing.T) { testGemmSizes[float32](t) }
func TestGemmSizesFloat64(t *testing.T) { testGemmSizes[float64](t) }

func testGemmAlphaBeta[T float32 | float64](t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	scalars := []T{0, 1, -1, 0.5}
	for _, kern := range gemmTestKernels[T]() {
		for _, kern := range []*gemmKernel[T]{kern, gemmTinyBlocks(kern)} {
			for _, alpha := range scalars {
				for _, beta := range scalars {
					for _, lc := range []gemmLayout{layoutRowMajor, layoutPadded} {
						testGemmCase(t, r, kern, 17, 35, 19, layoutRowMajor, layoutRowMajor, lc, alpha, beta)
					}
				}
			}
		}
	}
}

func TestGemmAlphaBetaFloat32(t *testing.T) { testGemmAlphaBeta[float32](t) }
func TestGemmAlphaBetaFloat64(t *testing.T) { testGemmAlphaBeta[float64](t) }

// TestGemmNoRead checks that alpha == 0 and k == 0 leave A and B unread (NaN there does not
// reach C) and give C = beta·C, and that beta == 0 then writes zeros over NaN.
func TestGemmNoRead(t *testing.T) {
	nan := float32(math.NaN())
	for _, kern := range gemmTestKernels[float32]() {
		a := []float32{nan, nan, nan, nan, nan, nan}
		b := []float32{nan, nan, nan, nan, nan, nan}
		c := []float32{1, 2, 3, 4}
		gemmStrided(kern, "Gemm", 2, 2, 3, 0, a, 0, 3, 1, b, 0, 2, 1, 2, c, 0, 2, 1)
		if want := []float32{2, 4, 6, 8}; fmt.Sprint(c) != fmt.Sprint(want) {
			t.Errorf("%s alpha=0: C = %v, want %v", kern.name, c, want)
		}
		gemmStrided(kern, "Gemm", 2, 2, 0, 1, nil, 0, 0, 1, nil, 0, 2, 1, -1, c, 0, 2, 1)
		if want := []float32{-2, -4, -6, -8}; fmt.Sprint(c) != fmt.Sprint(want) {
			t.Errorf("%s k=0: C = %v, want %v", kern.name, c, want)
		}
		c = []float32{nan, nan, nan, nan}
		gemmStrided(kern, "Gemm", 2, 2, 0, 1, nil, 0, 0, 1, nil, 0, 2, 1, 0, c, 0, 2, 1)
		if want := []float32{0, 0, 0, 0}; fmt.Sprint(c) != fmt.Sprint(want) {
			t.Errorf("%s k=0 beta=0: C = %v, want %v", kern.name, c, want)
		}
	}
	// Empty outputs touch nothing, even with nil slices.
	Gemm[float64](0, 5, 3, 1, nil, 3, 1, nil, 5, 1, 0, nil, 5, 1)
	Gemm[float64](5, 0, 3, 1, nil, 3, 1, nil, 0, 1, 0, nil, 0, 1)
}

// TestGemmThreads runs products big enough to be split over the pool, with one thread and
// with all of them, and checks both against the reference and against each other bit for bit
// (the split never changes the summation order).
func TestGemmThreads(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	prev := parallel.Threads()
	defer parallel.SetThreads(prev)
	// Split even these small products, so the work queue's ordering and waits are exercised
	// with several slabs (tinyBlocks) and column chunks.
	oldInline := gemmInlineFlops
	gemmInlineFlops = 0
	defer func() { gemmInlineFlops = oldInline }()
	type shape struct{ m, n, k int }
	shapes := []shape{{131, 97, 300}, {7, 263, 130}, {300, 5, 200}, {100, 100, 100}, {1, 1, 1}, {6, 16, 2}}
	for _, kern := range gemmTestKernels[float32]() {
		for _, kern := range []*gemmKernel[float32]{kern, gemmTinyBlocks(kern)} {
			for _, s := range shapes {
				a := newGemmMat[float32](r, s.m, s.k, layoutRowMajor, 0)
				b := newGemmMat[float32](r, s.k, s.n, layoutColMajor, 0)
				c0 := newGemmMat[float32](r, s.m, s.n, layoutRowMajor, 0)
				var results [][]float32
				for _, th := range []int{1, max(prev, 2)} {
					parallel.SetThreads(th)
					c := c0.clone()
					runGemm(kern, 1.5, a, b, 0.5, c)
					checkGemm(t, fmt.Sprintf("%s %v threads=%d", kern.name, s, th), 1.5, a, b, 0.5, c0, c)
					results = append(results, c.data)
				}
				if fmt.Sprint(results[0]) != fmt.Sprint(results[1]) {
					t.Errorf("%s %v: result depends on the thread count", kern.name, s)
				}
			}
		}
	}
}

// TestSgemmTranspose checks the BLAS-style wrappers in all four transpose combinations,
// with leading dimensions larger than the rows.
func TestSgemmTranspose(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	m, n, k := 23, 37, 41
	for _, ta := range []bool{false, true} {
		for _, tb := range []bool{false, true} {
			// Stored shapes: A is m×k or k×m, B is k×n or n×k, each with 3 columns of padding.
			ar, ac := m, k
			if ta {
				ar, ac = k, m
			}
			br, bc := k, n
			if tb {
				br, bc = n, k
			}
			lda, ldb, ldc := ac+3, bc+3, n+3
			a32 := make([]float32, ar*lda)
			b32 := make([]float32, br*ldb)
			c32 := make([]float32, m*ldc)
			for i := range a32 {
				a32[i] = float32(r.Float64()*2 - 1)
			}
			for i := range b32 {
				b32[i] = float32(r.Float64()*2 - 1)
			}
			for i := range c32 {
				c32[i] = float32(r.Float64()*2 - 1)
			}
			a64, b64, c64 := gemmTo64(a32), gemmTo64(b32), gemmTo64(c32)
			aRow, aCol := lda, 1
			if ta {
				aRow, aCol = 1, lda
			}
			bRow, bCol := ldb, 1
			if tb {
				bRow, bCol = 1, ldb
			}
			am := gemmMat[float32]{rows: m, cols: k, data: a32, rs: aRow, cs: aCol}
			bm := gemmMat[float32]{rows: k, cols: n, data: b32, rs: bRow, cs: bCol}
			c0 := gemmMat[float32]{rows: m, cols: n, data: append([]float32(nil), c32...), rs: ldc, cs: 1}
			Sgemm(ta, tb, m, n, k, 0.5, a32, lda, b32, ldb, -2, c32, ldc)
			checkGemm(t, fmt.Sprintf("Sgemm transA=%v transB=%v", ta, tb), 0.5, am, bm, -2, c0, gemmMat[float32]{rows: m, cols: n, data: c32, rs: ldc, cs: 1})

			am64 := gemmMat[float64]{rows: m, cols: k, data: a64, rs: aRow, cs: aCol}
			bm64 := gemmMat[float64]{rows: k, cols: n, data: b64, rs: bRow, cs: bCol}
			c064 := gemmMat[float64]{rows: m, cols: n, data: append([]float64(nil), c64...), rs: ldc, cs: 1}
			Dgemm(ta, tb, m, n, k, 0.5, a64, lda, b64, ldb, -2, c64, ldc)
			checkGemm(t, fmt.Sprintf("Dgemm transA=%v transB=%v", ta, tb), 0.5, am64, bm64, -2, c064, gemmMat[float64]{rows: m, cols: n, data: c64, rs: ldc, cs: 1})
		}
	}
}

func gemmTo64(x []float32) []float64 {
	y := make([]float64, len(x))
	for i, v := range x {
		y[i] = float64(v)
	}
	return y
}

func TestGemmPanics(t *testing.T) {
	a := make([]float32, 6)
	b := make([]float32, 6)
	c := make([]float32, 4)
	cases := []struct {
		name string
		f    func()
		want string
	}{
		{"short A", func() { Gemm[float32](2, 2, 3, 1, a[:5], 3, 1, b, 2, 1, 0, c, 2, 1) }, "Gemm: A is 2x3 with strides (3,1) from element 0, which reaches elements 0..5 of a slice of length 5"},
		{"negative stride", func() { Gemm[float32](2, 2, 3, 1, a, -3, 1, b, 2, 1, 0, c, 2, 1) }, "Gemm: A is 2x3 with strides (-3,1) from element 0, which reaches elements -3..2 of a slice of length 6"},
		{"short C", func() { Gemm[float32](2, 2, 3, 1, a, 3, 1, b, 2, 1, 0, c[:3], 2, 1) }, "Gemm: C is 2x2"},
		{"zero C stride", func() { Gemm[float32](2, 2, 3, 1, a, 3, 1, b, 2, 1, 0, c, 0, 1) }, "Gemm: C is 2x2 with strides (0,1): a zero stride"},
		{"negative m", func() { Gemm[float32](-1, 2, 3, 1, a, 3, 1, b, 2, 1, 0, c, 2, 1) }, "Gemm: negative dimension: m=-1 n=2 k=3"},
		{"lda", func() { Sgemm(false, false, 2, 2, 3, 1, a, 2, b, 2, 0, c, 2) }, "Sgemm: lda is 2, less than the stored row length 3"},
		{"ldb trans", func() {
			Dgemm(false, true, 2, 2, 3, 1, make([]float64, 6), 3, make([]float64, 6), 2, 0, make([]float64, 4), 2)
		}, "Dgemm: ldb is 2, less than the stored row length 3"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				r := recover()
				err, ok := r.(*tensor.Error)
				if !ok {
					t.Fatalf("panicked with %v (%T), want *tensor.Error", r, r)
				}
				if !errors.Is(err, tensor.ErrArgument) || !strings.HasPrefix(err.Error(), tc.want) {
					t.Errorf("error %q (kind %v), want prefix %q (kind ErrArgument)", err, err.Kind, tc.want)
				}
			}()
			tc.f()
		})
	}
}
