package ops

import (
	"fmt"

	"github.com/tensorgraph/tensorgraph/kernels/cpu"
	"github.com/tensorgraph/tensorgraph/op"
	"github.com/tensorgraph/tensorgraph/tensor"
)

// Losses are composites of the nn and math ops, except sparse softmax cross-entropy: its fused
// primitive reads one log-probability per row instead of materialising one-hot labels of
// [batch, classes], and gives the backprop (softmax - onehot) from the same pass.

var sparseXentDef *op.OpDef

func init() {
	sparseXentDef = op.Register(&op.OpDef{
		Name:   "SparseSoftmaxCrossEntropyWithLogits",
		Inputs: []string{"features", "labels"},
		Infer: func(in []op.Meta, _ op.Attrs) []op.Meta {
			f, l := in[0], in[1]
			floatOnly("SparseSoftmaxCrossEntropyWithLogits", f.DType)
			if l.DType != tensor.Int32 && l.DType != tensor.Int64 {
				panic(&tensor.Error{Op: "SparseSoftmaxCrossEntropyWithLogits", Kind: tensor.ErrDType, Msg: fmt.Sprintf("labels are %v, want int32 or int64", l.DType)})
			}
			batch, classes := -1, -1
			if !f.UnknownRank && !l.UnknownRank {
				sparseXentShapes(f.Shape, l.Shape)
				batch, classes = f.Shape[0], f.Shape[1]
				if batch < 0 {
					batch = l.Shape[0]
				}
			}
			return []op.Meta{{DType: f.DType, Shape: tensor.Shape{batch}}, {DType: f.DType, Shape: tensor.Shape{batch, classes}}}
		},
		Kernel: func(in []*tensor.Tensor, _ op.Attrs) []*tensor.Tensor {
			f, l := in[0], in[1]
			floatOnly("SparseSoftmaxCrossEntropyWithLogits", f.DType())
			if l.DType() != tensor.Int32 && l.DType() != tensor.Int64 {
				panic(&tensor.Error{Op: "SparseSoftmaxCrossEntropyWithLogits", Kind: tensor.ErrDType, Msg: fmt.Sprintf("labels are %v, want int32 or int64", l.DType())})
			}
			sparseXentShapes(f.Shape(), l.Shape())
			labels := tensor.ToSlice[int64](tensor.Cast(l, tensor.Int64))
			batch, classes := f.Dim(0), f.Dim(1)
			for i, c := range labels {
				if c < 0 || c >= int64(classes) {
					panic(&tensor.Error{Op: "SparseSoftmaxCrossEntropyWithLogits", Kind: tensor.ErrIndex, Msg: fmt.Sprintf("label %d of row %d is outside [0, %d)", c, i, classes)})
				}
			}
			logp := cpu.LogSoftmax(f) // contiguous [batch, classes]
			loss := tensor.New(f.DType(), batch)
			backprop := tensor.Exp(logp).Contiguous()
			switch f.DType() {
			case tensor.Float32:
				sparseXentFill(tensor.Data[float32](loss), tensor.Data[float32](backprop), tensor.Data[float32](logp), labels, classes)
			case tensor.Float64:
				sparseXentFill(tensor.Data[float64](loss), tensor.Data[float64](backprop), tensor.Data[float64](logp), labels, classes)
			}
			return []*tensor.Tensor{loss, backprop}
		},
		// TensorFlow's rule: dlogits = backprop·g[:, None]. backprop = softmax - onehot is
		// itself an output, so a second derivative sends a gradient gb into it; its share is
		// the softmax Jacobian applied to gb, y·(gb - Σ gb·y). Labels get none.
		Grad: func(c *op.GradCall) []*op.Value {
			logits, backprop, g, gb := c.Inputs[0], c.Outputs[1], c.Grads[0], c.Grads[1]
			d := Mul(backprop, Reshape(g, op.Const(tensor.FromSlice([]int64{-1, 1}))))
			if !concreteZero(gb) {
				y := Softmax(logits)
				d = Add(d, Mul(y, Sub(gb, ReduceSum(Mul(gb, y), lastAxis(), true))))
			}
			return []*op.Value{d, nil}
		},
	})
}

// concreteZero reports whether v is an eager all-zero tensor (the zeros a tape feeds to an
// output nobody differentiated), whose contribution a gradient rule may skip.
func concreteZero(v *op.Value) bool {
	if v.IsSymbolic() {
		return false
	}
	t := v.Tensor()
	return !tensor.ToSlice[bool](tensor.Any(tensor.NotEqual(t, tensor.ScalarOf(t.DType(), 0))))[0]
}

func sparseXentFill[T float32 | float64](loss, backprop, logp []T, labels []int64, classes int) {
	for i, c := range labels {
		j := i*classes + int(c)
		loss[i] = -logp[j]
		backprop[j]--
	}
}

