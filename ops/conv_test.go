package ops_test

import (
	"errors"
	"fmt"
	"github.com/tensorgraph/tensorgraph/internal/seedarticle"
	"math"
	"strings"
	"testing"

	"github.com/tensorgraph/tensorgraph/gradcheck"
	"github.com/tensorgraph/tensorgraph/kernels/cpu"
	"github.com/tensorgraph/tensorgraph/op"
	"github.com/tensorgraph/tensorgraph/ops"
	"github.com/tensorgraph/tensorgraph/random"
	"github.com/tensorgraph/tensorgraph/tape"
	"github.com/tensorgraph/tensorgraph/tensor"
)

func convI64(v ...int64) *op.Value { return ops.Const(tensor.FromSlice(v)) }

func convP(s, d int, pad cpu.Padding) cpu.Conv2DParams {
	return cpu.Conv2DParams{Strides: [2]int{s, s}, Dilations: [2]int{d, d}, Padding: pad}
}

func convF32s(v *op.Value) []float32 { return tensor.ToSlice[float32](v.Tensor()) }

func convClose(t *testing.T, what string, got, want []float32, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	for i := range got {
		if d := math.Abs(float64(got[i]) - float64(want[i])); d > tol || math.IsNaN(d) {
			t.Errorf("%s[%d] = %v, want %v", what, i, got[i], want[i])
		}
	}
}

func TestConvForwardHandComputed(t *testing.T) {
	x := ops.Const(tensor.FromSlice([]float32{1, 2, 3, 4, 5, 6, 7, 8, 9}, 1, 3, 3, 1))
	w := ops.Const(tensor.FromSlice([]float32{1, 0, 0, 1}, 2, 2, 1, 1))
	// y[i,j] = x[i,j] + x[i+1,j+1].
	y := ops.Conv2D(x, w, cpu.Conv2DParams{})
	if s := y.Shape(); !s.Equal(tensor.Shape{1, 2, 2, 1}) || fmt.Sprint(convF32s(y)) != "[6 8 12 14]" {
		t.Errorf("Conv2D = %v %v", s, convF32s(y))
	}
	// SAME, stride 2: out 2x2, one row/column of zeros after: [1+5, 3, 7, 9].
	if got := fmt.Sprint(convF32s(ops.Conv2D(x, w, convP(2, 1, cpu.Same())))); got != "[6 3 7 9]" {
		t.Errorf("Conv2D SAME s2 = %s", got)
	}
	k2, s1, s2 := [2]int{2, 2}, [2]int{1, 1}, [2]int{2, 2}
	if got := fmt.Sprint(convF32s(ops.MaxPool(x, k2, s1, cpu.Valid()))); got != "[5 6 8 9]" {
		t.Errorf("MaxPool = %s", got)
	}
	if got := fmt.Sprint(convF32s(ops.AvgPool(x, k2, s1, cpu.Valid()))); got != "[3 4 6 7]" {
		t.Errorf("AvgPool = %s", got)
	}
	// SAME 2x2 stride 2 on 3x3: windows {1,2,4,5}, {3,6}, {7,8}, {9}; padding not counted.
	if got := fmt.Sprint(convF32s(ops.AvgPool(x, k2, s2, cpu.Same()))); got != "[3 4.5 7.5 9]" {
		t.Errorf("AvgPool SAME = %s", got)
	}
	// Transpose of the first conv: dy = 1 everywhere spreads w over each window.
	dy := ops.Const(tensor.Ones(tensor.Float32, 1, 2, 2, 1))
	if got := fmt.Sprint(convF32s(ops.Conv2DBackpropInput(convI64(1, 3, 3, 1), w, dy, cpu.Conv2DParams{}))); got != "[1 1 0 1 2 1 0 1 1]" {
		t.Errorf("Conv2DBackpropInput = %s", got)
	}
	// dfilter[a,b] = Σ x over the 2x2 window offset by (a,b): 12, 16, 24, 28.
	if got := fmt.Sprint(convF32s(ops.Conv2DBackpropFilter(x, convI64(2, 2, 1, 1), dy, cpu.Conv2DParams{}))); got != "[12 16 24 28]" {
		t.Errorf("Conv2DBackpropFilter = %s", got)
	}
	// MaxPoolGrad of the 2x2 stride-1 pool: maxima at 5, 6, 8, 9.
	mp := ops.MaxPool(x, k2, s1, cpu.Valid())
	g := ops.Const(tensor.FromSlice([]float32{1, 2, 3, 4}, 1, 2, 2, 1))
	if got := fmt.Sprint(convF32s(ops.MaxPoolGrad(x, mp, g, k2, s1, cpu.Valid()))); got != "[0 0 0 0 1 2 0 3 4]" {
		t.Errorf("MaxPoolGrad = %s", got)
	}
	gx := ops.Const(tensor.FromSlice([]float32{10, 20, 30, 40, 50, 60, 70, 80, 90}, 1, 3, 3, 1))
	if got := fmt.Sprint(convF32s(ops.MaxPoolGradGrad(x, mp, gx, k2, s1, cpu.Valid()))); got != "[50 60 80 90]" {
		t.Errorf("MaxPoolGradGrad = %s", got)
	}
	if got := fmt.Sprint(convF32s(ops.AvgPoolGrad(convI64(1, 3, 3, 1), g, k2, s1, cpu.Valid()))); got != "[0.25 0.75 0.5 1 2.5 1.5 0.75 1.75 1]" {
		t.Errorf("AvgPoolGrad = %s", got)
	}
}

