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

// matmulRandTensor returns a row-major tensor of the given shape with values in [-1, 1).
func matmulRandTensor(r *rand.Rand, dt tensor.DType, shape ...int) *tensor.Tensor {
	n := tensor.Shape(shape).NumElements()
	v := make([]float64, n)
	for i := range v {
		v[i] = r.Float64()*2 - 1
	}
	return tensor.Cast(tensor.FromSlice(v, shape...), dt)
}

// refMatMul computes op(a)·op(b) for rank-2 tensors in float64, and Σ|a||b| per element for
// the error bound.
func refMatMul(a, b *tensor.Tensor, transA, transB bool) (ref, mag [][]float64, k int) {
	at := func(x *tensor.Tensor, t bool, i, j int) float64 {
		if t {
			return x.Float64(j, i)
		}
		return x.Float64(i, j)
	}
	m := a.Dim(0)
	k = a.Dim(1)
	if transA {
		m, k = k, m
	}
	n := b.Dim(1)
	if transB {
		n = b.Dim(0)
	}
	ref, mag = make([][]float64, m), make([][]float64, m)
	for i := range m {
		ref[i], mag[i] = make([]float64, n), make([]float64, n)
		for j := range n {
			for p := range k {
				x := at(a, transA, i, p) * at(b, transB, p, j)
				ref[i][j] += x
				mag[i][j] += math.Abs(x)
			}
		}
	}
	return ref, mag, k
}

// checkMatMulResult compares the rank-2 tensor got with alpha·ref + beta·c0 within the dot-product
// error bound of got's dtype.
func checkMatMulResult(t *testing.T, what string, got *tensor.Tensor, ref, mag [][]float64, k int, alpha, beta float64, c0 *tensor.Tensor) {
	t.Helper()
	u := 0x1p-23
	if got.DType() == tensor.Float64 {
		u = 0x1p-52
	}
	if got.Dim(0) != len(ref) || (len(ref) > 0 && got.Dim(1) != len(ref[0])) {
		t.Fatalf("%s: result shape %v, want [%d,%d]", what, got.Shape(), len(ref), len(ref[0]))
	}
	for i := range ref {
		for j := range ref[i] {
			want := alpha * ref[i][j]
			bound := math.Abs(alpha) * mag[i][j]
			if beta != 0 {
				want += beta * c0.Float64(i, j)
				bound += math.Abs(beta * c0.Float64(i, j))
			}
			tol := float64(k+2) * u * bound
			if g := got.Float64(i, j); !(math.Abs(g-want) <= tol+1e-300) {
				t.Fatalf("%s: [%d,%d] = %g, want %g (tolerance %.3g)", what, i, j, g, want, tol)
			}
		}
	}
}

// views returns the same rows×cols matrix as several differently laid out tensors: dense,
// a transposed copy seen through Transpose, a sliced view with steps, and a reversed view.
func matmulViews(r *rand.Rand, dt tensor.DType, rows, cols int) map[string]*tensor.Tensor {
	x := matmulRandTensor(r, dt, rows, cols)
	big := tensor.New(dt, 2*rows+1, 3*cols+2)
	strided := big.Slice(tensor.RS(1, tensor.None, 2), tensor.RS(2, tensor.None, 3))
	strided.CopyFrom(x)
	rev := tensor.New(dt, rows, cols).Slice(tensor.RS(tensor.None, tensor.None, -1), tensor.RS(tensor.None, tensor.None, -1))
	rev.CopyFrom(x)
	return map[string]*tensor.Tensor{
		"dense":      x,
		"transposed": x.T().Contiguous().T(),
		"strided":    strided,
		"reversed":   rev,
	}
}

func TestMatMul2D(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for _, dt := range []tensor.DType{tensor.Float32, tensor.Float64} {
		for _, sz := range [][3]int{{1, 1, 1}, {5, 7, 3}, {17, 33, 65}, {64, 10, 130}} {
			m, n, k := sz[0], sz[1], sz[2]
			for _, transA := range []bool{false, true} {
				for _, transB := range []bool{false, true} {
					ar, ac := m, k
					if transA {
						ar, ac = k, m
					}
					br, bc := k, n
					if transB {
						br, bc = n, k
					}
					as, bs := matmulViews(r, dt, ar, ac), matmulViews(r, dt, br, bc)
					ref, mag, k := refMatMul(as["dense"], bs["dense"], transA, transB)
					for an, a := range as {
						for bn, b := range bs {
							c := MatMul(a, b, transA, transB)
							if !c.IsContiguous() || c.DType() != dt {
								t.Fatalf("result is %v with strides %v, want a row-major %v tensor", c.DType(), c.Strides(), dt)
							}
							checkMatMulResult(t, fmt.Sprintf("%v %v a:%s%v b:%s%v", dt, sz, an, transA, bn, transB), c, ref, mag, k, 1, 0, nil)
						}
					}
				}
			}
		}
	}
}

