package cpu

import (
	"errors"
	"fmt"
	"github.com/tensorgraph/tensorgraph/internal/seedarticle"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/tensorgraph/tensorgraph/internal/parallel"
	"github.com/tensorgraph/tensorgraph/random"
	"github.com/tensorgraph/tensorgraph/tensor"
)

// The reference here is written independently of conv.go: plain float64 loops over
// n, i, j, a, b, c, o with the padding worked out from TensorFlow's documented rules.

// nhwc is a dense float64 array with 4-D indexing, the test's own representation.
type nhwc struct {
	d    [4]int
	v    []float64
	mag  []float64 // Σ|terms| per element, for rounding-error bounds
	name string
}

func newNHWC(d0, d1, d2, d3 int) *nhwc {
	n := d0 * d1 * d2 * d3
	return &nhwc{d: [4]int{d0, d1, d2, d3}, v: make([]float64, n), mag: make([]float64, n)}
}

func (a *nhwc) at(i, j, k, l int) int { return ((i*a.d[1]+j)*a.d[2]+k)*a.d[3] + l }

// fromTensor reads any tensor (any view, either dtype) through its logical indices.
func fromTensor(t *tensor.Tensor) *nhwc {
	s := t.Shape()
	a := newNHWC(s[0], s[1], s[2], s[3])
	copy(a.v, tensor.ToSlice[float64](tensor.Cast(t, tensor.Float64)))
	return a
}

// refPad returns TensorFlow's output size and padding before/after for one axis.
func refPad(mode string, explicit [2]int, in, k, stride, dil int) (out, before, after int) {
	eff := (k-1)*dil + 1
	switch mode {
	case "SAME":
		out = (in + stride - 1) / stride
		total := (out-1)*stride + eff - in
		if total < 0 {
			total = 0
		}
		return out, total / 2, total - total/2
	case "EXPLICIT":
		return (in+explicit[0]+explicit[1]-eff)/stride + 1, explicit[0], explicit[1]
	}
	return (in-eff)/stride + 1, 0, 0
}

type convCase struct {
	n, h, w, c, kh, kw, o int
	p                     Conv2DParams
}

func (cc convCase) String() string {
	return fmt.Sprintf("x[%d,%d,%d,%d]*f[%d,%d,%d,%d]/s%v/d%v/%s", cc.n, cc.h, cc.w, cc.c, cc.kh, cc.kw, cc.c, cc.o,
		cc.p.Strides, cc.p.Dilations, cc.p.Padding)
}

// geometry returns output size and top/left padding the test's way.
func (cc convCase) geometry() (oh, ow, pt, pl int) {
	s, d := cc.p.Strides, cc.p.Dilations
	for i := range 2 {
		if s[i] == 0 {
			s[i] = 1
		}
		if d[i] == 0 {
			d[i] = 1
		}
	}
	oh, pt, _ = refPad(cc.p.Padding.Mode, cc.p.Padding.Explicit[0], cc.h, cc.kh, s[0], d[0])
	ow, pl, _ = refPad(cc.p.Padding.Mode, cc.p.Padding.Explicit[1], cc.w, cc.kw, s[1], d[1])
	return
}

// refConvAll computes the forward output, the input gradient for dy and the filter gradient
// for x and dy, all by direct summation over every (n, i, j, a, b, c, o).
func refConvAll(cc convCase, x, f, dy *nhwc) (y, dx, df *nhwc) {
	oh, ow, pt, pl := cc.geometry()
	s, d := cc.p.Strides, cc.p.Dilations
	for i := range 2 {
		s[i], d[i] = max(s[i], 1), max(d[i], 1)
	}
	y = newNHWC(cc.n, oh, ow, cc.o)
	dx = newNHWC(cc.n, cc.h, cc.w, cc.c)
	df = newNHWC(cc.kh, cc.kw, cc.c, cc.o)
	for n := range cc.n {
		for i := range oh {
			for j := range ow {
				for a := range cc.kh {
					for b := range cc.kw {
						ih := i*s[0] + a*d[0] - pt
						iw := j*s[1] + b*d[1] - pl
						if ih < 0 || ih >= cc.h || iw < 0 || iw >= cc.w {
							continue
						}
						for c := range cc.c {
							for o := range cc.o {
								xv, fv := x.v[x.at(n, ih, iw, c)], f.v[f.at(a, b, c, o)]
								yi := y.at(n, i, j, o)
								y.v[yi] += xv * fv
								y.mag[yi] += math.Abs(xv * fv)
								if dy != nil {
									g := dy.v[dy.at(n, i, j, o)]
									xi, fi := dx.at(n, ih, iw, c), df.at(a, b, c, o)
									dx.v[xi] += g * fv
									dx.mag[xi] += math.Abs(g * fv)
									df.v[fi] += g * xv
									df.mag[fi] += math.Abs(g * xv)
								}
							}
						}
					}
				}
			}
		}
	}
	return y, dx, df
}