func TestConvForwardMatchesKernels(t *testing.T) {
	rs := random.New(7)
	x := tensor.Cast(rs.Randn(2, 7, 6, 3), tensor.Float32)
	w := tensor.Cast(rs.Randn(3, 2, 3, 4), tensor.Float32)
	for _, p := range []cpu.Conv2DParams{convP(1, 1, cpu.Valid()), convP(2, 1, cpu.Same()), convP(1, 2, cpu.Valid()), convP(2, 1, cpu.Explicit(1, 2, 0, 1))} {
		y := ops.Conv2D(ops.Const(x), ops.Const(w), p)
		want := cpu.Conv2D(x, w, p)
		convClose(t, "Conv2D "+fmt.Sprint(p), convF32s(y), tensor.ToSlice[float32](want), 0)
		if !y.Shape().Equal(want.Shape()) {
			t.Errorf("Conv2D %v shape %v, want %v", p, y.Shape(), want.Shape())
		}
		dy := tensor.Cast(rs.Randn(want.Shape()...), tensor.Float32)
		dx := ops.Conv2DBackpropInput(ops.Shape(ops.Const(x)), ops.Const(w), ops.Const(dy), p)
		convClose(t, "Conv2DBackpropInput", convF32s(dx), tensor.ToSlice[float32](cpu.Conv2DBackpropInput(x.Shape(), w, dy, p)), 0)
		dw := ops.Conv2DBackpropFilter(ops.Const(x), ops.Shape(ops.Const(w)), ops.Const(dy), p)
		convClose(t, "Conv2DBackpropFilter", convF32s(dw), tensor.ToSlice[float32](cpu.Conv2DBackpropFilter(x, w.Shape(), dy, p)), 0)
		z := ops.Conv2DTranspose(ops.Const(dy), ops.Const(w), ops.Shape(ops.Const(x)), p)
		convClose(t, "Conv2DTranspose", convF32s(z), tensor.ToSlice[float32](cpu.Conv2DTranspose(dy, w, x.Shape(), p)), 0)
	}
	for _, pad := range []cpu.Padding{cpu.Valid(), cpu.Same(), cpu.Explicit(1, 0, 1, 1)} {
		k, s := [2]int{3, 2}, [2]int{2, 1}
		y := ops.MaxPool(ops.Const(x), k, s, pad)
		convClose(t, "MaxPool", convF32s(y), tensor.ToSlice[float32](cpu.MaxPool(x, k, s, pad)), 0)
		dy := tensor.Cast(rs.Randn(y.Shape()...), tensor.Float32)
		convClose(t, "MaxPoolGrad", convF32s(ops.MaxPoolGrad(ops.Const(x), y, ops.Const(dy), k, s, pad)), tensor.ToSlice[float32](cpu.MaxPoolGrad(x, dy, k, s, pad)), 0)
		a := ops.AvgPool(ops.Const(x), k, s, pad)
		convClose(t, "AvgPool", convF32s(a), tensor.ToSlice[float32](cpu.AvgPool(x, k, s, pad)), 0)
		convClose(t, "AvgPoolGrad", convF32s(ops.AvgPoolGrad(convI64(2, 7, 6, 3), ops.Const(dy), k, s, pad)), tensor.ToSlice[float32](cpu.AvgPoolGrad(x.Shape(), dy, k, s, pad)), 0)
	}
}