// sparseXentShapes checks logits [batch, classes] against labels [batch].
func sparseXentShapes(f, l tensor.Shape) {
	if len(f) != 2 || len(l) != 1 || (f[0] >= 0 && l[0] >= 0 && f[0] != l[0]) {
		panic(&tensor.Error{Op: "SparseSoftmaxCrossEntropyWithLogits", Kind: tensor.ErrShape, Msg: fmt.Sprintf("want logits [batch, classes] and labels [batch], logits are %v, labels are %v", f, l)})
	}
}

// sameShapes panics with a shape error naming the loss and both shapes unless a and b have
// the same shape (unknown dimensions, -1, match anything): losses do not broadcast labels.
func sameShapes(name, an, bn string, a, b *op.Value) {
	am, bm := a.Meta(), b.Meta()
	if am.UnknownRank || bm.UnknownRank {
		return
	}
	ok := len(am.Shape) == len(bm.Shape)
	for i := 0; ok && i < len(am.Shape); i++ {
		ok = am.Shape[i] < 0 || bm.Shape[i] < 0 || am.Shape[i] == bm.Shape[i]
	}
	if !ok {
		panic(&tensor.Error{Op: name, Kind: tensor.ErrShape, Msg: fmt.Sprintf("%s are %v, %s are %v; want the same shape", an, am.Shape, bn, bm.Shape)})
	}
}

// SoftmaxCrossEntropyWithLogits returns the per-example loss -Σ_c labels·log_softmax(logits)
// over the last axis (tf.nn.softmax_cross_entropy_with_logits): labels and logits are
// [..., classes] of one shape, the loss is [...] ([batch] for matrices). Stable for any logits,
// as LogSoftmax is; labels get a gradient too (-log_softmax(logits)). It panics naming both
// shapes when they differ.
func SoftmaxCrossEntropyWithLogits(labels, logits *op.Value) *op.Value {
	sameShapes("SoftmaxCrossEntropyWithLogits", "labels", "logits", labels, logits)
	return Neg(ReduceSum(Mul(labels, LogSoftmax(logits)), lastAxis(), false))
}

// SparseSoftmaxCrossEntropyWithLogits returns the per-example loss -log_softmax(logits)[i,
// labels[i]] (tf.nn.sparse_softmax_cross_entropy_with_logits): labels are int32 or int64
// class indices [batch] and get no gradient, logits are [batch, classes], the loss is [batch];
// the gradient for logits is (softmax(logits) - onehot(labels))·g. It panics with a shape
// error naming both shapes, or an index error for a label outside [0, classes).
func SparseSoftmaxCrossEntropyWithLogits(labels, logits *op.Value) *op.Value {
	return op.Apply(sparseXentDef, nil, logits, labels)[0]
}

// SigmoidCrossEntropyWithLogits returns the elementwise loss -z·log σ(x) - (1-z)·log(1-σ(x))
// for labels z and logits x of one shape (tf.nn.sigmoid_cross_entropy_with_logits), computed
// as TensorFlow's stable max(x, 0) - x·z + log(1 + exp(-|x|)), which is Softplus(x) - x·z.
// It panics naming both shapes when they differ.
func SigmoidCrossEntropyWithLogits(labels, logits *op.Value) *op.Value {
	sameShapes("SigmoidCrossEntropyWithLogits", "labels", "logits", labels, logits)
	return Sub(Softplus(logits), Mul(logits, labels))
}

// MeanSquaredError returns mean((yPred - yTrue)², axis=-1), the per-example loss of
// tf.keras.losses.mean_squared_error: inputs [..., d] of one shape, the loss [...]. The count d
// is taken as a sum of ones so it also works on graph values whose d is not known at build
// time. It panics naming both shapes when they differ.
func MeanSquaredError(yTrue, yPred *op.Value) *op.Value {
	sameShapes("MeanSquaredError", "yTrue", "yPred", yTrue, yPred)
	d := Sub(yPred, yTrue)
	sq := Mul(d, d)
	return Div(ReduceSum(sq, lastAxis(), false), ReduceSum(OnesLike(sq), lastAxis(), false))
}

// CategoricalCrossEntropy returns the scalar -Σ yTrue·log(yPred) summed over every element, the
// loss of the seed article (get_crossentropy: -tf.reduce_sum(y_true * tf.math.log(y_pred))),
// for probabilities yPred (a Softmax output, say) and targets yTrue of one shape. It takes
// log(yPred) directly, so yPred = 0 gives Inf; prefer SoftmaxCrossEntropyWithLogits on logits.
// It panics naming both shapes when they differ.
func CategoricalCrossEntropy(yTrue, yPred *op.Value) *op.Value {
	sameShapes("CategoricalCrossEntropy", "yTrue", "yPred", yTrue, yPred)
	return Neg(Sum(Mul(yTrue, Log(yPred))))
}
