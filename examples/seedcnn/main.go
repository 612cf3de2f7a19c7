package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"os"

	"github.com/tensorgraph/tensorgraph/internal/seedarticle"
	"github.com/tensorgraph/tensorgraph/kernels/cpu"
	"github.com/tensorgraph/tensorgraph/nn/initializers"
	"github.com/tensorgraph/tensorgraph/op"
	"github.com/tensorgraph/tensorgraph/ops"
	"github.com/tensorgraph/tensorgraph/random"
	"github.com/tensorgraph/tensorgraph/tape"
	"github.com/tensorgraph/tensorgraph/tensor"
)

// tolerance for "agree": float32 arithmetic in a different order.
const tolerance = 1e-6

// pair is a gradient from the tape beside the article's formula for it.
type pair struct {
	name, formula      string
	tape, formulaValue *tensor.Tensor
}

// result is everything the article prints.
type result struct {
	tensors map[string]*tensor.Tensor
	order   []string
	pairs   []pair
}

func (r *result) put(name string, t *tensor.Tensor) {
	r.tensors[name] = t
	r.order = append(r.order, name)
}

func run(seed uint32) *result {
	r := &result{tensors: map[string]*tensor.Tensor{}}
	rs := random.New(seed)
	x := ops.Const(tensor.Cast(rs.Randn(1, 9, 9, 1), tensor.Float32))
	kernel := op.NewVariable("kernel", tensor.FromSlice(seedarticle.Kernel(), 3, 3, 1, 1), true)
	bias := op.NewVariable("bias", tensor.New(tensor.Float32, 1), true)
	denseW := op.NewVariable("dense_kernel", initializers.GlorotUniform().Initialize(rs, tensor.Float32, 4, 3), true)
	denseB := op.NewVariable("dense_bias", tensor.New(tensor.Float32, 3), true)
	yTrue := ops.Const(tensor.FromSlice(seedarticle.YTrue(), 1, 3))

	p := cpu.Conv2DParams{Strides: [2]int{2, 2}, Padding: cpu.Valid()}
	tp := tape.New(tape.Options{Persistent: true})
	tp.Watch(x)
	zl1 := ops.BiasAdd(ops.Conv2D(x, kernel.Read(), p), bias.Read())
	al1 := ops.Relu(zl1)
	zl2 := ops.MaxPool(al1, [2]int{2, 2}, [2]int{2, 2}, cpu.Valid())
	flat := ops.ReshapeTo(zl2, 1, 4)
	zl3 := ops.BiasAdd(ops.MatMul(flat, denseW.Read(), false, false), denseB.Read())
	al3 := ops.Softmax(zl3)
	loss := ops.CategoricalCrossEntropy(yTrue, al3)
	tp.Close()

	g, err := tp.Gradient(loss, zl3, zl2, zl1, x, kernel.Read(), bias.Read(), denseW.Read(), denseB.Read())
	if err != nil {
		panic(err)
	}
	t := func(v *op.Value) *tensor.Tensor { return v.Tensor() }
	for _, nv := range []struct {
		n string
		v *tensor.Tensor
	}{
		{"x", t(x)}, {"kernel", kernel.Tensor()}, {"bias", bias.Tensor()},
		{"dense_kernel", denseW.Tensor()}, {"dense_bias", denseB.Tensor()},
		{"z_l1", t(zl1)}, {"a_l1", t(al1)}, {"z_l2", t(zl2)}, {"z_l3", t(zl3)}, {"a_l3", t(al3)},
		{"loss", t(loss)}, {"dl_dz3", t(g[0])}, {"dl_dz2", t(g[1])}, {"dl_dz1", t(g[2])},
		{"dl_dx", t(g[3])}, {"dl_dW", t(g[4])}, {"dl_db", t(g[5])},
		{"dl_ddense_kernel", t(g[6])}, {"dl_ddense_bias", t(g[7])},
	} {
		r.put(nv.n, nv.v)
	}

	// The article's formulas, computed with plain tensor operations, not the tape.
	delta := t(g[2]) // dl/dz1 from the tape, the article's δ
	r.pairs = []pair{
		{"dl/dz3", "a_l3 - y_true", t(g[0]), tensor.Sub(t(al3), t(yTrue))},
		{"dl/dz1", "upsample(dl/dz2) * relu'(z_l1)", delta, maxPoolUpsample(t(al1), t(g[1]), t(zl1))},
		{"dl/dx", "Conv2DTranspose(dl/dz1, W)", t(g[3]), cpu.Conv2DTranspose(delta, kernel.Tensor(), tensor.Shape{1, 9, 9, 1}, p)},
		{"dl/dW", "conv(x, stride-dilated dl/dz1)", t(g[4]), kernelGradByHand(t(x), delta, 2)},
		{"dl/db", "sum(dl/dz1)", t(g[5]), tensor.Sum(delta).Reshape(1)},
	}
	return r
}

