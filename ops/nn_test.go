package ops_test

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/tensorgraph/tensorgraph/op"
	"github.com/tensorgraph/tensorgraph/ops"
	"github.com/tensorgraph/tensorgraph/tape"
	"github.com/tensorgraph/tensorgraph/tensor"
)

func nnVec(v ...float64) *op.Value { return ops.Const(tensor.FromSlice(v)) }

// nnClose reports the first element of got that differs from want by more than tol·max(1,|want|).
func nnClose(t *testing.T, name string, got *op.Value, want []float64, tol float64) {
	t.Helper()
	g := tensor.ToSlice[float64](tensor.Cast(got.Tensor(), tensor.Float64))
	if len(g) != len(want) {
		t.Errorf("%s: got %d values %v, want %d", name, len(g), g, len(want))
		return
	}
	for i := range g {
		if math.Abs(g[i]-want[i]) > tol*math.Max(1, math.Abs(want[i])) {
			t.Errorf("%s[%d] = %.17g, want %.17g", name, i, g[i], want[i])
		}
	}
}

// The expected values come from PyTorch 1.13 (Debian's python3-torch) in float64, printed by
//
//	x = torch.tensor([-2., -0.5, 0.5, 1., 3., 7.], dtype=torch.float64)
//	print([float(t) for t in F.relu(x)])  # and F.relu6, F.leaky_relu(x, 0.2), F.elu, F.selu,
//	# F.gelu(x), F.gelu(x, approximate='tanh'), torch.sigmoid, torch.tanh, F.softplus, torch.erf
func TestActivationValues(t *testing.T) {
	x := nnVec(-2, -0.5, 0.5, 1, 3, 7)
	for _, c := range []struct {
		name string
		got  *op.Value
		want []float64
	}{
		{"Relu", ops.Relu(x), []float64{0.0, 0.0, 0.5, 1.0, 3.0, 7.0}},
		{"Relu6", ops.Relu6(x), []float64{0.0, 0.0, 0.5, 1.0, 3.0, 6.0}},
		{"LeakyRelu", ops.LeakyRelu(x, 0.2), []float64{-0.4, -0.1, 0.5, 1.0, 3.0, 7.0}},
		{"Elu", ops.Elu(x), []float64{-0.8646647167633873, -0.3934693402873666, 0.5, 1.0, 3.0, 7.0}},
		{"Selu", ops.Selu(x), []float64{-1.5201664685956948, -0.6917581878028713, 0.5253504936777402, 1.0507009873554805, 3.1521029620664414, 7.354906911488364}},
		{"Gelu", ops.Gelu(x, false), []float64{-0.04550026389635842, -0.15426876936299344, 0.34573123063700656, 0.841344746068543, 2.99595030590511, 6.999999999991041}},
		{"Gelu tanh", ops.Gelu(x, true), []float64{-0.04540230591222494, -0.15428599017485606, 0.34571400982514394, 0.8411919906082768, 2.996362607918227, 6.999999999999997}},
		{"Sigmoid", ops.Sigmoid(x), []float64{0.11920292202211755, 0.3775406687981454, 0.6224593312018546, 0.7310585786300049, 0.9525741268224334, 0.9990889488055994}},
		{"Tanh", ops.Tanh(x), []float64{-0.9640275800758169, -0.46211715726000974, 0.46211715726000974, 0.7615941559557649, 0.9950547536867305, 0.9999983369439447}},
		{"Softplus", ops.Softplus(x), []float64{0.1269280110429725, 0.4740769841801067, 0.9740769841801067, 1.3132616875182228, 3.048587351573742, 7.000911466453774}},
		{"Erf", ops.Erf(x), []float64{-0.9953222650189527, -0.5204998778130465, 0.5204998778130465, 0.8427007929497149, 0.9999779095030014, 1.0}},
	} {
		nnClose(t, c.name, c.got, c.want, 1e-14)
	}
	// float32 goes through the same ops (the vectorised Sigmoid/Tanh kernels): compare loosely.
	x32 := ops.Const(tensor.FromSlice([]float32{-2, -0.5, 0.5, 1, 3, 7}))
	nnClose(t, "Sigmoid float32", ops.Sigmoid(x32), []float64{0.11920292202211755, 0.3775406687981454, 0.6224593312018546, 0.7310585786300049, 0.9525741268224334, 0.9990889488055994}, 1e-6)
	nnClose(t, "Gelu float32", ops.Gelu(x32, false), []float64{-0.04550026389635842, -0.15426876936299344, 0.34573123063700656, 0.841344746068543, 2.99595030590511, 6.999999999991041}, 1e-6)
}

