package cpu

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/tensorgraph/tensorgraph/tensor"
)

type poolCase struct {
	n, h, w, c     int
	ksize, strides [2]int
	pad            Padding
}

func (pc poolCase) String() string {
	return fmt.Sprintf("x[%d,%d,%d,%d]/k%v/s%v/%s", pc.n, pc.h, pc.w, pc.c, pc.ksize, pc.strides, pc.pad)
}

// refPool computes max and average pooling and their gradients for dy by direct loops; the
// max gradient goes to the first maximum in row-major window order.
func refPool(pc poolCase, x, dy *nhwc) (mx, avg, dmax, davg *nhwc) {
	oh, pt, _ := refPad(pc.pad.Mode, pc.pad.Explicit[0], pc.h, pc.ksize[0], pc.strides[0], 1)
	ow, pl, _ := refPad(pc.pad.Mode, pc.pad.Explicit[1], pc.w, pc.ksize[1], pc.strides[1], 1)
	mx, avg = newNHWC(pc.n, oh, ow, pc.c), newNHWC(pc.n, oh, ow, pc.c)
	dmax, davg = newNHWC(pc.n, pc.h, pc.w, pc.c), newNHWC(pc.n, pc.h, pc.w, pc.c)
	for n := range pc.n {
		for i := range oh {
			for j := range ow {
				for c := range pc.c {
					best, bi, bj, sum, cnt := math.Inf(-1), -1, -1, 0.0, 0
					for a := range pc.ksize[0] {
						for b := range pc.ksize[1] {
							ih, iw := i*pc.strides[0]+a-pt, j*pc.strides[1]+b-pl
							if ih < 0 || ih >= pc.h || iw < 0 || iw >= pc.w {
								continue
							}
							v := x.v[x.at(n, ih, iw, c)]
							if bi < 0 || v > best {
								best, bi, bj = v, ih, iw
							}
							sum += v
							cnt++
						}
					}
					mx.v[mx.at(n, i, j, c)] = best
					avg.v[avg.at(n, i, j, c)] = sum / float64(cnt)
					avg.mag[avg.at(n, i, j, c)] = 1
					g := dy.v[dy.at(n, i, j, c)]
					dmax.v[dmax.at(n, bi, bj, c)] += g
					dmax.mag[dmax.at(n, bi, bj, c)] += math.Abs(g)
					for a := range pc.ksize[0] {
						for b := range pc.ksize[1] {
							ih, iw := i*pc.strides[0]+a-pt, j*pc.strides[1]+b-pl
							if ih >= 0 && ih < pc.h && iw >= 0 && iw < pc.w {
								davg.v[davg.at(n, ih, iw, c)] += g / float64(cnt)
								davg.mag[davg.at(n, ih, iw, c)] += math.Abs(g)
							}
						}
					}
				}
			}
		}
	}
	return
}

func poolCases() []poolCase {
	r := rand.New(rand.NewPCG(21, 22))
	var cases []poolCase
	for k := 1; k <= 3; k++ {
		for s := 1; s <= 3; s++ {
			for mode := range 3 {
				pc := poolCase{n: 1 + r.IntN(3), h: 4 + r.IntN(6), w: 4 + r.IntN(6), c: 1 + r.IntN(5),
					ksize: [2]int{k, 1 + r.IntN(3)}, strides: [2]int{s, 1 + r.IntN(3)}}
				switch mode {
				case 1:
					pc.pad = Same()
				case 2:
					pc.pad = Explicit(k-1, r.IntN(k), 0, pc.ksize[1]-1)
				}
				cases = append(cases, pc)
			}
		}
	}
	return append(cases,
		poolCase{n: 2, h: 26, w: 26, c: 32, ksize: [2]int{2, 2}, strides: [2]int{2, 2}},
		poolCase{n: 2, h: 11, w: 11, c: 64, ksize: [2]int{2, 2}, strides: [2]int{2, 2}},
		poolCase{n: 1, h: 7, w: 7, c: 3, ksize: [2]int{3, 3}, strides: [2]int{2, 2}, pad: Same()},
		// Channel counts of 8 and more take the AVX2 kernels (with a scalar tail when not a
		// multiple of 8), overlapping and disjoint windows, with gaps between windows.
		poolCase{n: 2, h: 9, w: 8, c: 11, ksize: [2]int{3, 3}, strides: [2]int{1, 2}, pad: Same()},
		poolCase{n: 1, h: 7, w: 8, c: 16, ksize: [2]int{2, 3}, strides: [2]int{2, 3}},
		poolCase{n: 2, h: 8, w: 7, c: 9, ksize: [2]int{3, 2}, strides: [2]int{2, 1}, pad: Explicit(1, 2, 1, 0)},
		poolCase{n: 1, h: 10, w: 10, c: 24, ksize: [2]int{2, 2}, strides: [2]int{3, 3}, pad: Same()},
	)
}