// checkClose compares got with want element by element within terms·u·Σ|terms| (the
// summation error bound; terms is the longest sum involved), plus a tiny absolute slack.
func checkClose(t *testing.T, what string, got *tensor.Tensor, want *nhwc, terms int) {
	t.Helper()
	if s := got.Shape(); !s.Equal(tensor.Shape(want.d[:])) {
		t.Fatalf("%s: shape %v, want %v", what, s, tensor.Shape(want.d[:]))
	}
	u := 0x1p-23
	if got.DType() == tensor.Float64 {
		u = 0x1p-52
	}
	g := tensor.ToSlice[float64](tensor.Cast(got, tensor.Float64))
	for i, w := range want.v {
		tol := float64(terms+2)*u*want.mag[i] + 1e-300
		if !(math.Abs(g[i]-w) <= tol) {
			t.Fatalf("%s: element %d = %.9g, want %.9g (tolerance %.3g)", what, i, g[i], w, tol)
		}
	}
}

// randArray fills a tensor of dtype dt and shape s with values in [-1, 1); when view is
// set, the tensor is a non-contiguous view with that logical shape.
func randTensorView(r *rand.Rand, dt tensor.DType, view int, s ...int) *tensor.Tensor {
	switch view {
	case 1: // stored with axes 1 and 2 swapped, read through a transposed view
		return convRandTensor(r, dt, s[0], s[2], s[1], s[3]).Transpose(0, 2, 1, 3)
	case 2: // sliced out of a larger tensor with a step on axis 1 and an offset on axis 3
		big := convRandTensor(r, dt, s[0], 2*s[1], s[2], s[3]+2)
		return big.Slice(tensor.Whole(), tensor.RS(1, tensor.None, 2), tensor.Whole(), tensor.R(1, s[3]+1))
	case 3: // channels-first storage (NCHW or OIHW), permuted to the last axis
		return convRandTensor(r, dt, s[3], s[0], s[1], s[2]).Transpose(1, 2, 3, 0)
	}
	return convRandTensor(r, dt, s...)
}

// convCases is the table: odd and even sizes, strides 1..3, dilations 1..2, the three
// padding modes, channels 1..5, batch 1..3.
func convCases() []convCase {
	r := rand.New(rand.NewPCG(7, 7))
	var cases []convCase
	pads := []Padding{Valid(), Same(), Explicit(1, 0, 2, 1), Explicit(2, 2, 0, 1)}
	for s := 1; s <= 3; s++ {
		for d := 1; d <= 2; d++ {
			for _, p := range pads {
				cc := convCase{
					n: 1 + r.IntN(3), h: 5 + r.IntN(6), w: 5 + r.IntN(6), c: 1 + r.IntN(5),
					kh: 1 + r.IntN(3), kw: 1 + r.IntN(3), o: 1 + r.IntN(5),
					p: Conv2DParams{Strides: [2]int{s, 1 + r.IntN(3)}, Dilations: [2]int{d, 1 + r.IntN(2)}, Padding: p},
				}
				if r.IntN(4) == 0 {
					cc.p.Strides[1] = 0 // zero means 1
				}
				cases = append(cases, cc)
			}
		}
	}
	// The reference CNN's layers, shrunk in batch, and a 1×1 convolution (the pointwise path).
	cases = append(cases,
		convCase{n: 2, h: 28, w: 28, c: 1, kh: 3, kw: 3, o: 32},
		convCase{n: 2, h: 13, w: 13, c: 32, kh: 3, kw: 3, o: 64},
		convCase{n: 3, h: 6, w: 5, c: 4, kh: 1, kw: 1, o: 3},
		convCase{n: 2, h: 7, w: 7, c: 3, kh: 1, kw: 1, o: 2, p: Conv2DParams{Strides: [2]int{2, 2}}},
		convCase{n: 1, h: 9, w: 9, c: 2, kh: 4, kw: 2, o: 3, p: Conv2DParams{Padding: Same()}},
	)
	return cases
}