// TestSeedArticleConv reproduces the seed CNN article's first layer (../shared/seeds/README.md).
// f32s rounds the article's printed values to float32, as the literals above used to be.
func f32s(v []float64) []float32 {
	out := make([]float32, len(v))
	for i, x := range v {
		out[i] = float32(x)
	}
	return out
}

func TestSeedArticleConv(t *testing.T) {
	x := ops.Const(tensor.Cast(random.New(0).Randn(1, 9, 9, 1), tensor.Float32))
	w := ops.Const(tensor.FromSlice(seedarticle.Kernel(), 3, 3, 1, 1))
	z1 := ops.Conv2D(x, w, convP(2, 1, cpu.Valid()))
	if !z1.Shape().Equal(tensor.Shape{1, 4, 4, 1}) {
		t.Fatalf("z_l1 shape %v", z1.Shape())
	}
	convClose(t, "z_l1", convF32s(z1), f32s(seedarticle.ZL1()), 1e-6)
	a1 := ops.Const(tensor.Relu(z1.Tensor()))
	z2 := ops.MaxPool(a1, [2]int{2, 2}, [2]int{2, 2}, cpu.Valid())
	convClose(t, "z_l2", convF32s(z2), f32s(seedarticle.ZL2()), 1e-6)
}

// TestConvSecondDerivatives differentiates first-order gradients computed on an inner tape:
// gradcheck's own tape records the inner tape's backward pass, and compares with central
// differences of the first-order gradient (so the gradients of Conv2DBackpropInput,
// Conv2DBackpropFilter, MaxPoolGrad and MaxPoolGradGrad's chain are used as a real nested
// tape uses them).
func TestConvSecondDerivatives(t *testing.T) {
	p := convP(2, 1, cpu.Same())
	firstOrder := func(wrt int, body func(x []*op.Value) *op.Value) func(x []*op.Value) *op.Value {
		return func(x []*op.Value) *op.Value {
			inner := tape.New(tape.Options{Unconnected: tape.UnconnectedZero})
			inner.Watch(x...)
			y := body(x)
			inner.Close()
			g, err := inner.Gradient(y, x[wrt])
			if err != nil {
				panic(err)
			}
			return g[0]
		}
	}
	sumSqConv := func(x []*op.Value) *op.Value { return ops.Sum(ops.Square(ops.Conv2D(x[0], x[1], p))) }
	sumSqPool := func(x []*op.Value) *op.Value {
		return ops.Sum(ops.Square(ops.MaxPool(x[0], [2]int{3, 3}, [2]int{1, 1}, cpu.Valid())))
	}
	sumSqAvg := func(x []*op.Value) *op.Value {
		return ops.Sum(ops.Square(ops.AvgPool(x[0], [2]int{2, 2}, [2]int{2, 2}, cpu.Same())))
	}
	rs := random.New(3)
	x, w := rs.Randn(1, 5, 5, 2), rs.Randn(3, 3, 2, 3)
	for _, c := range []struct {
		name string
		f    func(x []*op.Value) *op.Value
		in   []*tensor.Tensor
	}{
		{"d/d(x,w) of dL/dw, L = sum(conv(x,w)²)", firstOrder(1, sumSqConv), []*tensor.Tensor{x, w}},
		{"d/d(x,w) of dL/dx, L = sum(conv(x,w)²)", firstOrder(0, sumSqConv), []*tensor.Tensor{x, w}},
		{"d/dx of dL/dx, L = sum(maxpool(x)²)", firstOrder(0, sumSqPool), []*tensor.Tensor{x}},
		{"d/dx of dL/dx, L = sum(avgpool(x)²)", firstOrder(0, sumSqAvg), []*tensor.Tensor{x}},
	} {
		res, err := gradcheck.Check(c.f, c.in, 1e-6)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if res.MaxRelErr > 1e-6 {
			t.Errorf("%s: error %.3g (%s)", c.name, res.MaxRelErr, res.Worst)
		}
	}
}