func TestPoolAgainstReference(t *testing.T) {
	r := rand.New(rand.NewPCG(23, 24))
	for ci, pc := range poolCases() {
		for _, dt := range []tensor.DType{tensor.Float32, tensor.Float64} {
			x := randTensorView(r, dt, ci%4, pc.n, pc.h, pc.w, pc.c)
			oh, _, _ := refPad(pc.pad.Mode, pc.pad.Explicit[0], pc.h, pc.ksize[0], pc.strides[0], 1)
			ow, _, _ := refPad(pc.pad.Mode, pc.pad.Explicit[1], pc.w, pc.ksize[1], pc.strides[1], 1)
			dy := randTensorView(r, dt, (ci+1)%4, pc.n, oh, ow, pc.c)
			mx, avg, dmax, davg := refPool(pc, fromTensor(x), fromTensor(dy))
			for i := range mx.mag {
				mx.mag[i] = 0 // max is exact
			}
			name := fmt.Sprintf("%v/%v/view%d", pc, dt, ci%4)
			k := pc.ksize[0] * pc.ksize[1]
			checkClose(t, name+"/MaxPool", MaxPool(x, pc.ksize, pc.strides, pc.pad), mx, 0)
			checkClose(t, name+"/AvgPool", AvgPool(x, pc.ksize, pc.strides, pc.pad), avg, k+1)
			checkClose(t, name+"/MaxPoolGrad", MaxPoolGrad(x, dy, pc.ksize, pc.strides, pc.pad), dmax, k)
			checkClose(t, name+"/AvgPoolGrad", AvgPoolGrad(x.Shape(), dy, pc.ksize, pc.strides, pc.pad), davg, k+1)

			into := func(s ...int) *tensor.Tensor { return tensor.Full(dt, math.NaN(), s...) }
			y := into(pc.n, oh, ow, pc.c)
			MaxPoolInto(y, x, pc.ksize, pc.strides, pc.pad)
			checkClose(t, name+"/MaxPoolInto", y, mx, 0)
			AvgPoolInto(y, x, pc.ksize, pc.strides, pc.pad)
			checkClose(t, name+"/AvgPoolInto", y, avg, k+1)
			dx := into(pc.n, pc.h, pc.w, pc.c)
			MaxPoolGradInto(dx, x, dy, pc.ksize, pc.strides, pc.pad)
			checkClose(t, name+"/MaxPoolGradInto", dx, dmax, k)
			AvgPoolGradInto(dx, dy, pc.ksize, pc.strides, pc.pad)
			checkClose(t, name+"/AvgPoolGradInto", dx, davg, k+1)
		}
	}
}

// TestMaxPoolTies: on a constant input every window's gradient goes to its first position in
// row-major order, and overlapping windows add up there.
func TestMaxPoolTies(t *testing.T) {
	x := tensor.Ones(tensor.Float64, 1, 4, 4, 1)
	dy := tensor.Ones(tensor.Float64, 1, 3, 3, 1)
	dx := tensor.ToSlice[float64](MaxPoolGrad(x, dy, [2]int{2, 2}, [2]int{1, 1}, Valid()))
	want := []float64{1, 1, 1, 0, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 0, 0}
	for i := range want {
		if dx[i] != want[i] {
			t.Fatalf("dx = %v, want %v", dx, want)
		}
	}
	// The same with 8 channels (the vector kernels) and with 3×3 windows.
	for _, k := range []int{2, 3} {
		x := tensor.Ones(tensor.Float32, 1, 4, 4, 8)
		dy := tensor.Ones(tensor.Float32, 1, 5-k, 5-k, 8)
		dx := tensor.ToSlice[float32](MaxPoolGrad(x, dy, [2]int{k, k}, [2]int{1, 1}, Valid()))
		for i, v := range dx {
			h, w := i/32, i/8%4
			if want := float32(b2i(h <= 4-k && w <= 4-k)); v != want {
				t.Fatalf("%dx%d windows, 8 channels: dx[%d,%d] = %v, want %v", k, k, h, w, v, want)
			}
		}
	}
	// Disjoint windows (stride = window), 8 channels: the first position of each window.
	x8 := tensor.Ones(tensor.Float32, 1, 4, 4, 8)
	dx8 := tensor.ToSlice[float32](MaxPoolGrad(x8, tensor.Ones(tensor.Float32, 1, 2, 2, 8), [2]int{2, 2}, [2]int{2, 2}, Valid()))
	for i, v := range dx8 {
		h, w := i/32, i/8%4
		if want := float32(b2i(h%2 == 0 && w%2 == 0)); v != want {
			t.Fatalf("disjoint 2x2 windows, 8 channels: dx[%d,%d] = %v, want %v", h, w, v, want)
		}
	}
	// Equal maxima at (0,1) and (1,0) of one 2×2 window: (0,1) comes first.
	x = tensor.FromSlice([]float32{0, 5, 5, 1}, 1, 2, 2, 1)
	got := tensor.ToSlice[float32](MaxPoolGrad(x, tensor.FromSlice([]float32{3}, 1, 1, 1, 1), [2]int{2, 2}, [2]int{2, 2}, Valid()))
	if got[1] != 3 || got[2] != 0 {
		t.Fatalf("tie: dx = %v, want [0 3 0 0]", got)
	}
}