func TestConv2DAgainstReference(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for ci, cc := range convCases() {
		for _, dt := range []tensor.DType{tensor.Float32, tensor.Float64} {
			view := ci % 4
			x := randTensorView(r, dt, view, cc.n, cc.h, cc.w, cc.c)
			f := randTensorView(r, dt, (ci+1)%4, cc.kh, cc.kw, cc.c, cc.o)
			oh, ow, _, _ := cc.geometry()
			dy := randTensorView(r, dt, (ci+2)%4, cc.n, oh, ow, cc.o)
			y, dx, df := refConvAll(cc, fromTensor(x), fromTensor(f), fromTensor(dy))
			name := fmt.Sprintf("%v/%v/view%d", cc, dt, view)
			checkClose(t, name+"/Conv2D", Conv2D(x, f, cc.p), y, cc.kh*cc.kw*cc.c)
			checkClose(t, name+"/BackpropInput", Conv2DBackpropInput(x.Shape(), f, dy, cc.p), dx, cc.kh*cc.kw*cc.o)
			checkClose(t, name+"/BackpropFilter", Conv2DBackpropFilter(x, f.Shape(), dy, cc.p), df, cc.n*oh*ow)

			// The Into forms overwrite whatever their output held.
			yInto := tensor.Full(dt, math.NaN(), cc.n, oh, ow, cc.o)
			Conv2DInto(yInto, x, f, cc.p)
			checkClose(t, name+"/Conv2DInto", yInto, y, cc.kh*cc.kw*cc.c)
			dxInto := tensor.Full(dt, math.NaN(), cc.n, cc.h, cc.w, cc.c)
			Conv2DBackpropInputInto(dxInto, f, dy, cc.p)
			checkClose(t, name+"/BackpropInputInto", dxInto, dx, cc.kh*cc.kw*cc.o)
			dfInto := tensor.Full(dt, math.NaN(), cc.kh, cc.kw, cc.c, cc.o)
			Conv2DBackpropFilterInto(dfInto, x, dy, cc.p)
			checkClose(t, name+"/BackpropFilterInto", dfInto, df, cc.n*oh*ow)
		}
	}
}

// TestConv2DChunking runs problems big enough to be cut into many chunks (and filter-gradient
// groups), with small chunks forced so that chunk and image boundaries fall everywhere.
func TestConv2DChunking(t *testing.T) {
	prev := convChunkElems
	defer func() { convChunkElems = prev }()
	r := rand.New(rand.NewPCG(3, 4))
	cc := convCase{n: 5, h: 11, w: 9, c: 3, kh: 3, kw: 2, o: 5, p: Conv2DParams{Strides: [2]int{2, 1}, Padding: Same()}}
	x := convRandTensor(r, tensor.Float64, cc.n, cc.h, cc.w, cc.c)
	f := convRandTensor(r, tensor.Float64, cc.kh, cc.kw, cc.c, cc.o)
	oh, ow, _, _ := cc.geometry()
	dy := convRandTensor(r, tensor.Float64, cc.n, oh, ow, cc.o)
	y, dx, df := refConvAll(cc, fromTensor(x), fromTensor(f), fromTensor(dy))
	for _, elems := range []int{1, 17, 100, 1000, 1 << 20} {
		convChunkElems = elems
		name := fmt.Sprintf("chunk%d", elems)
		checkClose(t, name+"/Conv2D", Conv2D(x, f, cc.p), y, 18)
		checkClose(t, name+"/BackpropInput", Conv2DBackpropInput(x.Shape(), f, dy, cc.p), dx, 30)
		checkClose(t, name+"/BackpropFilter", Conv2DBackpropFilter(x, f.Shape(), dy, cc.p), df, cc.n*oh*ow)
	}
}

