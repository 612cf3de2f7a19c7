package random

import (
	"testing"

	"github.com/tensorgraph/tensorgraph/tensor"
)

func TestRandnTensorIsTheSeedArticlesX(t *testing.T) {
	// np.random.seed(0); np.random.randn(1, 9, 9, 1).astype(np.float32): the article's x starts
	// 1.7640524, 0.4001572, 0.978738, 2.2408931, 1.867558 and row 2 starts -0.9772779.
	x := tensor.Cast(New(0).Randn(1, 9, 9, 1), tensor.Float32)
	if !x.Shape().Equal(tensor.Shape{1, 9, 9, 1}) {
		t.Fatal(x.Shape())
	}
	for i, want := range []float32{1.7640524, 0.4001572, 0.978738, 2.2408931, 1.867558} {
		if got := tensor.Get[float32](x, 0, 0, i, 0); got != want {
			t.Errorf("x[0,0,%d,0] = %v, want %v", i, got, want)
		}
	}
	// The whole tensor equals the scalar stream drawn in row-major order.
	r := New(0)
	for i, v := range tensor.ToSlice[float32](x) {
		if want := float32(r.StandardNormal()); v != want {
			t.Fatalf("element %d = %v, scalar stream %v", i, v, want)
		}
	}
}

func TestTensorDrawsMatchScalarDraws(t *testing.T) {
	a, b := New(5), New(5)
	u := a.UniformTensor(-2, 3, 4, 5)
	for i, v := range tensor.ToSlice[float64](u) {
		if w := b.Uniform(-2, 3); v != w {
			t.Fatalf("uniform %d: %v != %v", i, v, w)
		}
	}
	ri := a.RandintTensor(0, 10, 7)
	for i, v := range tensor.ToSlice[int64](ri) {
		if w := b.Randint(0, 10); v != w {
			t.Fatalf("randint %d: %v != %v", i, v, w)
		}
	}
	if n := a.NormalTensor(1, 2, 3); n.DType() != tensor.Float64 || n.NumElements() != 3 {
		t.Error("NormalTensor shape/dtype")
	}
	if r := a.Rand(2, 2); tensor.Max(r).Item() >= 1 || tensor.Min(r).Item() < 0 {
		t.Error("Rand outside [0,1)")
	}
}

func TestNoDimsGivesScalar(t *testing.T) {
	// np.random.RandomState(0).randn() is a scalar: 1.764052345967664 (NumPy 1.24).
	x := New(0).Randn()
	if x.Rank() != 0 || x.Item() != 1.764052345967664 {
		t.Errorf("Randn() = %v with shape %v", x.Item(), x.Shape())
	}
}