func TestMaxPoolNaN(t *testing.T) {
	nan := math.NaN()
	x := tensor.FromSlice([]float64{1, nan, 3, 2, 4, 5, 6, 7}, 1, 2, 4, 1)
	y := tensor.ToSlice[float64](MaxPool(x, [2]int{2, 2}, [2]int{2, 2}, Valid()))
	if !math.IsNaN(y[0]) || y[1] != 7 {
		t.Fatalf("MaxPool with a NaN: %v, want [NaN 7]", y)
	}
	// The gradient of a window whose maximum is NaN goes to the first NaN, in the 2×2 path and
	// in the general one (3×3), inside the image and at its edge (SAME).
	dx := tensor.ToSlice[float64](MaxPoolGrad(x, tensor.FromSlice([]float64{10, 20}, 1, 1, 2, 1), [2]int{2, 2}, [2]int{2, 2}, Valid()))
	if want := []float64{0, 10, 0, 0, 0, 0, 0, 20}; fmt.Sprint(dx) != fmt.Sprint(want) {
		t.Fatalf("MaxPoolGrad 2x2 with a NaN: %v, want %v", dx, want)
	}
	x = tensor.FromSlice([]float64{1, 2, 3, 4, nan, 6, 7, nan, 9}, 1, 3, 3, 1)
	dx = tensor.ToSlice[float64](MaxPoolGrad(x, tensor.FromSlice([]float64{5}, 1, 1, 1, 1), [2]int{3, 3}, [2]int{1, 1}, Valid()))
	if want := []float64{0, 0, 0, 0, 5, 0, 0, 0, 0}; fmt.Sprint(dx) != fmt.Sprint(want) {
		t.Fatalf("MaxPoolGrad 3x3 with a NaN: %v, want %v", dx, want)
	}
	dx = tensor.ToSlice[float64](MaxPoolGrad(x, tensor.Ones(tensor.Float64, 1, 2, 2, 1), [2]int{3, 3}, [2]int{2, 2}, Same()))
	if want := []float64{0, 0, 0, 0, 4, 0, 0, 0, 0}; fmt.Sprint(dx) != fmt.Sprint(want) {
		t.Fatalf("MaxPoolGrad SAME with a NaN: %v, want %v", dx, want)
	}
	// 8 float32 channels (the vector kernels): channel c has its NaN at tap c%4 of a 2×2
	// window (none for c ≥ 4), and 1 < 2 < 3 < 4 elsewhere.
	v := make([]float32, 4*8)
	for tap := range 4 {
		for c := range 8 {
			v[tap*8+c] = float32(tap + 1)
			if c < 4 && tap == c {
				v[tap*8+c] = float32(nan)
			}
		}
	}
	x32 := tensor.FromSlice(v, 1, 2, 2, 8)
	for _, k := range [][2]int{{2, 2}, {1, 1}} { // stride 2: disjoint windows; 1: overlapping
		y32 := tensor.ToSlice[float32](MaxPool(x32, [2]int{2, 2}, k, Valid()))
		g32 := tensor.ToSlice[float32](MaxPoolGrad(x32, tensor.Ones(tensor.Float32, 1, 1, 1, 8), [2]int{2, 2}, k, Valid()))
		for c := range 8 {
			wantTap := 3
			if c < 4 {
				wantTap = c
			}
			if (c < 4) != math.IsNaN(float64(y32[c])) || (c >= 4 && y32[c] != 4) {
				t.Fatalf("strides %v: MaxPool channel %d = %v", k, c, y32[c])
			}
			for tap := range 4 {
				if want := float32(b2i(tap == wantTap)); g32[tap*8+c] != want {
					t.Fatalf("strides %v: MaxPoolGrad channel %d tap %d = %v, want %v", k, c, tap, g32[tap*8+c], want)
				}
			}
		}
	}
}