// TestMatMulBatched checks broadcasting of batch axes against per-batch rank-2 products.
func TestMatMulBatched(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	cases := []struct {
		a, b, want []int
		ta, tb     bool
	}{
		{[]int{2, 1, 3, 4}, []int{5, 4, 6}, []int{2, 5, 3, 6}, false, false},
		{[]int{2, 1, 4, 3}, []int{5, 6, 4}, []int{2, 5, 3, 6}, true, true},
		{[]int{3, 4}, []int{7, 4, 2}, []int{7, 3, 2}, false, false},
		{[]int{6, 3, 4}, []int{4, 5}, []int{6, 3, 5}, false, false},
		{[]int{40, 8, 8}, []int{40, 8, 8}, []int{40, 8, 8}, false, true}, // many small: batch-parallel path
		{[]int{2, 100, 120}, []int{1, 120, 110}, []int{2, 100, 110}, false, false},
		{[]int{0, 3, 4}, []int{4, 5}, []int{0, 3, 5}, false, false},
	}
	for _, tc := range cases {
		for _, dt := range []tensor.DType{tensor.Float32, tensor.Float64} {
			a, b := matmulRandTensor(r, dt, tc.a...), matmulRandTensor(r, dt, tc.b...)
			c := MatMul(a, b, tc.ta, tc.tb)
			if !c.Shape().Equal(tc.want) {
				t.Fatalf("%v x %v: shape %v, want %v", tc.a, tc.b, c.Shape(), tc.want)
			}
			batch := tensor.Shape(tc.want[:len(tc.want)-2])
			for bi := range batch.NumElements() {
				idx := make([]int, len(batch))
				for ax, rest := len(batch)-1, bi; ax >= 0; ax-- {
					idx[ax], rest = rest%batch[ax], rest/batch[ax]
				}
				ref, mag, k := refMatMul(matmulSelectBatch(a, idx), matmulSelectBatch(b, idx), tc.ta, tc.tb)
				checkMatMulResult(t, fmt.Sprintf("%v %v x %v batch %v", dt, tc.a, tc.b, idx), matmulSelectBatch(c, idx), ref, mag, k, 1, 0, nil)
			}
		}
	}
}

// matmulSelectBatch picks the matrix of x at a broadcast batch index (aligned from the right, size-1
// axes repeating).
func matmulSelectBatch(x *tensor.Tensor, idx []int) *tensor.Tensor {
	nb := x.Rank() - 2
	for ax := range nb {
		i := idx[len(idx)-nb+ax]
		if x.Dim(0) == 1 {
			i = 0
		}
		x = x.Select(0, i)
	}
	return x
}

// TestMatMulBroadcastView uses an operand whose batch axis is a stride-0 broadcast view and a
// batch of transposed views.
func TestMatMulBroadcastView(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 16))
	w := matmulRandTensor(r, tensor.Float32, 4, 6)
	wb := w.BroadcastTo(3, 4, 6) // strides [0, 6, 1]
	x := matmulRandTensor(r, tensor.Float32, 3, 5, 4).Transpose(0, 2, 1).Contiguous().Transpose(0, 2, 1)
	c := MatMul(x, wb, false, false)
	for i := range 3 {
		ref, mag, k := refMatMul(x.Select(0, i), w, false, false)
		checkMatMulResult(t, fmt.Sprintf("batch %d", i), c.Select(0, i), ref, mag, k, 1, 0, nil)
	}
}

func TestMatMulInto(t *testing.T) {
	r := rand.New(rand.NewPCG(17, 18))
	for _, dt := range []tensor.DType{tensor.Float32, tensor.Float64} {
		a, b := matmulRandTensor(r, dt, 2, 9, 11), matmulRandTensor(r, dt, 11, 7)
		ab := []*tensor.Tensor{a.Select(0, 0), a.Select(0, 1)}
		for _, ab2 := range [][2]float64{{1, 0}, {0.5, -1}, {-1, 1}, {0, 2}} {
			alpha, beta := ab2[0], ab2[1]
			// c is a strided view: every other column of a wider buffer.
			buf := matmulRandTensor(r, dt, 2, 9, 15)
			c := buf.Slice(tensor.Whole(), tensor.Whole(), tensor.RS(0, 14, 2))
			c0 := c.Clone()
			gap := buf.Float64(1, 3, 1)
			if beta == 0 {
				c.CopyFrom(tensor.Full(dt, math.NaN(), 2, 9, 7))
			}
			MatMulInto(c, a, b, false, false, alpha, beta)
			for i := range 2 {
				ref, mag, k := refMatMul(ab[i], b, false, false)
				checkMatMulResult(t, fmt.Sprintf("%v alpha=%v beta=%v batch %d", dt, alpha, beta, i), c.Select(0, i), ref, mag, k, alpha, beta, c0.Select(0, i))
			}
			// The columns between c's are untouched.
			if got := buf.Float64(1, 3, 1); got != gap {
				t.Errorf("gap element changed from %v to %v", gap, got)
			}
		}
	}
}