// PyTorch 1.13, float64:
//
//	l = torch.tensor([[1., 2., 3.], [1000., 0., -1000.]], dtype=torch.float64)
//	torch.softmax(l, -1), torch.log_softmax(l, -1)
//
// The second row checks the kernels' max subtraction: a naive exp(1000) overflows.
func TestSoftmaxValues(t *testing.T) {
	l := ops.Const(tensor.FromSlice([]float64{1, 2, 3, 1000, 0, -1000}, 2, 3))
	nnClose(t, "Softmax", ops.Softmax(l), []float64{0.09003057317038045, 0.2447284710547976, 0.6652409557748218, 1.0, 0.0, 0.0}, 1e-14)
	nnClose(t, "LogSoftmax", ops.LogSoftmax(l), []float64{-2.4076059644443806, -1.4076059644443804, -0.4076059644443804, 0.0, -1000.0, -2000.0}, 1e-14)
}

// Hand-computed: [[1,2],[3,4]] + [10,20] along the last axis.
func TestBiasAddValues(t *testing.T) {
	v := ops.Const(tensor.FromSlice([]float32{1, 2, 3, 4}, 2, 2))
	b := ops.Const(tensor.FromSlice([]float32{10, 20}))
	nnClose(t, "BiasAdd", ops.BiasAdd(v, b), []float64{11, 22, 13, 24}, 0)
	// The bias gradient sums over the batch: d/db sum(BiasAdd(v, b)·w) = column sums of w.
	w := ops.Const(tensor.FromSlice([]float32{1, 2, 3, 4}, 2, 2))
	tp := tape.New(tape.Options{})
	tp.Watch(b)
	y := ops.Sum(ops.Mul(ops.BiasAdd(v, b), w))
	tp.Close()
	g, err := tp.Gradient(y, b)
	if err != nil {
		t.Fatal(err)
	}
	nnClose(t, "BiasAdd bias gradient", g[0], []float64{4, 6}, 0)
}

// nnShapeError checks that f panics with a *tensor.Error of kind ErrShape that names op and
// mentions both shapes.
func nnShapeError(t *testing.T, opName string, f func(), shapes ...string) {
	t.Helper()
	err := tensor.Catch(f)
	var te *tensor.Error
	if !errors.As(err, &te) || te.Op != opName || !errors.Is(err, tensor.ErrShape) {
		t.Errorf("%s: got %v, want a shape error from %s", opName, err, opName)
		return
	}
	for _, s := range shapes {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("%s: error %q does not mention %s", opName, err, s)
		}
	}
}

func TestNNErrors(t *testing.T) {
	v := ops.Const(tensor.New(tensor.Float32, 4, 3))
	nnShapeError(t, "BiasAdd", func() { ops.BiasAdd(v, ops.Const(tensor.New(tensor.Float32, 5))) }, "[4,3]", "[5]")
	nnShapeError(t, "BiasAdd", func() { ops.BiasAdd(v, ops.Const(tensor.New(tensor.Float32, 1, 3))) }, "[4,3]", "[1,3]")
	nnShapeError(t, "BiasAdd", func() {
		ops.BiasAdd(ops.Const(tensor.New(tensor.Float32, 3)), ops.Const(tensor.New(tensor.Float32, 3)))
	}, "[3]")
	nnShapeError(t, "ReluGrad", func() { ops.ReluGrad(v, ops.Const(tensor.New(tensor.Float32, 3, 4))) }, "[4,3]", "[3,4]")
	nnShapeError(t, "Softmax", func() { ops.Softmax(ops.Scalar(tensor.Float32, 1)) })
	err := tensor.Catch(func() { ops.Sigmoid(ops.Const(tensor.New(tensor.Int32, 2))) })
	if !errors.Is(err, tensor.ErrDType) {
		t.Errorf("Sigmoid of int32: %v", err)
	}
	err = tensor.Catch(func() { ops.BiasAdd(v, ops.Const(tensor.New(tensor.Float64, 3))) })
	if !errors.Is(err, tensor.ErrDType) {
		t.Errorf("BiasAdd float32 + float64: %v", err)
	}
}