// TestConv2DThreads checks that results do not depend on the number of threads, bit for bit
// (the filter gradient's partial sums are grouped independently of them).
func TestConv2DThreads(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	p := Conv2DParams{Padding: Same()}
	x := convRandTensor(r, tensor.Float32, 6, 13, 13, 8)
	f := convRandTensor(r, tensor.Float32, 3, 3, 8, 16)
	dy := convRandTensor(r, tensor.Float32, 6, 13, 13, 16)
	run := func() [3][]float32 {
		return [3][]float32{
			tensor.ToSlice[float32](Conv2D(x, f, p)),
			tensor.ToSlice[float32](Conv2DBackpropInput(x.Shape(), f, dy, p)),
			tensor.ToSlice[float32](Conv2DBackpropFilter(x, f.Shape(), dy, p)),
		}
	}
	prev := parallel.SetThreads(1)
	one := run()
	parallel.SetThreads(prev)
	many := run()
	for i := range one {
		for j := range one[i] {
			if one[i][j] != many[i][j] {
				t.Fatalf("result %d element %d: %v with 1 thread, %v with %d", i, j, one[i][j], many[i][j], prev)
			}
		}
	}
}

// sumProduct is Σ y·r in float64.
func sumProduct(y, r *tensor.Tensor) float64 {
	a, b := tensor.ToSlice[float64](y), tensor.ToSlice[float64](r)
	s := 0.0
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

// numericGrad returns the central-difference gradient of loss with respect to every element
// of v (a float64 tensor it perturbs in place).
func numericGrad(v *tensor.Tensor, h float64, loss func() float64) []float64 {
	data := tensor.Data[float64](v)
	g := make([]float64, len(data))
	for i := range data {
		old := data[i]
		data[i] = old + h
		lp := loss()
		data[i] = old - h
		lm := loss()
		data[i] = old
		g[i] = (lp - lm) / (2 * h)
	}
	return g
}

func checkGrad(t *testing.T, what string, got *tensor.Tensor, want []float64) {
	t.Helper()
	g := tensor.ToSlice[float64](got)
	if len(g) != len(want) {
		t.Fatalf("%s: %d elements, want %d", what, len(g), len(want))
	}
	for i := range g {
		if math.Abs(g[i]-want[i]) > 1e-7*(1+math.Abs(want[i])) {
			t.Fatalf("%s: element %d = %.12g, numerical derivative %.12g", what, i, g[i], want[i])
		}
	}
}

// TestConv2DGradNumeric checks the backprops against central differences of
// L(x, f) = Σ Conv2D(x, f)·r for a random r.
func TestConv2DGradNumeric(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 9))
	cases := []convCase{
		{n: 2, h: 7, w: 6, c: 2, kh: 3, kw: 2, o: 3, p: Conv2DParams{Strides: [2]int{2, 1}, Padding: Same()}},
		{n: 1, h: 8, w: 9, c: 3, kh: 2, kw: 3, o: 2, p: Conv2DParams{Strides: [2]int{3, 2}, Dilations: [2]int{1, 2}, Padding: Explicit(1, 2, 0, 1)}},
		{n: 1, h: 9, w: 9, c: 1, kh: 3, kw: 3, o: 1, p: Conv2DParams{Strides: [2]int{2, 2}}},
	}
	for _, cc := range cases {
		x := convRandTensor(r, tensor.Float64, cc.n, cc.h, cc.w, cc.c)
		f := convRandTensor(r, tensor.Float64, cc.kh, cc.kw, cc.c, cc.o)
		y := Conv2D(x, f, cc.p)
		rr := convRandTensor(r, tensor.Float64, y.Shape()...)
		loss := func() float64 { return sumProduct(Conv2D(x, f, cc.p), rr) }
		checkGrad(t, cc.String()+"/dx", Conv2DBackpropInput(x.Shape(), f, rr, cc.p), numericGrad(x, 1e-3, loss))
		checkGrad(t, cc.String()+"/dfilter", Conv2DBackpropFilter(x, f.Shape(), rr, cc.p), numericGrad(f, 1e-3, loss))
	}
}

