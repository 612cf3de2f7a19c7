package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"

	"github.com/tensorgraph/tensorgraph/internal/seedarticle"
	"github.com/tensorgraph/tensorgraph/random"
	"github.com/tensorgraph/tensorgraph/tensor"
)

// demoResult holds the article's forward pass computed with nothing but the tensor core.
type demoResult struct {
	X, Kernel, Z1, A1, Z2 *tensor.Tensor
}

// seedForward runs the first half of seed 000's CNN: x = randn(1,9,9,1) with NumPy's seed,
// a 3x3 stride-2 VALID convolution, ReLU and 2x2 max pooling. The convolution is written with
// strided views: for each kernel tap (i, j), x[i:i+7:2, j:j+7:2] is the 4x4 grid of inputs
// that tap touches, so z = sum over taps of kernel[i,j] * view — broadcasting and a reduction,
// no copies of x. Max pooling reshapes [4,4] to [2,2,2,2] and takes the max over the window axes.
func seedForward(seed uint32) demoResult {
	rs := random.New(seed)
	vals := make([]float64, 81)
	rs.FillStandardNormal(vals)
	x := tensor.Cast(tensor.FromSlice(vals, 1, 9, 9, 1), tensor.Float32)
	k := tensor.FromSlice(seedarticle.Kernel(), 3, 3)

	img := x.Select(0, 0).Select(2, 0) // [9,9]
	taps := make([]*tensor.Tensor, 0, 9)
	for i := range 3 {
		for j := range 3 {
			view := img.Slice(tensor.RS(i, i+7, 2), tensor.RS(j, j+7, 2)) // [4,4], strides [18,2]
			taps = append(taps, tensor.Mul(view, k.Slice(tensor.R(i, i+1), tensor.R(j, j+1))))
		}
	}
	z1 := tensor.Sum(tensor.Stack(0, taps...), 0)
	a1 := tensor.Relu(z1)
	z2 := tensor.Max(a1.Reshape(2, 2, 2, 2), 1, 3)
	return demoResult{X: x, Kernel: k, Z1: z1, A1: a1, Z2: z2}
}

func runDemo(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	seed := fs.Uint("seed", 0, "NumPy-compatible random seed for x")
	asJSON := fs.Bool("json", false, "print the tensors as one JSON object of nested lists")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *seed > 1<<32-1 {
		return fmt.Errorf("--seed %d does not fit in 32 bits (NumPy's limit too)", *seed)
	}
	r := seedForward(uint32(*seed))
	if *asJSON {
		out := map[string]any{}
		for name, t := range map[string]*tensor.Tensor{"x": r.X, "kernel": r.Kernel, "z_l1": r.Z1, "a_l1": r.A1, "z_l2": r.Z2} {
			out[name] = t.ToList()
		}
		return json.NewEncoder(stdout).Encode(out)
	}
	fmt.Fprintf(stdout, "Seed article 000, forward pass with the tensor core (seed %d)\n\n", *seed)
	fmt.Fprintf(stdout, "x = np.random.randn(1, 9, 9, 1), shown as x[0, :, :, 0]:\n%v\n\n", r.X.Select(0, 0).Select(2, 0))
	fmt.Fprintf(stdout, "kernel:\n%v\n\n", r.Kernel)
	fmt.Fprintf(stdout, "z_l1 = conv(x, kernel, stride 2, VALID), from 9 strided views of x:\n%v\n\n", r.Z1)
	fmt.Fprintf(stdout, "a_l1 = relu(z_l1):\n%v\n\n", r.A1)
	fmt.Fprintf(stdout, "z_l2 = maxpool 2x2 (reshape [2,2,2,2], max over axes 1 and 3):\n%v\n", r.Z2)
	return nil
}
