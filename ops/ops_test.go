package ops_test

import (
	"errors"
	"fmt"
	"math"
	"testing"

	"github.com/tensorgraph/tensorgraph/op"
	"github.com/tensorgraph/tensorgraph/ops"
	"github.com/tensorgraph/tensorgraph/ops/opcheck"
	"github.com/tensorgraph/tensorgraph/tensor"
)

// TestGradientsNumerically checks every row of the opcheck table against float64 central
// differences.
func TestGradientsNumerically(t *testing.T) {
	for _, r := range opcheck.Run(0) {
		if r.Err != nil {
			t.Fatalf("%s: %v", r.Case.Name, r.Err)
		}
		// Central differences with delta 1e-6 in float64 are good to about 1e-8 here.
		if r.MaxRelErr > 1e-6 {
			t.Errorf("%s: gradient error %.3g (%s)", r.Case.Name, r.MaxRelErr, r.Worst)
		}
	}
}

// TestEveryDifferentiableOpIsChecked fails when an op with a gradient rule has no row in the
// opcheck table.
func TestEveryDifferentiableOpIsChecked(t *testing.T) {
	for _, name := range opcheck.Uncovered() {
		t.Errorf("op %s has a gradient rule but no gradient check", name)
	}
}

func TestForwardValues(t *testing.T) {
	// Hand-computed: [[1,2],[3,4]]·[[5,6],[7,8]] = [[19,22],[43,50]].
	a := ops.Const(tensor.FromSlice([]float32{1, 2, 3, 4}, 2, 2))
	b := ops.Const(tensor.FromSlice([]float32{5, 6, 7, 8}, 2, 2))
	if got := fmt.Sprint(tensor.ToSlice[float32](ops.MatMul(a, b, false, false).Tensor())); got != "[19 22 43 50]" {
		t.Errorf("MatMul = %s", got)
	}
	// aᵀ·b = [[1,3],[2,4]]·[[5,6],[7,8]] = [[26,30],[38,44]].
	if got := fmt.Sprint(tensor.ToSlice[float32](ops.MatMul(a, b, true, false).Tensor())); got != "[26 30 38 44]" {
		t.Errorf("MatMul ta = %s", got)
	}
	s := ops.Sum(ops.Add(a, ops.Const(tensor.FromSlice([]float32{10, 20}))), 0) // [[11,22],[13,24]] summed over rows
	if got := fmt.Sprint(tensor.ToSlice[float32](s.Tensor())); got != "[24 46]" {
		t.Errorf("Sum(Add) = %s", got)
	}
	r0, r1 := ops.BroadcastGradientArgs(ops.Const(tensor.FromSlice([]int64{2, 1, 3})), ops.Const(tensor.FromSlice([]int64{4, 1})))
	// Broadcast to [2,4,3]: the first was broadcast along axis 1, the second along 0 and 2.
	if fmt.Sprint(tensor.ToSlice[int64](r0.Tensor())) != "[1]" || fmt.Sprint(tensor.ToSlice[int64](r1.Tensor())) != "[0 2]" {
		t.Errorf("BroadcastGradientArgs = %v, %v", r0, r1)
	}
}

func TestErrorsNameTheOp(t *testing.T) {
	a := ops.Const(tensor.New(tensor.Float32, 64, 784))
	b := ops.Const(tensor.New(tensor.Float32, 128, 10))
	err := tensor.Catch(func() { ops.MatMul(a, b, false, false) })
	var te *tensor.Error
	if !errors.As(err, &te) || te.Op != "MatMul" || !errors.Is(err, tensor.ErrShape) {
		t.Fatalf("got %v", err)
	}
	if _, err := op.Lookup("Conv3D"); err == nil {
		t.Error("Lookup of an unregistered op succeeded")
	}
	err = tensor.Catch(func() { op.Apply(op.Must("Add"), op.Attrs{"alpha": 1}, a, a) })
	if !errors.Is(err, tensor.ErrArgument) {
		t.Errorf("unknown attr: %v", err)
	}
}

func TestRegisterRejectsBadDefs(t *testing.T) {
	for name, d := range map[string]*op.OpDef{
		"duplicate":   {Name: "Add", Kernel: func([]*tensor.Tensor, op.Attrs) []*tensor.Tensor { return nil }, Infer: func([]op.Meta, op.Attrs) []op.Meta { return nil }, NotDifferentiable: true},
		"no gradient": {Name: "NoGrad", Kernel: func([]*tensor.Tensor, op.Attrs) []*tensor.Tensor { return nil }, Infer: func([]op.Meta, op.Attrs) []op.Meta { return nil }},
		"no kernel":   {Name: "NoKernel", Infer: func([]op.Meta, op.Attrs) []op.Meta { return nil }, NotDifferentiable: true},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: Register did not panic", name)
				}
			}()
			op.Register(d)
		}()
	}
}

func BenchmarkEagerAdd4(b *testing.B) {
	x := ops.Const(tensor.FromSlice([]float32{1, 2, 3, 4}))
	y := ops.Const(tensor.FromSlice([]float32{5, 6, 7, 8}))
	for b.Loop() {
		ops.Add(x, y)
	}
}

func TestMathSanity(t *testing.T) {
	// exp(log(x)) = x through the registered kernels.
	x := ops.Const(tensor.FromSlice([]float64{0.5, 2, 10}))
	for i, v := range tensor.ToSlice[float64](ops.Exp(ops.Log(x)).Tensor()) {
		if math.Abs(v-[]float64{0.5, 2, 10}[i]) > 1e-12 {
			t.Errorf("exp(log) = %v", v)
		}
	}
}

func TestKernelErrorsCarryTheOpName(t *testing.T) {
	// tensor.Div's check fires inside the RealDiv kernel; the error names the op called.
	err := tensor.Catch(func() {
		ops.Div(ops.Const(tensor.New(tensor.Float32, 2, 3)), ops.Const(tensor.New(tensor.Float32, 4)))
	})
	var te *tensor.Error
	if !errors.As(err, &te) || te.Op != "RealDiv" || err.Error() != "RealDiv: shapes [2,3] and [4] are not broadcastable (in Div)" {
		t.Errorf("got %v", err)
	}
}

func TestBatchedMatMul(t *testing.T) {
	// [2,1,2,2]·[3,2,2] broadcasts to [2,3,2,2]; batch (i, j) multiplies a[i,0]·b[j].
	a := tensor.Arange(tensor.Float64, 0, 8, 1).Reshape(2, 1, 2, 2)
	b := tensor.Arange(tensor.Float64, 0, 12, 1).Reshape(3, 2, 2)
	y := ops.MatMul(ops.Const(a), ops.Const(b), false, false)
	if !y.Shape().Equal(tensor.Shape{2, 3, 2, 2}) {
		t.Fatalf("shape %v", y.Shape())
	}
	// Batch (1, 2): [[4,5],[6,7]]·[[8,9],[10,11]] = [[82,91],[118,131]] by hand.
	if got := fmt.Sprint(tensor.ToSlice[float64](y.Tensor().Select(0, 1).Select(0, 2))); got != "[82 91 118 131]" {
		t.Errorf("batch (1,2) = %s", got)
	}
	err := tensor.Catch(func() { ops.MatMul(ops.Const(a), ops.Const(tensor.New(tensor.Float64, 5, 4, 2, 2)), false, false) })
	if !errors.Is(err, tensor.ErrShape) {
		t.Errorf("batch dims [2,1] and [5,4] do not broadcast: %v", err)
	}
}