// TestConv2DTranspose checks tf.nn.conv2d_transpose semantics: it is the adjoint of Conv2D,
// <Conv2D(y, f), x> = <y, Conv2DTranspose(x, f)>, with the filter's channel axes read as
// [KH, KW, outC, inC].
func TestConv2DTranspose(t *testing.T) {
	r := rand.New(rand.NewPCG(10, 11))
	for _, cc := range []convCase{
		{n: 2, h: 9, w: 8, c: 3, kh: 3, kw: 3, o: 4, p: Conv2DParams{Strides: [2]int{2, 2}, Padding: Same()}},
		{n: 1, h: 10, w: 7, c: 2, kh: 4, kw: 2, o: 1, p: Conv2DParams{Strides: [2]int{3, 1}, Dilations: [2]int{1, 2}}},
	} {
		// The transpose maps [N,OH,OW,inC=o] to outputShape [N,H,W,outC=c].
		f := convRandTensor(r, tensor.Float64, cc.kh, cc.kw, cc.c, cc.o)
		oh, ow, _, _ := cc.geometry()
		x := convRandTensor(r, tensor.Float64, cc.n, oh, ow, cc.o)
		outShape := tensor.Shape{cc.n, cc.h, cc.w, cc.c}
		z := Conv2DTranspose(x, f, outShape, cc.p)
		if !z.Shape().Equal(outShape) {
			t.Fatalf("%v: shape %v, want %v", cc, z.Shape(), outShape)
		}
		_, want, _ := refConvAll(cc, newNHWC(cc.n, cc.h, cc.w, cc.c), fromTensor(f), fromTensor(x))
		checkClose(t, cc.String()+"/Conv2DTranspose", z, want, cc.kh*cc.kw*cc.o)
		yv := convRandTensor(r, tensor.Float64, outShape...)
		lhs := sumProduct(Conv2D(yv, f, cc.p), x)
		rhs := sumProduct(yv, z)
		if math.Abs(lhs-rhs) > 1e-10*(1+math.Abs(lhs)) {
			t.Fatalf("%v: <Conv2D(y,f),x> = %v but <y,Conv2DTranspose(x,f)> = %v", cc, lhs, rhs)
		}
	}
}