// maxPoolUpsample routes each 2x2 window's gradient to the window's maximum of a (first one on
// ties) and multiplies by relu'(z) = [z > 0]: the article's upsample(δ2) ⊙ relu'(z_l1).
func maxPoolUpsample(a, dz2, z *tensor.Tensor) *tensor.Tensor {
	out := tensor.New(tensor.Float32, 1, 4, 4, 1)
	for i := range 2 {
		for j := range 2 {
			bi, bj := 2*i, 2*j
			for di := range 2 {
				for dj := range 2 {
					if a.Float64(0, 2*i+di, 2*j+dj, 0) > a.Float64(0, bi, bj, 0) {
						bi, bj = 2*i+di, 2*j+dj
					}
				}
			}
			if z.Float64(0, bi, bj, 0) > 0 {
				tensor.Set(out, float32(dz2.Float64(0, i, j, 0)), 0, bi, bj, 0)
			}
		}
	}
	return out
}

// kernelGradByHand is the article's dl/dW: dilate δ by the stride (zeros between elements)
// and correlate the input with it, VALID: dW[a,b] = sum_{i,j} x[a+s·i, b+s·j]·δ[i,j].
func kernelGradByHand(x, delta *tensor.Tensor, stride int) *tensor.Tensor {
	n := delta.Dim(1)
	span := stride*(n-1) + 1
	dil := tensor.New(tensor.Float32, span, span)
	dil.Slice(tensor.RS(0, span, stride), tensor.RS(0, span, stride)).CopyFrom(delta.Reshape(n, n))
	img := x.Reshape(9, 9)
	out := tensor.New(tensor.Float32, 3, 3, 1, 1)
	for a := range 3 {
		for b := range 3 {
			v := tensor.Sum(tensor.Mul(img.Slice(tensor.R(a, a+span), tensor.R(b, b+span)), dil))
			tensor.Set(out, float32(v.Item()), a, b, 0, 0)
		}
	}
	return out
}

// agree reports the largest absolute difference and whether it is within tolerance.
func agree(a, b *tensor.Tensor) (float64, bool) {
	x := tensor.ToSlice[float64](tensor.Cast(a, tensor.Float64))
	y := tensor.ToSlice[float64](tensor.Cast(b.Reshape(a.Shape()...), tensor.Float64))
	worst := 0.0
	for i := range x {
		worst = math.Max(worst, math.Abs(x[i]-y[i]))
	}
	return worst, worst <= tolerance
}

// squeeze4 drops size-1 axes, so one-image one-channel NHWC tensors and 3x3x1x1 kernels
// print as the article's 2-D tables.
func squeeze4(t *tensor.Tensor) *tensor.Tensor {
	if t.Rank() > 1 {
		return t.Squeeze()
	}
	return t
}

func report(w io.Writer, r *result) bool {
	for _, n := range []string{"x", "kernel", "z_l1", "a_l1", "z_l2", "z_l3", "a_l3", "loss"} {
		fmt.Fprintf(w, "%s:\n%v\n\n", n, squeeze4(r.tensors[n]))
	}
	ok := true
	for _, p := range r.pairs {
		d, good := agree(p.tape, p.formulaValue)
		ok = ok && good
		verdict := "agree"
		if !good {
			verdict = "DISAGREE"
		}
		fmt.Fprintf(w, "%s from the tape:\n%v\n%s:\n%v\n=> %s (max difference %.2g)\n\n", p.name, squeeze4(p.tape), p.formula, squeeze4(p.formulaValue), verdict, d)
	}
	return ok
}

func main() {
	asJSON := flag.Bool("json", false, "print every tensor as one JSON object of nested lists")
	seed := flag.Uint("seed", 0, "NumPy-compatible seed for x and the Dense weights")
	flag.Parse()
	r := run(uint32(*seed))
	if *asJSON {
		out := map[string]any{}
		for _, n := range r.order {
			out[n] = r.tensors[n].ToList()
		}
		if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		return
	}
	if !report(os.Stdout, r) {
		os.Exit(1)
	}
}
