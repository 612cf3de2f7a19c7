package tensor

//go:generate sh -c "/usr/bin/python3 testdata/gen_ref.py > testdata/ref.json"

import (
	"encoding/hex"
	"encoding/json"
	"math"
	"os"
	"testing"
)

// refData is testdata/ref.json, written by testdata/gen_ref.py with NumPy 1.24 and PyTorch 1.13.
type refData struct {
	Casts []struct {
		Src, Dst string
		In, Out  []string
	}
	Unary []struct {
		Op, DType string
		In, Out   []string
	}
	Reductions struct {
		Shape []int
		Cases []struct {
			Op    string
			Axes  []int
			Shape []int
			Out   []string
			Slice bool
		}
	}
	LongSum   string `json:"long_sum"`
	LongSum64 string `json:"long_sum64"`
	Pad       []struct {
		Mode  string
		Shape []int
		Out   []float64
	}
}

func loadRef(t *testing.T) *refData {
	t.Helper()
	b, err := os.ReadFile("testdata/ref.json")
	if err != nil {
		t.Fatal(err)
	}
	var r refData
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	return &r
}

func unhex(t *testing.T, s string) float64 {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != 8 {
		t.Fatalf("bad hex float %q", s)
	}
	var u uint64
	for _, c := range b {
		u = u<<8 | uint64(c)
	}
	return math.Float64frombits(u)
}

func unhexAll(t *testing.T, s []string) []float64 {
	out := make([]float64, len(s))
	for i, v := range s {
		out[i] = unhex(t, v)
	}
	return out
}

// refInput mirrors ref_input in gen_ref.py: exact in float64, then cast.
func refInput(n int, dt DType) *Tensor {
	v := make([]float64, n)
	for i := range v {
		v[i] = float64((int64(i)*7919)%1000-500) / 37.0
	}
	return Cast(FromSlice(v), dt)
}

func sameFloat(a, b float64) bool { return a == b || (a != a && b != b) }

func TestCastMatchesNumPy(t *testing.T) {
	ref := loadRef(t)
	if len(ref.Casts) != 81 {
		t.Fatalf("want 9x9 cast cases, got %d", len(ref.Casts))
	}
	for _, c := range ref.Casts {
		src, _ := ParseDType(c.Src)
		dst, _ := ParseDType(c.Dst)
		in := Cast(FromSlice(unhexAll(t, c.In)), src)
		// The source values are exact in src: check the round trip first.
		for i, want := range unhexAll(t, c.In) {
			if got := in.Float64(i); !sameFloat(got, want) {
				t.Fatalf("%s input %d: %v, want %v", c.Src, i, got, want)
			}
		}
		got := Cast(in, dst)
		if got.DType() != dst {
			t.Fatalf("Cast to %v gave %v", dst, got.DType())
		}
		for i, want := range unhexAll(t, c.Out) {
			if g := got.Float64(i); !sameFloat(g, want) {
				t.Errorf("Cast %s->%s of %v: got %v, want %v (NumPy/PyTorch)", c.Src, c.Dst, in.Float64(i), g, want)
			}
		}
	}
}

func TestUnaryMatchesNumPy(t *testing.T) {
	ref := loadRef(t)
	fns := map[string]func(*Tensor) *Tensor{
		"Exp": Exp, "Expm1": Expm1, "Log": Log, "Log1p": Log1p, "Sqrt": Sqrt, "Rsqrt": Rsqrt,
		"Tanh": Tanh, "Sigmoid": Sigmoid, "Sin": Sin, "Cos": Cos, "Reciprocal": Reciprocal,
		"Floor": Floor, "Ceil": Ceil, "Round": Round, "Abs": Abs, "Neg": Neg, "Square": Square,
		"Sign": Sign, "Relu": Relu,
	}
	for _, c := range ref.Unary {
		f := fns[c.Op]
		if f == nil {
			t.Fatalf("no function for %s", c.Op)
		}
		dt, _ := ParseDType(c.DType)
		in := Cast(FromSlice(unhexAll(t, c.In)), dt)
		got := f(in)
		// Go's math library and glibc's may differ in the last place: allow 2 ulp of the dtype.
		eps := 2 * math.Pow(2, -52)
		if dt == Float32 {
			eps = 2 * math.Pow(2, -23)
		}
		for i, want := range unhexAll(t, c.Out) {
			g := got.Float64(i)
			if !sameFloat(g, want) && math.Abs(g-want) > eps*math.Abs(want) {
				t.Errorf("%s(%v) %s = %v, NumPy says %v", c.Op, in.Float64(i), c.DType, g, want)
			}
		}
	}
}