// TestMatMulThreads runs one product large enough to be split with one and two threads.
func TestMatMulThreads(t *testing.T) {
	r := rand.New(rand.NewPCG(19, 20))
	prev := parallel.Threads()
	defer parallel.SetThreads(prev)
	oldInline := gemmInlineFlops
	gemmInlineFlops = 0
	defer func() { gemmInlineFlops = oldInline }()
	a, b := matmulRandTensor(r, tensor.Float32, 150, 170), matmulRandTensor(r, tensor.Float32, 170, 90)
	ref, mag, k := refMatMul(a, b, false, false)
	for _, th := range []int{1, 2} {
		parallel.SetThreads(th)
		checkMatMulResult(t, fmt.Sprintf("threads=%d", th), MatMul(a, b, false, false), ref, mag, k, 1, 0, nil)
	}
}

func TestMatMulErrors(t *testing.T) {
	f32 := func(shape ...int) *tensor.Tensor { return tensor.New(tensor.Float32, shape...) }
	cases := []struct {
		name string
		f    func()
		kind error
		want string
	}{
		{"inner", func() { MatMul(f32(64, 784), f32(128, 10), false, false) }, tensor.ErrShape,
			"MatMul: inner dimensions differ: a is [64,784], b is [128,10]"},
		{"inner transposed", func() { MatMul(f32(64, 784), f32(128, 10), true, false) }, tensor.ErrShape,
			"MatMul: inner dimensions differ: a is [64,784] (transposed), b is [128,10]"},
		{"rank", func() { MatMul(f32(3), f32(3, 2), false, false) }, tensor.ErrShape,
			"MatMul: a has shape [3]; want rank 2 or more"},
		{"batch", func() { MatMul(f32(2, 3, 4), f32(3, 4, 5), false, false) }, tensor.ErrShape,
			"MatMul: batch dimensions do not broadcast: a is [2,3,4], b is [3,4,5]"},
		{"dtype", func() { MatMul(tensor.New(tensor.Int32, 2, 2), tensor.New(tensor.Int32, 2, 2), false, false) }, tensor.ErrDType,
			"MatMul: unsupported dtype int32 (want float32 or float64)"},
		{"mixed", func() { MatMul(f32(2, 2), tensor.New(tensor.Float64, 2, 2), false, false) }, tensor.ErrDType,
			"MatMul: a is float32, b is float64"},
		{"into shape", func() { MatMulInto(f32(2, 3), f32(2, 4), f32(4, 2), false, false, 1, 0) }, tensor.ErrShape,
			"MatMulInto: c has shape [2,3], the product has shape [2,2]"},
		{"into broadcast", func() { MatMulInto(f32(1, 2).BroadcastTo(2, 2), f32(2, 4), f32(4, 2), false, false, 1, 0) }, tensor.ErrArgument,
			"MatMulInto: c has stride 0 along axis 0 of size 2"},
		{"into dtype", func() { MatMulInto(tensor.New(tensor.Float64, 2, 2), f32(2, 4), f32(4, 2), false, false, 1, 0) }, tensor.ErrDType,
			"MatMulInto: c is float64, operands are float32"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				err, ok := recover().(*tensor.Error)
				if !ok {
					t.Fatalf("did not panic with a *tensor.Error")
				}
				if !errors.Is(err, tc.kind) || !strings.HasPrefix(err.Error(), tc.want) {
					t.Errorf("got %q (kind %v), want prefix %q (kind %v)", err, err.Kind, tc.want, tc.kind)
				}
			}()
			tc.f()
		})
	}
}

// TestMatMulEmpty covers zero-sized dimensions: k == 0 gives zeros, m or n == 0 an empty result.
func TestMatMulEmpty(t *testing.T) {
	c := MatMul(tensor.New(tensor.Float64, 2, 0), tensor.New(tensor.Float64, 0, 3), false, false)
	if !c.Shape().Equal(tensor.Shape{2, 3}) || fmt.Sprint(tensor.ToSlice[float64](c)) != "[0 0 0 0 0 0]" {
		t.Errorf("k=0: got %v %v", c.Shape(), tensor.ToSlice[float64](c))
	}
	c = MatMul(tensor.New(tensor.Float32, 0, 4), tensor.New(tensor.Float32, 4, 3), false, false)
	if !c.Shape().Equal(tensor.Shape{0, 3}) {
		t.Errorf("m=0: shape %v", c.Shape())
	}
}