// TestConv2DSeedArticle checks the seed article's CNN layer: x = np.random.randn(1,9,9,1)
// with seed 0, its 3×3 kernel, stride 2, VALID; the printed z_l1; and the article's gradient
// relations computed by hand: the input gradient is the FULL convolution of the stride-dilated
// δ with the 180°-rotated kernel, the kernel gradient the VALID correlation of x with the
// stride-dilated δ.
func TestConv2DSeedArticle(t *testing.T) {
	xs := make([]float64, 81)
	random.New(0).FillStandardNormal(xs)
	kern := make([]float64, 9)
	for i, v := range seedarticle.Kernel() {
		kern[i] = float64(v)
	}
	x := tensor.FromSlice(xs, 1, 9, 9, 1)
	w := tensor.FromSlice(kern, 3, 3, 1, 1)
	p := Conv2DParams{Strides: [2]int{2, 2}, Padding: Valid()}
	z := tensor.ToSlice[float64](Conv2D(x, w, p))
	article := seedarticle.ZL1()
	for i := range article {
		if math.Abs(z[i]-article[i]) > 2e-6 {
			t.Fatalf("z_l1[%d] = %.8f, the article prints %.8f", i, z[i], article[i])
		}
	}

	r := rand.New(rand.NewPCG(12, 13))
	delta := make([]float64, 16)
	for i := range delta {
		delta[i] = r.Float64()*2 - 1
	}
	// δ dilated by the stride: 4×4 → 7×7 with zeros between.
	var dil [7][7]float64
	for i := range 4 {
		for j := range 4 {
			dil[2*i][2*j] = delta[i*4+j]
		}
	}
	// FULL convolution with the rotated kernel: pad the dilated δ by 2 on each side (11×11)
	// and correlate with rot180(kernel).
	var wantDx [9][9]float64
	for h := range 9 {
		for ww := range 9 {
			for a := range 3 {
				for b := range 3 {
					pi, pj := h+a-2, ww+b-2
					if pi < 0 || pi >= 7 || pj < 0 || pj >= 7 {
						continue
					}
					wantDx[h][ww] += dil[pi][pj] * kern[(2-a)*3+(2-b)]
				}
			}
		}
	}
	// Kernel gradient: VALID correlation of x (9×9) with the dilated δ (7×7) → 3×3.
	var wantDw [3][3]float64
	for a := range 3 {
		for b := range 3 {
			for i := range 7 {
				for j := range 7 {
					wantDw[a][b] += xs[(a+i)*9+b+j] * dil[i][j]
				}
			}
		}
	}
	dy := tensor.FromSlice(delta, 1, 4, 4, 1)
	dx := tensor.ToSlice[float64](Conv2DBackpropInput(x.Shape(), w, dy, p))
	dxT := tensor.ToSlice[float64](Conv2DTranspose(dy, w, x.Shape(), p))
	dw := tensor.ToSlice[float64](Conv2DBackpropFilter(x, w.Shape(), dy, p))
	for h := range 9 {
		for ww := range 9 {
			if math.Abs(dx[h*9+ww]-wantDx[h][ww]) > 1e-12 || dxT[h*9+ww] != dx[h*9+ww] {
				t.Fatalf("dx[%d,%d] = %v (transpose %v), full convolution gives %v", h, ww, dx[h*9+ww], dxT[h*9+ww], wantDx[h][ww])
			}
		}
	}
	for a := range 3 {
		for b := range 3 {
			if math.Abs(dw[a*3+b]-wantDw[a][b]) > 1e-12 {
				t.Fatalf("dW[%d,%d] = %v, valid correlation gives %v", a, b, dw[a*3+b], wantDw[a][b])
			}
		}
	}
}

func TestConv2DSamePadding(t *testing.T) {
	// TF's rule by hand: in 7, k 4, stride 2: out 4, total (4-1)·2+4-7 = 3, 1 before, 2 after.
	// in 6, k 1, stride 4: out 2, total max(4+1-6, 0) = 0.
	for _, c := range []struct{ in, k, s, d, out, before int }{
		{7, 4, 2, 1, 4, 1}, {6, 1, 4, 1, 2, 0}, {5, 3, 1, 2, 5, 2}, {10, 3, 3, 1, 4, 1}, {1, 5, 1, 1, 1, 2},
	} {
		out, before := resolveAxis("t", Same(), 0, c.in, c.k, c.s, c.d, "filter", nil)
		if out != c.out || before != c.before {
			t.Errorf("SAME in=%d k=%d s=%d d=%d: out %d before %d, want %d %d", c.in, c.k, c.s, c.d, out, before, c.out, c.before)
		}
	}
}

func TestConv2DEmpty(t *testing.T) {
	x := tensor.New(tensor.Float32, 0, 5, 5, 2)
	f := tensor.New(tensor.Float32, 3, 3, 2, 4)
	if s := Conv2D(x, f, Conv2DParams{}).Shape(); !s.Equal(tensor.Shape{0, 3, 3, 4}) {
		t.Fatalf("empty batch: shape %v", s)
	}
	dy := tensor.New(tensor.Float32, 0, 3, 3, 4)
	dw := Conv2DBackpropFilter(x, f.Shape(), dy, Conv2DParams{})
	for _, v := range tensor.ToSlice[float32](dw) {
		if v != 0 {
			t.Fatalf("empty batch filter gradient %v", v)
		}
	}
	// Zero input channels: the output is all zeros.
	y := Conv2D(tensor.New(tensor.Float64, 1, 4, 4, 0), tensor.New(tensor.Float64, 2, 2, 0, 3), Conv2DParams{Padding: Same()})
	if s := y.Shape(); !s.Equal(tensor.Shape{1, 4, 4, 3}) {
		t.Fatalf("no channels: shape %v", s)
	}
}

