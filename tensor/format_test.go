package tensor

// The NumPy reference for TestFormatNumPy; regenerating it needs Debian's python3-numpy:
// go generate -run testdata/format ./tensor/
//go:generate /usr/bin/python3 testdata/format/gen.py

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"math/rand"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/tensorgraph/tensorgraph/half"
)

// formatCase is one entry of testdata/format/cases.json, written by gen.py from NumPy.
type formatCase struct {
	Name  string              `json:"name"`
	DType string              `json:"dtype"`
	Shape []int               `json:"shape"`
	Data  string              `json:"data"`  // the base array's bytes in C order, hex
	Order string              `json:"order"` // "F": stored column-major
	Ops   [][]json.RawMessage `json:"ops"`   // views taken of the base, in order
	Repr  string              `json:"repr"`  // NumPy 1.24's repr of the result
}

func (c formatCase) build(t *testing.T) *Tensor {
	t.Helper()
	dt, err := ParseDType(c.DType)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := hex.DecodeString(c.Data)
	if err != nil {
		t.Fatal(err)
	}
	x, err := FromBytes(dt, RowMajor, raw, c.Shape...)
	if err != nil {
		t.Fatal(err)
	}
	if c.Order == "F" {
		x = x.AsOrder(ColMajor)
	}
	arg := func(op []json.RawMessage, i int, v any) {
		if err := json.Unmarshal(op[i], v); err != nil {
			t.Fatalf("op %s: %v", op, err)
		}
	}
	for _, op := range c.Ops {
		var kind string
		arg(op, 0, &kind)
		switch kind {
		case "transpose":
			var perm []int
			arg(op, 1, &perm)
			x = x.Transpose(perm...)
		case "slice":
			var ranges [][3]*int
			arg(op, 1, &ranges)
			rs := make([]Range, len(ranges))
			for i, r := range ranges {
				rs[i] = Range{Start: None, Stop: None, Step: 1}
				if r[0] != nil {
					rs[i].Start = *r[0]
				}
				if r[1] != nil {
					rs[i].Stop = *r[1]
				}
				if r[2] != nil {
					rs[i].Step = *r[2]
				}
			}
			x = x.Slice(rs...)
		case "select":
			var axis, index int
			arg(op, 1, &axis)
			arg(op, 2, &index)
			x = x.Select(axis, index)
		case "broadcast":
			var shape []int
			arg(op, 1, &shape)
			x = x.BroadcastTo(shape...)
		default:
			t.Fatalf("unknown op %q", kind)
		}
	}
	return x
}

func TestFormatNumPy(t *testing.T) {
	b, err := os.ReadFile("testdata/format/cases.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []formatCase
	if err := json.Unmarshal(b, &cases); err != nil {
		t.Fatal(err)
	}
	if len(cases) < 40 {
		t.Fatalf("only %d cases in cases.json", len(cases))
	}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			x := c.build(t)
			if got := x.String(); got != c.Repr {
				t.Errorf("shape %v strides %v\ngot:\n%s\nwant (NumPy):\n%s", x.Shape(), x.Strides(), got, c.Repr)
			}
		})
	}
}

// Hand-checked NumPy output for the cases most worth reading in the source.
func TestFormatSmall(t *testing.T) {
	for _, c := range []struct {
		x    *Tensor
		want string
	}{
		{FromSlice([]float64{1, 2.25}), "array([1.  , 2.25])"},
		{FromSlice([]float64{-1, 2.5}), "array([-1. ,  2.5])"},
		{FromSlice([]float64{1, 2, 3}), "array([1., 2., 3.])"},
		{FromSlice([]bool{true, false}), "array([ True, False])"},
		{Scalar(float32(1.5)), "array(1.5, dtype=float32)"},
		{Scalar(true), "array(True)"},
		{New(Float32, 0), "array([], dtype=float32)"},
		{New(Float32, 0, 3), "array([], shape=(0, 3), dtype=float32)"},
		{FromSlice([]float64{1e-5, 1}), "array([1.e-05, 1.e+00])"},
		{FromSlice([]float64{1.2345e10, 1}), "array([1.2345e+10, 1.0000e+00])"},
		{FromSlice([]float64{math.NaN(), math.Inf(1), math.Inf(-1)}), "array([ nan,  inf, -inf])"},
		{FromSlice([]int32{1, -20, 300}), "array([  1, -20, 300], dtype=int32)"},
		{FromSlice([]uint8{7, 255}), "array([  7, 255], dtype=uint8)"},
		// Bit patterns, so these do not depend on package half's conversions:
		// 0x3c00 = 1, 0x2e66 = 0.1 (nearest float16), 0x7bff = 65504, 0xfc00 = -inf.
		{FromSlice([]half.Float16{0x3c00, 0x2e66}), "array([1. , 0.1], dtype=float16)"},
		{FromSlice([]half.Float16{0x7bff, 0xfc00}), "array([65504.,   -inf], dtype=float16)"},
		// 0x3f80 = 1, 0x3dcd = 0.1 (nearest bfloat16: 0.10009765625).
		{FromSlice([]half.BFloat16{0x3f80, 0x3dcd}), "array([1. , 0.1], dtype=bfloat16)"},
		{FromSlice([]float32{1.6031268, 1.1616374, 1.5910958, 2.1035302}, 2, 2),
			"array([[1.6031268, 1.1616374],\n       [1.5910958, 2.1035302]], dtype=float32)"},
	} {
		if got := c.x.String(); got != c.want {
			t.Errorf("got  %q\nwant %q", got, c.want)
		}
		if got := fmt.Sprint(c.x); got != c.want {
			t.Errorf("fmt.Sprint gives %q, want %q", got, c.want)
		}
	}
}

