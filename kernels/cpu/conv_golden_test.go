package cpu

import (
	"encoding/json"
	"math"
	"os"
	"testing"

	"github.com/tensorgraph/tensorgraph/tensor"
)

//go:generate /usr/bin/python3 testdata/conv/gen.py

// goldenCase is one entry of testdata/conv/golden.json (see gen.py): PyTorch's results in
// float64, in NHWC / HWIO layout.
type goldenCase struct {
	Name        string
	Op          string
	Padding     string
	Explicit    [2][2]int
	Strides     [2]int
	Dilations   [2]int
	Ksize       [2]int
	XShape      []int `json:"x_shape"`
	X           []float64
	FilterShape []int `json:"filter_shape"`
	Filter      []float64
	YShape      []int `json:"y_shape"`
	Y           []float64
	DY          []float64 `json:"dy"`
	DX          []float64 `json:"dx"`
	DFilter     []float64 `json:"dfilter"`
}

func TestConvPoolGoldenPyTorch(t *testing.T) {
	raw, err := os.ReadFile("testdata/conv/golden.json")
	if err != nil {
		t.Fatal(err)
	}
	var file struct{ Cases []goldenCase }
	if err := json.Unmarshal(raw, &file); err != nil {
		t.Fatal(err)
	}
	if len(file.Cases) == 0 {
		t.Fatal("no cases in golden.json")
	}
	for _, c := range file.Cases {
		for _, dt := range []tensor.DType{tensor.Float64, tensor.Float32} {
			tol := 1e-12
			if dt == tensor.Float32 {
				tol = 2e-5
			}
			mk := func(v []float64, s []int) *tensor.Tensor { return tensor.Cast(tensor.FromSlice(v, s...), dt) }
			check := func(what string, got *tensor.Tensor, want []float64, shape []int) {
				t.Helper()
				if !got.Shape().Equal(tensor.Shape(shape)) {
					t.Fatalf("%s/%v %s: shape %v, PyTorch %v", c.Name, dt, what, got.Shape(), tensor.Shape(shape))
				}
				g := tensor.ToSlice[float64](tensor.Cast(got, tensor.Float64))
				scale := 0.0
				for _, w := range want {
					scale = max(scale, math.Abs(w))
				}
				for i := range want {
					if math.Abs(g[i]-want[i]) > tol*(1+scale) {
						t.Fatalf("%s/%v %s: element %d = %.10g, PyTorch %.10g", c.Name, dt, what, i, g[i], want[i])
					}
				}
			}
			pad := Padding{Mode: c.Padding, Explicit: c.Explicit}
			x := mk(c.X, c.XShape)
			switch c.Op {
			case "conv2d":
				f := mk(c.Filter, c.FilterShape)
				dy := mk(c.DY, c.YShape)
				p := Conv2DParams{Strides: c.Strides, Dilations: c.Dilations, Padding: pad}
				check("Conv2D", Conv2D(x, f, p), c.Y, c.YShape)
				check("Conv2DBackpropInput", Conv2DBackpropInput(x.Shape(), f, dy, p), c.DX, c.XShape)
				check("Conv2DBackpropFilter", Conv2DBackpropFilter(x, f.Shape(), dy, p), c.DFilter, c.FilterShape)
			case "conv2d_transpose":
				f := mk(c.Filter, c.FilterShape)
				p := Conv2DParams{Strides: c.Strides, Dilations: c.Dilations, Padding: pad}
				check("Conv2DTranspose", Conv2DTranspose(x, f, tensor.Shape(c.YShape), p), c.Y, c.YShape)
			case "max_pool":
				dy := mk(c.DY, c.YShape)
				check("MaxPool", MaxPool(x, c.Ksize, c.Strides, pad), c.Y, c.YShape)
				check("MaxPoolGrad", MaxPoolGrad(x, dy, c.Ksize, c.Strides, pad), c.DX, c.XShape)
			case "avg_pool":
				dy := mk(c.DY, c.YShape)
				check("AvgPool", AvgPool(x, c.Ksize, c.Strides, pad), c.Y, c.YShape)
				check("AvgPoolGrad", AvgPoolGrad(x.Shape(), dy, c.Ksize, c.Strides, pad), c.DX, c.XShape)
			default:
				t.Fatalf("%s: unknown op %q", c.Name, c.Op)
			}
		}
	}
}