// TestConvHessianVectorProduct is an explicit nested-tape check: for L = sum(conv(x,w)²),
// h(x) = sum(dL/dw · v) and its gradient on the outer tape against central differences of h.
func TestConvHessianVectorProduct(t *testing.T) {
	p := convP(1, 1, cpu.Valid())
	rs := random.New(11)
	xt, wt, vt := rs.Randn(1, 5, 5, 2), rs.Randn(3, 3, 2, 3), rs.Randn(3, 3, 2, 3)
	v := ops.Const(vt)
	h := func(x *op.Value, outer *tape.GradientTape) *op.Value {
		w := ops.Const(wt)
		inner := tape.New(tape.Options{})
		inner.Watch(x, w)
		l := ops.Sum(ops.Square(ops.Conv2D(x, w, p)))
		inner.Close()
		gw, err := inner.Gradient(l, w)
		if err != nil {
			t.Fatal(err)
		}
		return ops.Sum(ops.Mul(gw[0], v))
	}
	x := ops.Const(xt)
	outer := tape.New(tape.Options{})
	outer.Watch(x)
	hx := h(x, outer)
	outer.Close()
	d, err := outer.Gradient(hx, x)
	if err != nil {
		t.Fatal(err)
	}
	got := tensor.ToSlice[float64](d[0].Tensor())
	data := tensor.ToSlice[float64](xt)
	const delta = 1e-5
	for i := range data {
		at := func(e float64) float64 {
			xs := append([]float64(nil), data...)
			xs[i] += e
			return h(ops.Const(tensor.FromSlice(xs, xt.Shape()...)), nil).Tensor().Float64()
		}
		num := (at(delta) - at(-delta)) / (2 * delta)
		if math.Abs(num-got[i]) > 1e-6*math.Max(1, math.Abs(num)) {
			t.Errorf("d/dx[%d]: tape %v, central differences %v", i, got[i], num)
		}
	}
}