// nnSecondDerivative returns d²/dx² of sum(f(x)) elementwise, through two nested tapes: the
// outer tape records the ops the inner tape's gradient rule runs.
func nnSecondDerivative(t *testing.T, f func(*op.Value) *op.Value, x *op.Value) (d1, d2 *op.Value) {
	t.Helper()
	outer := tape.New(tape.Options{})
	outer.Watch(x)
	inner := tape.New(tape.Options{})
	inner.Watch(x)
	y := ops.Sum(f(x))
	inner.Close()
	g, err := inner.Gradient(y, x)
	if err != nil {
		t.Fatal(err)
	}
	s := ops.Sum(g[0])
	outer.Close()
	h, err := outer.Gradient(s, x)
	if err != nil {
		t.Fatal(err)
	}
	return g[0], h[0]
}

// Analytic: σ' = σ(1-σ), σ” = σ(1-σ)(1-2σ); tanh' = 1-t², tanh” = -2t(1-t²). PyTorch 1.13
// (torch.autograd.grad twice with create_graph=True at x = [-1.5, 0.25, 2]) prints the same:
//
//	sigmoid d1 [0.14914645207033286, 0.24613408273759835, 0.10499358540350662]
//	        d2 [0.09473021278475269, -0.03060751202671876, -0.07996250105615312]
//	tanh    d1 [0.1807066389236486, 0.940014848806378, 0.07065082485316443]
//	        d2 [0.32713259728754795, -0.46045435881856595, -0.13621868742711296]
func TestSecondDerivatives(t *testing.T) {
	xs := []float64{-1.5, 0.25, 2}
	var sd1, sd2, td1, td2 []float64
	for _, x := range xs {
		s := 1 / (1 + math.Exp(-x))
		sd1, sd2 = append(sd1, s*(1-s)), append(sd2, s*(1-s)*(1-2*s))
		th := math.Tanh(x)
		td1, td2 = append(td1, 1-th*th), append(td2, -2*th*(1-th*th))
	}
	nnClose(t, "torch sigmoid d2", nnVec(sd2...), []float64{0.09473021278475269, -0.03060751202671876, -0.07996250105615312}, 1e-14)
	d1, d2 := nnSecondDerivative(t, ops.Sigmoid, nnVec(xs...))
	nnClose(t, "Sigmoid'", d1, sd1, 1e-14)
	nnClose(t, "Sigmoid''", d2, sd2, 1e-14)
	d1, d2 = nnSecondDerivative(t, ops.Tanh, nnVec(xs...))
	nnClose(t, "Tanh'", d1, td1, 1e-14)
	nnClose(t, "Tanh''", d2, []float64{0.32713259728754795, -0.46045435881856595, -0.13621868742711296}, 1e-14)
	nnClose(t, "Tanh'' analytic", d2, td2, 1e-14)
	// Relu's second derivative is 0 away from the kink, through ReluGrad's own rule; Elu's is
	// exp(x) for x < 0.
	_, d2 = nnSecondDerivative(t, ops.Relu, nnVec(-1, 2))
	nnClose(t, "Relu''", d2, []float64{0, 0}, 0)
	_, d2 = nnSecondDerivative(t, ops.Elu, nnVec(-1, 2))
	nnClose(t, "Elu''", d2, []float64{math.Exp(-1), 0}, 1e-15)
}
