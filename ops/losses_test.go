package ops_test

import (
	"errors"
	"testing"

	"github.com/tensorgraph/tensorgraph/op"
	"github.com/tensorgraph/tensorgraph/ops"
	"github.com/tensorgraph/tensorgraph/tape"
	"github.com/tensorgraph/tensorgraph/tensor"
)

// PyTorch 1.13, float64:
//
//	l = torch.tensor([[1., 2., 3.], [1000., 0., -1000.]], dtype=torch.float64)
//	lab = torch.tensor([[0.2, 0.3, 0.5], [0., 1., 0.]], dtype=torch.float64)
//	-(lab*torch.log_softmax(l,-1)).sum(-1)                      # [1.1076059644443805, 1000.0]
//	F.cross_entropy(l, torch.tensor([2, 1]), reduction='none')   # [0.4076059644443804, 1000.0]
//	z = torch.tensor([0., 1., 0.5, 1.]); lg = torch.tensor([-100., 2., 0.3, 50.])
//	F.binary_cross_entropy_with_logits(lg, z, reduction='none')  # [0.0, 0.1269280110429726, 0.704355244468527, 0.0]
//	yt = [[1., 2., 3.],[0., 0., 1.]]; yp = [[1.5, 2., 1.],[0.5, 0., 0.]]
//	((yp-yt)**2).mean(-1)                                        # [1.4166666666666667, 0.4166666666666667]
//	p = [[0.1, 0.6, 0.3],[0.7, 0.2, 0.1]]
//	-(lab*torch.log(p)).sum()                                    # 2.825189020325675
//
// MSE by hand: (0.25+0+4)/3 and (0.25+0+1)/3.
func TestLossValues(t *testing.T) {
	l := ops.Const(tensor.FromSlice([]float64{1, 2, 3, 1000, 0, -1000}, 2, 3))
	lab := ops.Const(tensor.FromSlice([]float64{0.2, 0.3, 0.5, 0, 1, 0}, 2, 3))
	nnClose(t, "SoftmaxCrossEntropyWithLogits", ops.SoftmaxCrossEntropyWithLogits(lab, l), []float64{1.1076059644443805, 1000.0}, 1e-14)
	sparse := []float64{0.4076059644443804, 1000.0}
	nnClose(t, "SparseSoftmaxCrossEntropyWithLogits", ops.SparseSoftmaxCrossEntropyWithLogits(ops.Const(tensor.FromSlice([]int64{2, 1})), l), sparse, 1e-14)
	l32 := ops.Const(tensor.FromSlice([]float32{1, 2, 3, 1000, 0, -1000}, 2, 3))
	nnClose(t, "SparseSoftmaxCrossEntropyWithLogits float32", ops.SparseSoftmaxCrossEntropyWithLogits(ops.Const(tensor.FromSlice([]int32{2, 1})), l32), sparse, 1e-6)
	z := nnVec(0, 1, 0.5, 1)
	lg := nnVec(-100, 2, 0.3, 50)
	nnClose(t, "SigmoidCrossEntropyWithLogits", ops.SigmoidCrossEntropyWithLogits(z, lg), []float64{0.0, 0.1269280110429726, 0.704355244468527, 0.0}, 1e-14)
	yt := ops.Const(tensor.FromSlice([]float64{1, 2, 3, 0, 0, 1}, 2, 3))
	yp := ops.Const(tensor.FromSlice([]float64{1.5, 2, 1, 0.5, 0, 0}, 2, 3))
	nnClose(t, "MeanSquaredError", ops.MeanSquaredError(yt, yp), []float64{1.4166666666666667, 0.4166666666666667}, 1e-15)
	p := ops.Const(tensor.FromSlice([]float64{0.1, 0.6, 0.3, 0.7, 0.2, 0.1}, 2, 3))
	nnClose(t, "CategoricalCrossEntropy", ops.CategoricalCrossEntropy(lab, p), []float64{2.825189020325675}, 1e-14)
}