func TestReductionsMatchNumPy(t *testing.T) {
	ref := loadRef(t)
	x := refInput(Shape(ref.Reductions.Shape).NumElements(), Float32).Reshape(ref.Reductions.Shape...)
	ops := map[string]ReduceOp{"Sum": ReduceSum, "Mean": ReduceMean, "Max": ReduceMax, "Min": ReduceMin, "Prod": ReduceProd}
	four := ScalarOf(Float32, 4)
	for _, c := range ref.Reductions.Cases {
		in := x
		if c.Slice {
			in = Div(x.Slice(Whole(), R(0, 3), R(0, 4)), four)
		}
		got := Reduce(ops[c.Op], in, false, c.Axes...)
		if !got.Shape().Equal(c.Shape) {
			t.Fatalf("%s over %v: shape %v, NumPy %v", c.Op, c.Axes, got.Shape(), c.Shape)
		}
		flat := got.Flatten()
		// Bit-exact where our summation order is NumPy's (checked below); elsewhere within the
		// float32 rounding bound n·eps·max|x| for sums (max|x| = 500/37), and its mean.
		n := in.NumElements() / max(1, got.NumElements())
		tol := float64(n) * math.Pow(2, -23) * 500 / 37
		if c.Op == "Mean" {
			tol /= float64(n)
		}
		for i, want := range unhexAll(t, c.Out) {
			g := flat.Float64(i)
			if !sameFloat(g, want) && math.Abs(g-want) > tol {
				t.Errorf("%s over %v [%d]: got %v, NumPy %v", c.Op, c.Axes, i, g, want)
			}
		}
	}
	// Contiguous float32 sums use NumPy's pairwise order and agree bit for bit.
	long := refInput(1000003, Float32)
	if g, w := Sum(long).Item(), unhex(t, ref.LongSum); g != w {
		t.Errorf("pairwise sum of 1000003 float32: %v, NumPy %v", g, w)
	}
	if g, w := Sum(Cast(long, Float64)).Item(), unhex(t, ref.LongSum64); g != w {
		t.Errorf("pairwise sum of 1000003 float64: %v, NumPy %v", g, w)
	}
	for _, axes := range [][]int{{2}, {0}} {
		for _, c := range ref.Reductions.Cases {
			if c.Op == "Sum" && len(c.Axes) == 1 && c.Axes[0] == axes[0] {
				got := Sum(x, axes...).Flatten()
				for i, want := range unhexAll(t, c.Out) {
					if g := got.Float64(i); g != want {
						t.Fatalf("Sum over %v [%d] = %v, NumPy %v: not bit-exact", axes, i, g, want)
					}
				}
			}
		}
	}
}

func TestPadMatchesNumPy(t *testing.T) {
	ref := loadRef(t)
	a := Arange(Float32, 0, 12, 1).Reshape(3, 4)
	modes := map[string]PadMode{"constant": PadConstant, "reflect": PadReflect, "symmetric": PadSymmetric}
	for _, c := range ref.Pad {
		got := PadWith(a, [][2]int{{2, 1}, {3, 2}}, modes[c.Mode], -1.5)
		if !got.Shape().Equal(c.Shape) {
			t.Fatalf("%s: shape %v, want %v", c.Mode, got.Shape(), c.Shape)
		}
		for i, v := range ToSlice[float32](got) {
			if float64(v) != c.Out[i] {
				t.Fatalf("np.pad mode=%s element %d: got %v, want %v", c.Mode, i, v, c.Out[i])
			}
		}
	}
}