func TestFormatSummary(t *testing.T) {
	if got, want := New(Float32, 2, 3).Summary(), "Tensor(float32, [2,3])"; got != want {
		t.Errorf("Summary() = %q, want %q", got, want)
	}
}

// Without cutoffs, Dragon4's unique digits are the shortest round-tripping digits, which
// strconv also produces; and with the cutoffs that printing uses, the strconv shortcut must give
// Dragon4's digits. Random values cover far more ground than the NumPy reference file can.
func TestFormatDragon4Strconv(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	type mode struct {
		total          bool
		cutMax, cutMin int
	}
	modes := []mode{{false, 8, -1}, {false, 8, 0}, {true, 9, -1}}
	for p := 0; p <= 8; p++ {
		modes = append(modes, mode{true, p + 1, p + 1})
	}
	trim := func(d []byte) string { return strings.TrimRight(string(d), "0") }
	check := func(l reprLayout, raw uint64, bitSize int) {
		p := l.decode(raw)
		if p.inf || p.nan || p.mant == 0 {
			return
		}
		v := p.abs()
		digits, exp10 := dragon4(p, true, -1, -1)
		s := strconv.FormatFloat(v, 'e', -1, bitSize)
		mant, e, _ := strings.Cut(s, "e")
		wantExp, _ := strconv.Atoi(e)
		if want := strings.Replace(mant, ".", "", 1); string(digits) != want || exp10 != wantExp {
			t.Errorf("dragon4(%v) = %s e%d, strconv gives %s", v, digits, exp10, s)
		}
		for _, m := range modes {
			fd, fe, ok := strconvDigits(p, m.total, m.cutMax, m.cutMin)
			if !ok {
				continue
			}
			dd, de := dragon4(p, m.total, m.cutMax, m.cutMin)
			if trim(fd) != trim(dd) || fe != de {
				t.Errorf("%v %+v: strconv path gives %s e%d, dragon4 %s e%d", v, m, fd, fe, dd, de)
			}
		}
	}
	f64, f32 := reprLayoutOf(Float64), reprLayoutOf(Float32)
	for range 1000 {
		b := r.Uint64()
		check(f64, b, 64)
		check(f32, uint64(uint32(b)), 32)
		v := r.NormFloat64() * math.Pow(10, float64(r.Intn(24)-12))
		check(f64, math.Float64bits(v), 64)
		check(f32, uint64(math.Float32bits(float32(v))), 32)
		// Values with few digits, where cutMin asks for digits beyond the shortest.
		v = math.Round(v*1e4) / 1e4
		check(f64, math.Float64bits(v), 64)
		check(f32, uint64(math.Float32bits(float32(v))), 32)
	}
	for e := -1074; e < 1024; e += 7 {
		v := math.Ldexp(1, e)
		check(f64, math.Float64bits(v), 64)
	}
}

// Printing reads only the elements it shows, whatever the size, so a huge broadcast view is
// cheap to print.
func TestFormatHugeBroadcast(t *testing.T) {
	x := FromSlice([]float32{0.5}).BroadcastTo(1<<20, 1<<10)
	want := "array([[0.5, 0.5, 0.5, ..., 0.5, 0.5, 0.5],\n" +
		"       [0.5, 0.5, 0.5, ..., 0.5, 0.5, 0.5],\n" +
		"       [0.5, 0.5, 0.5, ..., 0.5, 0.5, 0.5],\n" +
		"       ...,\n" +
		"       [0.5, 0.5, 0.5, ..., 0.5, 0.5, 0.5],\n" +
		"       [0.5, 0.5, 0.5, ..., 0.5, 0.5, 0.5],\n" +
		"       [0.5, 0.5, 0.5, ..., 0.5, 0.5, 0.5]], dtype=float32)"
	if got := x.String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func BenchmarkFormat(b *testing.B) {
	r := rand.New(rand.NewSource(1))
	v := make([]float32, 1000)
	for i := range v {
		v[i] = float32(r.NormFloat64())
	}
	x := FromSlice(v, 10, 100)
	for b.Loop() {
		_ = x.String()
	}
}