func TestLossErrors(t *testing.T) {
	logits := ops.Const(tensor.New(tensor.Float32, 4, 3))
	nnShapeError(t, "SparseSoftmaxCrossEntropyWithLogits", func() {
		ops.SparseSoftmaxCrossEntropyWithLogits(ops.Const(tensor.New(tensor.Int64, 5)), logits)
	}, "[4,3]", "[5]")
	nnShapeError(t, "SparseSoftmaxCrossEntropyWithLogits", func() {
		ops.SparseSoftmaxCrossEntropyWithLogits(ops.Const(tensor.New(tensor.Int64, 4, 1)), logits)
	}, "[4,3]", "[4,1]")
	err := tensor.Catch(func() {
		ops.SparseSoftmaxCrossEntropyWithLogits(ops.Const(tensor.FromSlice([]int64{0, 1, 3, 2})), logits)
	})
	if !errors.Is(err, tensor.ErrIndex) {
		t.Errorf("label 3 of 3 classes: %v", err)
	}
	err = tensor.Catch(func() { ops.SparseSoftmaxCrossEntropyWithLogits(ops.Const(tensor.New(tensor.Float32, 4)), logits) })
	if !errors.Is(err, tensor.ErrDType) {
		t.Errorf("float labels: %v", err)
	}
	other := ops.Const(tensor.New(tensor.Float32, 4, 2))
	nnShapeError(t, "SoftmaxCrossEntropyWithLogits", func() { ops.SoftmaxCrossEntropyWithLogits(other, logits) }, "[4,2]", "[4,3]")
	nnShapeError(t, "SigmoidCrossEntropyWithLogits", func() { ops.SigmoidCrossEntropyWithLogits(other, logits) }, "[4,2]", "[4,3]")
	nnShapeError(t, "MeanSquaredError", func() { ops.MeanSquaredError(other, logits) }, "[4,2]", "[4,3]")
	nnShapeError(t, "CategoricalCrossEntropy", func() { ops.CategoricalCrossEntropy(other, logits) }, "[4,2]", "[4,3]")
}

// The fused sparse op's second derivative (through its backprop output) must match the
// composite dense loss with one-hot labels, whose Hessian comes from LogSoftmax's rule applied
// twice. Compared as Hessian-vector products H·v of sum(loss).
func TestSparseCrossEntropySecondDerivative(t *testing.T) {
	logits := []float64{0.5, -1, 2, 0.1, 0.3, -0.7}
	v := ops.Const(tensor.FromSlice([]float64{1, -2, 0.5, 3, 0.25, -1}, 2, 3))
	hv := func(loss func(x *op.Value) *op.Value) []float64 {
		x := ops.Const(tensor.FromSlice(logits, 2, 3))
		outer := tape.New(tape.Options{})
		outer.Watch(x)
		inner := tape.New(tape.Options{})
		inner.Watch(x)
		y := ops.Sum(loss(x))
		inner.Close()
		g, err := inner.Gradient(y, x)
		if err != nil {
			t.Fatal(err)
		}
		gv := ops.Sum(ops.Mul(g[0], v))
		outer.Close()
		h, err := outer.Gradient(gv, x)
		if err != nil {
			t.Fatal(err)
		}
		return tensor.ToSlice[float64](h[0].Tensor())
	}
	sparse := hv(func(x *op.Value) *op.Value {
		return ops.SparseSoftmaxCrossEntropyWithLogits(ops.Const(tensor.FromSlice([]int64{2, 0})), x)
	})
	onehot := ops.Const(tensor.FromSlice([]float64{0, 0, 1, 1, 0, 0}, 2, 3))
	dense := hv(func(x *op.Value) *op.Value { return ops.SoftmaxCrossEntropyWithLogits(onehot, x) })
	nnClose(t, "sparse H·v", nnVec(sparse...), dense, 1e-14)
	// The Hessian of -log softmax is diag(y) - y·yᵀ per row, independent of the labels, and
	// not zero: guard against both sides being zero.
	if sparse[0] == 0 {
		t.Errorf("H·v = %v", sparse)
	}
}