// TestPoolGradNumeric checks both gradients against central differences of Σ pool(x)·r, with
// x's values far apart so that no perturbation changes a window's maximum.
func TestPoolGradNumeric(t *testing.T) {
	r := rand.New(rand.NewPCG(25, 26))
	for _, pc := range []poolCase{
		{n: 2, h: 7, w: 6, c: 3, ksize: [2]int{3, 2}, strides: [2]int{2, 1}, pad: Same()},
		{n: 1, h: 6, w: 7, c: 2, ksize: [2]int{3, 3}, strides: [2]int{1, 2}, pad: Explicit(2, 1, 0, 2)},
	} {
		size := pc.n * pc.h * pc.w * pc.c
		vals := make([]float64, size)
		for i, p := range r.Perm(size) {
			vals[i] = float64(p)*0.1 - 3
		}
		x := tensor.FromSlice(vals, pc.n, pc.h, pc.w, pc.c)
		y := MaxPool(x, pc.ksize, pc.strides, pc.pad)
		rr := convRandTensor(r, tensor.Float64, y.Shape()...)
		maxLoss := func() float64 { return sumProduct(MaxPool(x, pc.ksize, pc.strides, pc.pad), rr) }
		avgLoss := func() float64 { return sumProduct(AvgPool(x, pc.ksize, pc.strides, pc.pad), rr) }
		checkGrad(t, pc.String()+"/MaxPoolGrad", MaxPoolGrad(x, rr, pc.ksize, pc.strides, pc.pad), numericGrad(x, 1e-3, maxLoss))
		checkGrad(t, pc.String()+"/AvgPoolGrad", AvgPoolGrad(x.Shape(), rr, pc.ksize, pc.strides, pc.pad), numericGrad(x, 1e-3, avgLoss))
	}
}

func TestPoolErrors(t *testing.T) {
	x := tensor.New(tensor.Float32, 2, 5, 5, 3)
	k, s := [2]int{2, 2}, [2]int{2, 2}
	expectPanic(t, "MaxPool", tensor.ErrShape, []string{"[5,5,3]", "rank 4"}, func() { MaxPool(tensor.New(tensor.Float32, 5, 5, 3), k, s, Valid()) })
	expectPanic(t, "AvgPool", tensor.ErrArgument, []string{"ksize [0 2]"}, func() { AvgPool(x, [2]int{0, 2}, s, Valid()) })
	expectPanic(t, "MaxPool", tensor.ErrArgument, []string{"strides [2 0]"}, func() { MaxPool(x, k, [2]int{2, 0}, Valid()) })
	expectPanic(t, "MaxPool", tensor.ErrShape, []string{"input width 5", "window width 6", "[2,5,5,3]"}, func() { MaxPool(x, [2]int{1, 6}, s, Valid()) })
	expectPanic(t, "MaxPool", tensor.ErrArgument, []string{"smaller than the window"}, func() { MaxPool(x, k, s, Explicit(0, 2, 0, 0)) })
	expectPanic(t, "MaxPool", tensor.ErrDType, []string{"int8"}, func() { MaxPool(tensor.New(tensor.Int8, 1, 2, 2, 1), k, s, Valid()) })
	expectPanic(t, "MaxPoolGrad", tensor.ErrShape, []string{"dy has shape [2,3,3,3]", "[2,5,5,3]", "[2,2,2,3]"},
		func() { MaxPoolGrad(x, tensor.New(tensor.Float32, 2, 3, 3, 3), k, s, Valid()) })
	expectPanic(t, "MaxPoolGrad", tensor.ErrDType, []string{"float32", "float64"},
		func() { MaxPoolGrad(x, tensor.New(tensor.Float64, 2, 2, 2, 3), k, s, Valid()) })
	expectPanic(t, "AvgPoolGrad", tensor.ErrShape, []string{"dy has shape [2,2,2,3]", "[2,3,3,3]"},
		func() { AvgPoolGrad(x.Shape(), tensor.New(tensor.Float32, 2, 2, 2, 3), k, s, Same()) })
	expectPanic(t, "MaxPoolInto", tensor.ErrShape, []string{"y has shape [2,3,3,3] but the result has shape [2,2,2,3]"},
		func() { MaxPoolInto(tensor.New(tensor.Float32, 2, 3, 3, 3), x, k, s, Valid()) })
	expectPanic(t, "MaxPoolGradInto", tensor.ErrArgument, []string{"dx", "shares its storage"},
		func() { MaxPoolGradInto(x, x, tensor.New(tensor.Float32, 2, 2, 2, 3), k, s, Valid()) })
	expectPanic(t, "AvgPoolGradInto", tensor.ErrArgument, []string{"not a row-major contiguous"},
		func() {
			AvgPoolGradInto(tensor.New(tensor.Float32, 2, 5, 5, 3).Transpose(0, 2, 1, 3), tensor.New(tensor.Float32, 2, 2, 2, 3), k, s, Valid())
		})
}
