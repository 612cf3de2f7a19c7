package npy

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tensorgraph/tensorgraph/tensor"
)

// The fixtures under testdata/numpy were written by NumPy itself (testdata/gen.py). Their
// values follow a formula per dtype over the flat C-order index i, stated in gen.py:
//
//	float16/32/64: (i - 5) * 0.375
//	int8:          (i * 37) % 256 - 128
//	int32:         (i * 7919 - 50000) * (-1)**i
//	int64:         i * (2**40 + 3) - 2**41
//	uint8:         (i * 53) % 256
//	bool:          i % 3 == 0
//
// fixtures.json records the resulting bytes (C order, little-endian), which the tests compare
// exactly; TestFixtureFormula checks the formula against them for the integer types.

type fixture struct {
	File     string                  `json:"file"`
	DType    string                  `json:"dtype"`
	Descr    string                  `json:"descr"`
	Shape    []int                   `json:"shape"`
	Fortran  bool                    `json:"fortran_order"`
	DataHex  string                  `json:"data_hex"`
	Exact    bool                    `json:"exact"`
	Note     string                  `json:"note"`
	Arrays   map[string]fixtureArray `json:"arrays"`
	dataPath string
}

type fixtureArray struct {
	DType   string `json:"dtype"`
	Shape   []int  `json:"shape"`
	DataHex string `json:"data_hex"`
}

func loadFixtures(t *testing.T) []fixture {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "numpy", "fixtures.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Fixtures []fixture `json:"fixtures"`
	}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if len(m.Fixtures) < 20 {
		t.Fatalf("only %d fixtures in fixtures.json", len(m.Fixtures))
	}
	for i := range m.Fixtures {
		m.Fixtures[i].dataPath = filepath.Join("testdata", "numpy", m.Fixtures[i].File)
	}
	return m.Fixtures
}

// rowMajorBytes returns t's elements in C order.
func rowMajorBytes(t *tensor.Tensor) []byte {
	if t.NumElements() == 0 {
		return nil
	}
	return t.Contiguous().Bytes()
}

func checkArray(t *testing.T, what string, got *tensor.Tensor, dtype string, shape []int, dataHex string) {
	t.Helper()
	if got.DType().String() != dtype {
		t.Errorf("%s: dtype %v, want %s", what, got.DType(), dtype)
	}
	if !got.Shape().Equal(tensor.Shape(shape)) {
		t.Errorf("%s: shape %v, want %v", what, got.Shape(), shape)
	}
	want, err := hex.DecodeString(dataHex)
	if err != nil {
		t.Fatal(err)
	}
	if b := rowMajorBytes(got); !bytes.Equal(b, want) {
		t.Errorf("%s: data\n got %x\nwant %x", what, b, want)
	}
}

func TestNumPyFixtures(t *testing.T) {
	for _, fx := range loadFixtures(t) {
		if !strings.HasSuffix(fx.File, ".npy") {
			continue
		}
		t.Run(fx.File, func(t *testing.T) {
			got, err := ReadFile(fx.dataPath)
			if err != nil {
				t.Fatal(err)
			}
			checkArray(t, fx.File, got, fx.DType, fx.Shape, fx.DataHex)
			if fx.Fortran && (got.IsContiguous() || !got.IsColMajor()) {
				t.Errorf("fortran_order file read as strides %v, want column-major", got.Strides())
			}
			if !fx.Fortran && !got.IsContiguous() {
				t.Errorf("C-order file read as strides %v, want row-major", got.Strides())
			}
			// Also through the plain stream path, without a known length.
			raw, err := os.ReadFile(fx.dataPath)
			if err != nil {
				t.Fatal(err)
			}
			got2, err := Read(onlyReader{bytes.NewReader(raw)})
			if err != nil {
				t.Fatal(err)
			}
			checkArray(t, fx.File+" (stream)", got2, fx.DType, fx.Shape, fx.DataHex)
		})
	}
}