func TestConvInferShapes(t *testing.T) {
	f32 := func(s ...int) op.Meta { return op.Meta{DType: tensor.Float32, Shape: s} }
	ca := op.Attrs{"strides": []int{1, 2, 2, 1}, "padding": "SAME", "explicit_paddings": []int{}, "dilations": []int{1, 1}}
	out := op.Must("Conv2D").Infer([]op.Meta{f32(-1, 9, 8, 3), f32(3, 3, 3, 5)}, ca)
	if !out[0].Shape.Equal(tensor.Shape{-1, 5, 4, 5}) {
		t.Errorf("Conv2D infer %v", out[0].Shape)
	}
	va := op.Attrs{"strides": []int{2, 2}, "padding": "VALID", "explicit_paddings": []int{}, "dilations": []int{1, 1}}
	out = op.Must("Conv2D").Infer([]op.Meta{f32(-1, 9, 9, 1), f32(3, 3, 1, 1)}, va)
	if !out[0].Shape.Equal(tensor.Shape{-1, 4, 4, 1}) {
		t.Errorf("Conv2D VALID infer %v", out[0].Shape)
	}
	sizes := op.Meta{DType: tensor.Int64, Shape: tensor.Shape{4}, Const: tensor.FromSlice([]int64{2, 9, 9, 1})}
	out = op.Must("Conv2DBackpropInput").Infer([]op.Meta{sizes, f32(3, 3, 1, 1), f32(-1, 4, 4, 1)}, va)
	if !out[0].Shape.Equal(tensor.Shape{2, 9, 9, 1}) {
		t.Errorf("Conv2DBackpropInput infer %v", out[0].Shape)
	}
	unknownSizes := op.Meta{DType: tensor.Int64, Shape: tensor.Shape{4}}
	out = op.Must("Conv2DBackpropFilter").Infer([]op.Meta{f32(-1, 9, 9, 1), unknownSizes, f32(-1, 4, 4, 7)}, va)
	if !out[0].Shape.Equal(tensor.Shape{-1, -1, 1, 7}) {
		t.Errorf("Conv2DBackpropFilter infer %v", out[0].Shape)
	}
	pa := op.Attrs{"ksize": []int{2, 2}, "strides": []int{2, 2}, "padding": "SAME", "explicit_paddings": []int{}}
	out = op.Must("MaxPool").Infer([]op.Meta{f32(-1, 5, 5, 3)}, pa)
	if !out[0].Shape.Equal(tensor.Shape{-1, 3, 3, 3}) {
		t.Errorf("MaxPool infer %v", out[0].Shape)
	}
	out = op.Must("AvgPoolGrad").Infer([]op.Meta{unknownSizes, f32(-1, 3, 3, 3)}, pa)
	if !out[0].Shape.Equal(tensor.Shape{-1, -1, -1, 3}) {
		t.Errorf("AvgPoolGrad infer %v", out[0].Shape)
	}
	// Shape errors name the op and both shapes.
	for name, f := range map[string]func(){
		"Conv2D": func() { op.Must("Conv2D").Infer([]op.Meta{f32(-1, 9, 9, 2), f32(3, 3, 3, 5)}, va) },
		"Conv2DBackpropInput": func() {
			op.Must("Conv2DBackpropInput").Infer([]op.Meta{sizes, f32(3, 3, 1, 1), f32(-1, 5, 4, 1)}, va)
		},
		"MaxPool": func() {
			op.Must("MaxPool").Infer([]op.Meta{f32(1, 1, 5, 3)}, op.Attrs{"ksize": []int{2, 2}, "strides": []int{1, 1}, "padding": "VALID", "explicit_paddings": []int{}})
		},
	} {
		err := tensor.Catch(f)
		var te *tensor.Error
		if !errors.As(err, &te) || te.Op != name || !errors.Is(err, tensor.ErrShape) {
			t.Errorf("%s: got %v", name, err)
		}
	}
}

func TestConvErrors(t *testing.T) {
	x := ops.Const(tensor.New(tensor.Float32, 1, 9, 9, 2))
	w := ops.Const(tensor.New(tensor.Float32, 3, 3, 3, 5))
	err := tensor.Catch(func() { ops.Conv2D(x, w, cpu.Conv2DParams{}) })
	var te *tensor.Error
	if !errors.As(err, &te) || te.Op != "Conv2D" || !errors.Is(err, tensor.ErrShape) ||
		!strings.Contains(err.Error(), "[1,9,9,2]") || !strings.Contains(err.Error(), "[3,3,3,5]") {
		t.Errorf("channel mismatch: %v", err)
	}
	err = tensor.Catch(func() {
		op.Apply1(op.Must("Conv2D"), op.Attrs{"strides": []int{2, 2, 2}}, x, x)
	})
	if !errors.Is(err, tensor.ErrArgument) {
		t.Errorf("bad strides: %v", err)
	}
	err = tensor.Catch(func() { ops.MaxPool(x, [2]int{0, 2}, [2]int{1, 1}, cpu.Valid()) })
	if !errors.As(err, &te) || te.Op != "MaxPool" || !errors.Is(err, tensor.ErrArgument) {
		t.Errorf("bad ksize: %v", err)
	}
}