// expectPanic runs f and checks that it panics with a *tensor.Error of the op and kind, whose
// message contains every string in want.
func expectPanic(t *testing.T, op string, kind error, want []string, f func()) {
	t.Helper()
	defer func() {
		t.Helper()
		e, ok := recover().(*tensor.Error)
		if !ok {
			t.Fatalf("%s: no *tensor.Error panic (want %v)", op, want)
		}
		if e.Op != op || !errors.Is(e, kind) {
			t.Fatalf("got %v (op %q, kind %v), want op %q kind %v", e, e.Op, e.Kind, op, kind)
		}
		for _, w := range want {
			if !strings.Contains(e.Error(), w) {
				t.Fatalf("message %q lacks %q", e.Error(), w)
			}
		}
	}()
	f()
}

func TestConv2DErrors(t *testing.T) {
	f32 := func(s ...int) *tensor.Tensor { return tensor.New(tensor.Float32, s...) }
	x := f32(2, 5, 5, 3)
	expectPanic(t, "Conv2D", tensor.ErrShape, []string{"Conv2D: input [2,5,5,3] has 3 channels but filter [3,3,1,32] expects 1"},
		func() { Conv2D(x, f32(3, 3, 1, 32), Conv2DParams{}) })
	expectPanic(t, "Conv2D", tensor.ErrShape, []string{"[5,5,3]", "rank 4"}, func() { Conv2D(f32(5, 5, 3), f32(3, 3, 3, 1), Conv2DParams{}) })
	expectPanic(t, "Conv2D", tensor.ErrShape, []string{"[3,3,3]", "rank 4"}, func() { Conv2D(x, f32(3, 3, 3), Conv2DParams{}) })
	expectPanic(t, "Conv2D", tensor.ErrShape, []string{"height 5", "dilated filter height 7", "[2,5,5,3]", "[3,3,3,1]"},
		func() { Conv2D(x, f32(3, 3, 3, 1), Conv2DParams{Dilations: [2]int{3, 1}}) })
	expectPanic(t, "Conv2D", tensor.ErrShape, []string{"width 5", "padded by 0+1", "filter width 7"},
		func() { Conv2D(x, f32(1, 7, 3, 1), Conv2DParams{Padding: Explicit(0, 0, 0, 1)}) })
	expectPanic(t, "Conv2D", tensor.ErrArgument, []string{"strides [1 -1]"}, func() { Conv2D(x, f32(3, 3, 3, 1), Conv2DParams{Strides: [2]int{1, -1}}) })
	expectPanic(t, "Conv2D", tensor.ErrArgument, []string{"dilations"}, func() { Conv2D(x, f32(3, 3, 3, 1), Conv2DParams{Dilations: [2]int{-2, 1}}) })
	expectPanic(t, "Conv2D", tensor.ErrArgument, []string{`"same"`}, func() { Conv2D(x, f32(3, 3, 3, 1), Conv2DParams{Padding: Padding{Mode: "same"}}) })
	expectPanic(t, "Conv2D", tensor.ErrArgument, []string{"negative"}, func() { Conv2D(x, f32(3, 3, 3, 1), Conv2DParams{Padding: Explicit(0, -1, 0, 0)}) })
	expectPanic(t, "Conv2D", tensor.ErrShape, []string{"empty window"}, func() { Conv2D(x, f32(0, 3, 3, 1), Conv2DParams{}) })
	expectPanic(t, "Conv2D", tensor.ErrDType, []string{"float32", "float64"}, func() { Conv2D(x, tensor.New(tensor.Float64, 3, 3, 3, 1), Conv2DParams{}) })
	expectPanic(t, "Conv2D", tensor.ErrDType, []string{"int32"}, func() { Conv2D(tensor.New(tensor.Int32, 1, 3, 3, 1), f32(1, 1, 1, 1), Conv2DParams{}) })

	f := f32(3, 3, 3, 4)
	expectPanic(t, "Conv2DBackpropInput", tensor.ErrShape, []string{"dy has shape [2,3,3,3]", "input_sizes [2,5,5,3]", "[3,3,3,4]", "[2,3,3,4]"},
		func() { Conv2DBackpropInput(tensor.Shape{2, 5, 5, 3}, f, f32(2, 3, 3, 3), Conv2DParams{}) })
	expectPanic(t, "Conv2DBackpropInput", tensor.ErrShape, []string{"input_sizes [2,5,5,2] has 2 channels but filter [3,3,3,4] expects 3"},
		func() { Conv2DBackpropInput(tensor.Shape{2, 5, 5, 2}, f, f32(2, 3, 3, 4), Conv2DParams{}) })
	expectPanic(t, "Conv2DBackpropFilter", tensor.ErrShape, []string{"dy has shape [2,5,5,4]", "[2,3,3,4]"},
		func() { Conv2DBackpropFilter(x, f.Shape(), f32(2, 5, 5, 4), Conv2DParams{}) })
	expectPanic(t, "Conv2DBackpropFilter", tensor.ErrShape, []string{"filter_sizes has shape [3,3]", "rank 4"},
		func() { Conv2DBackpropFilter(x, tensor.Shape{3, 3}, f32(2, 3, 3, 4), Conv2DParams{}) })
	expectPanic(t, "Conv2DTranspose", tensor.ErrShape, []string{"input has shape [2,4,4,4]", "output_shape [2,5,5,3]"},
		func() { Conv2DTranspose(f32(2, 4, 4, 4), f, tensor.Shape{2, 5, 5, 3}, Conv2DParams{}) })

	w := f32(3, 3, 3, 1)
	expectPanic(t, "Conv2DInto", tensor.ErrShape, []string{"y has shape [2,3,3,2] but the result has shape [2,3,3,1]"},
		func() { Conv2DInto(f32(2, 3, 3, 2), x, w, Conv2DParams{}) })
	expectPanic(t, "Conv2DInto", tensor.ErrDType, []string{"y is float64"},
		func() { Conv2DInto(tensor.New(tensor.Float64, 2, 3, 3, 1), x, w, Conv2DParams{}) })
	expectPanic(t, "Conv2DInto", tensor.ErrArgument, []string{"not a row-major contiguous"},
		func() { Conv2DInto(f32(2, 3, 3, 1).Transpose(0, 2, 1, 3), x, w, Conv2DParams{}) })
	big := f32(2, 5, 5, 3)
	expectPanic(t, "Conv2DInto", tensor.ErrArgument, []string{"shares its storage"},
		func() { Conv2DInto(big.Reshape(-1).Slice(tensor.R(0, 18)).Reshape(2, 3, 3, 1), big, w, Conv2DParams{}) })
	expectPanic(t, "Conv2DBackpropInputInto", tensor.ErrShape, []string{"dy has shape [2,3,3,4]", "dx [2,5,5,3]", "gives [2,3,3,1]"},
		func() { Conv2DBackpropInputInto(f32(2, 5, 5, 3), w, f32(2, 3, 3, 4), Conv2DParams{}) })
	expectPanic(t, "Conv2DBackpropFilterInto", tensor.ErrArgument, []string{"dfilter", "shares its storage"},
		func() {
			dy := f32(2, 3, 3, 1)
			Conv2DBackpropFilterInto(dy.Reshape(-1).Slice(tensor.R(0, 9)).Reshape(3, 3, 1, 1), f32(2, 5, 5, 1), dy, Conv2DParams{})
		})
}

// convRandTensor returns a row-major tensor of the given shape with values in [-1, 1).
func convRandTensor(r *rand.Rand, dt tensor.DType, shape ...int) *tensor.Tensor {
	v := make([]float64, tensor.Shape(shape).NumElements())
	for i := range v {
		v[i] = r.Float64()*2 - 1
	}
	return tensor.Cast(tensor.FromSlice(v, shape...), dt)
}