// TestWriterMatchesNumPy: for arrays NumPy wrote little-endian with np.save's default version,
// our writer, given the array read back, reproduces the file byte for byte.
func TestWriterMatchesNumPy(t *testing.T) {
	n := 0
	for _, fx := range loadFixtures(t) {
		if !fx.Exact {
			continue
		}
		n++
		t.Run(fx.File, func(t *testing.T) {
			want, err := os.ReadFile(fx.dataPath)
			if err != nil {
				t.Fatal(err)
			}
			got, err := ReadFile(fx.dataPath)
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := Write(&buf, got); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(buf.Bytes(), want) {
				t.Errorf("our bytes differ from NumPy's\n got %q\nwant %q", buf.Bytes(), want)
			}
		})
	}
	if n < 10 {
		t.Fatalf("only %d exact fixtures", n)
	}
}

// TestViewsMatchNumPy builds in Go the views gen.py saved with np.save and compares bytes: a
// strided slice is written as a C-order copy, a transpose as Fortran order.
func TestViewsMatchNumPy(t *testing.T) {
	f32 := make([]float32, 24)
	for i := range f32 {
		f32[i] = float32(i)
	}
	i64 := make([]int64, 12)
	for i := range i64 {
		i64[i] = int64(i)
	}
	for _, c := range []struct {
		file string
		t    *tensor.Tensor
	}{
		{"view_slice_f4.npy", tensor.FromSlice(f32, 4, 6).Slice(tensor.From(1), tensor.RS(tensor.None, tensor.None, 2))},
		{"view_transpose_i8.npy", tensor.FromSlice(i64, 3, 4).T()},
	} {
		want, err := os.ReadFile(filepath.Join("testdata", "numpy", c.file))
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := Write(&buf, c.t); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(buf.Bytes(), want) {
			t.Errorf("%s: our bytes differ from NumPy's\n got %q\nwant %q", c.file, buf.Bytes(), want)
		}
	}
}

func TestFixtureFormula(t *testing.T) {
	for _, fx := range loadFixtures(t) {
		if fx.DataHex == "" || strings.HasPrefix(fx.File, "view_") || fx.Shape == nil || len(fx.Shape) == 0 {
			continue
		}
		got, err := ReadFile(fx.dataPath)
		if err != nil {
			t.Fatal(err)
		}
		n := got.NumElements()
		var want *tensor.Tensor
		switch got.DType() {
		case tensor.Int8:
			v := make([]int8, n)
			for i := range v {
				v[i] = int8((i*37)%256 - 128)
			}
			want = tensor.FromSlice(v, fx.Shape...)
		case tensor.Int32:
			v := make([]int32, n)
			for i := range v {
				v[i] = int32(i*7919 - 50000)
				if i%2 == 1 {
					v[i] = -v[i]
				}
			}
			want = tensor.FromSlice(v, fx.Shape...)
		case tensor.Int64:
			v := make([]int64, n)
			for i := range v {
				v[i] = int64(i)*(1<<40+3) - 1<<41
			}
			want = tensor.FromSlice(v, fx.Shape...)
		case tensor.Uint8:
			v := make([]uint8, n)
			for i := range v {
				v[i] = uint8((i * 53) % 256)
			}
			want = tensor.FromSlice(v, fx.Shape...)
		case tensor.Bool:
			v := make([]bool, n)
			for i := range v {
				v[i] = i%3 == 0
			}
			want = tensor.FromSlice(v, fx.Shape...)
		case tensor.Float32:
			v := make([]float32, n)
			for i := range v {
				v[i] = float32(i-5) * 0.375
			}
			want = tensor.FromSlice(v, fx.Shape...)
		case tensor.Float64:
			v := make([]float64, n)
			for i := range v {
				v[i] = float64(i-5) * 0.375
			}
			want = tensor.FromSlice(v, fx.Shape...)
		default:
			continue
		}
		if n == 0 {
			continue
		}
		if !bytes.Equal(rowMajorBytes(got), rowMajorBytes(want)) {
			t.Errorf("%s: values do not follow the formula", fx.File)
		}
	}
}

func TestNumPyArchives(t *testing.T) {
	for _, fx := range loadFixtures(t) {
		if !strings.HasSuffix(fx.File, ".npz") {
			continue
		}
		t.Run(fx.File, func(t *testing.T) {
			got, err := ReadNPZ(fx.dataPath)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(fx.Arrays) {
				t.Errorf("%d arrays, want %d", len(got), len(fx.Arrays))
			}
			for name, a := range fx.Arrays {
				g, ok := got[name]
				if !ok {
					t.Errorf("no array %q", name)
					continue
				}
				checkArray(t, name, g, a.DType, a.Shape, a.DataHex)
			}
		})
	}
}