// convSym is a minimal graph stand-in: a symbolic value whose builder only runs Infer, enough
// to check that the gradient rules build well-typed graphs from partly unknown shapes.
type convSym struct{ m op.Meta }

func (s convSym) Builder() op.Builder { return convBuilder{} }
func (s convSym) Meta() op.Meta       { return s.m }

type convBuilder struct{}

func (convBuilder) AddOp(d *op.OpDef, a op.Attrs, inputs []*op.Value) []*op.Value {
	metas := make([]op.Meta, len(inputs))
	for i, in := range inputs {
		metas[i] = in.Meta()
		if !in.IsSymbolic() {
			metas[i].Const = in.Tensor()
		}
	}
	var outs []*op.Value
	for _, m := range d.Infer(metas, a) {
		outs = append(outs, op.NewSymbolic(convSym{m}))
	}
	return outs
}

func TestConvGradientsBuildSymbolically(t *testing.T) {
	sym := func(s ...int) *op.Value { return op.NewSymbolic(convSym{op.Meta{DType: tensor.Float32, Shape: s}}) }
	x, w := sym(-1, 9, 9, 2), ops.Const(tensor.New(tensor.Float32, 3, 3, 2, 4))
	p := convP(2, 1, cpu.Valid())
	y := ops.Conv2D(x, w, p)
	if !y.Shape().Equal(tensor.Shape{-1, 4, 4, 4}) {
		t.Fatalf("Conv2D shape %v", y.Shape())
	}
	grads := func(name string, inputs []*op.Value, out *op.Value, a op.Attrs) []*op.Value {
		d := op.Must(name)
		return d.Grad(&op.GradCall{Def: d, Attrs: a, Inputs: inputs, Outputs: []*op.Value{out}, Grads: []*op.Value{sym(out.Shape()...)}})
	}
	ca := op.Attrs{"strides": []int{2, 2}, "padding": "VALID", "explicit_paddings": []int{}, "dilations": []int{1, 1}}
	g := grads("Conv2D", []*op.Value{x, w}, y, ca)
	if g[0].Shape().Rank() != 4 || g[0].Shape()[3] != 2 || !g[1].Shape().Equal(tensor.Shape{3, 3, 2, 4}) {
		t.Errorf("Conv2D grads %v %v", g[0].Shape(), g[1].Shape())
	}
	dx := ops.Conv2DBackpropInput(ops.Shape(x), w, y, p)
	gg := grads("Conv2DBackpropInput", []*op.Value{ops.Shape(x), w, y}, dx, ca)
	// Shape(x) of a partly known shape is no build-time constant, so dx and what is computed
	// from it know only the channels: [-1,-1,-1,C].
	if gg[0] != nil || !gg[1].Shape().Equal(tensor.Shape{3, 3, 2, 4}) || !gg[2].Shape().Equal(tensor.Shape{-1, -1, -1, 4}) {
		t.Errorf("Conv2DBackpropInput grads %v", gg)
	}
	pa := op.Attrs{"ksize": []int{2, 2}, "strides": []int{2, 2}, "padding": "SAME", "explicit_paddings": []int{}}
	m := ops.MaxPool(x, [2]int{2, 2}, [2]int{2, 2}, cpu.Same())
	if gm := grads("MaxPool", []*op.Value{x}, m, pa); !gm[0].Shape().Equal(tensor.Shape{-1, 9, 9, 2}) {
		t.Errorf("MaxPool grad %v", gm[0].Shape())
	}
	av := ops.AvgPool(x, [2]int{2, 2}, [2]int{2, 2}, cpu.Same())
	if ga := grads("AvgPool", []*op.Value{x}, av, pa); ga[0].Shape().Rank() != 4 || ga[0].Shape()[3] != 2 {
		t.Errorf("AvgPool grad %v", ga[0].Shape())
	}
}
