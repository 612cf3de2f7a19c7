package npy

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tensorgraph/tensorgraph/tensor"
)

// onlyReader hides everything but Read, so the reader cannot learn the input's length.
type onlyReader struct{ r io.Reader }

func (o onlyReader) Read(p []byte) (int, error) { return o.r.Read(p) }

// patterned returns a tensor of the given order whose element bytes are all different
// (bools alternate), so that any misplaced or swapped byte shows.
func patterned(t testing.TB, dt tensor.DType, order tensor.Order, shape ...int) *tensor.Tensor {
	t.Helper()
	n := tensor.Shape(shape).NumElements() * dt.Size()
	b := make([]byte, n)
	for i := range b {
		if dt == tensor.Bool {
			b[i] = byte(i % 3 % 2)
		} else {
			b[i] = byte(i*7 + 3)
		}
	}
	x, err := tensor.FromBytes(dt, order, b, shape...)
	if err != nil {
		t.Fatal(err)
	}
	return x
}

func sameTensor(t *testing.T, what string, got, want *tensor.Tensor) {
	t.Helper()
	if got.DType() != want.DType() || !got.Shape().Equal(want.Shape()) {
		t.Fatalf("%s: got %v %v, want %v %v", what, got.DType(), got.Shape(), want.DType(), want.Shape())
	}
	if !bytes.Equal(rowMajorBytes(got), rowMajorBytes(want)) {
		t.Fatalf("%s: data differs\n got %x\nwant %x", what, rowMajorBytes(got), rowMajorBytes(want))
	}
}

func TestRoundTrip(t *testing.T) {
	shapes := [][]int{{}, {0}, {1}, {5}, {3, 0}, {0, 4}, {2, 3}, {3, 1, 4}, {2, 3, 4, 2}}
	for _, dt := range tensor.DTypes() {
		for _, order := range []tensor.Order{tensor.RowMajor, tensor.ColMajor} {
			for _, shape := range shapes {
				x := patterned(t, dt, order, shape...)
				what := dt.String() + " " + order.String() + " " + tensor.Shape(shape).String()
				var buf bytes.Buffer
				if err := Write(&buf, x); err != nil {
					t.Fatalf("%s: %v", what, err)
				}
				data := buf.Bytes()
				if off := len(data) - x.NumElements()*dt.Size(); off%align != 0 {
					t.Errorf("%s: data starts at byte %d, not a multiple of %d", what, off, align)
				}
				got, err := Read(bytes.NewReader(data))
				if err != nil {
					t.Fatalf("%s: %v", what, err)
				}
				sameTensor(t, what, got, x)
				// A column-major tensor comes back column-major, not reordered.
				if x.IsColMajor() && !x.IsContiguous() && (got.IsContiguous() || !got.IsColMajor()) {
					t.Errorf("%s: read back with strides %v, want column-major", what, got.Strides())
				}
				got, err = Read(onlyReader{bytes.NewReader(data)})
				if err != nil {
					t.Fatalf("%s (stream): %v", what, err)
				}
				sameTensor(t, what+" (stream)", got, x)
			}
		}
	}
}

func TestRoundTripViews(t *testing.T) {
	base := patterned(t, tensor.Float64, tensor.RowMajor, 4, 5, 6)
	views := map[string]*tensor.Tensor{
		"slice":     base.Slice(tensor.R(1, 3), tensor.RS(tensor.None, tensor.None, -2)),
		"transpose": base.Transpose(2, 0, 1),
		"reversed":  base.T(),
		"select":    base.Select(1, 2),
		"broadcast": base.Select(0, 0).Select(0, 0).BroadcastTo(3, 6),
		"empty":     base.Slice(tensor.R(2, 2)),
	}
	for name, v := range views {
		var buf bytes.Buffer
		if err := Write(&buf, v); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got, err := Read(&buf)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		sameTensor(t, name, got, v)
	}
	// A column-major view is written as it is, with fortran_order True.
	var buf bytes.Buffer
	if err := Write(&buf, base.T()); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "'fortran_order': True") {
		t.Errorf("transpose written without fortran_order True: %q", buf.String()[:80])
	}
}

func TestBFloat16Descr(t *testing.T) {
	x := patterned(t, tensor.BFloat16, tensor.RowMajor, 3)
	var buf bytes.Buffer
	if err := Write(&buf, x); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "'descr': '<V2'") {
		t.Fatalf("bfloat16 header %q", buf.String()[:60])
	}
	for _, descr := range []string{"<V2", "|V2", ">V2"} {
		data := []byte{0x80, 0x3f, 0x00, 0x40} // 1.0 and 2.0 little-endian
		if descr == ">V2" {
			data = []byte{0x3f, 0x80, 0x40, 0x00}
		}
		got, err := Read(bytes.NewReader(rawNPY(1, "{'descr': '"+descr+"', 'fortran_order': False, 'shape': (2,), }", data)))
		if err != nil {
			t.Fatalf("%s: %v", descr, err)
		}
		if got.DType() != tensor.BFloat16 || !bytes.Equal(got.Bytes(), []byte{0x80, 0x3f, 0x00, 0x40}) {
			t.Errorf("%s: got %v %x", descr, got.DType(), got.Bytes())
		}
	}
}

// rawNPY assembles a .npy file from a header text, as a test needs it, without padding.
func rawNPY(major byte, dict string, data []byte) []byte {
	b := []byte(magic)
	b = append(b, major, 0)
	if major == 1 {
		b = binary.LittleEndian.AppendUint16(b, uint16(len(dict)))
	} else {
		b = binary.LittleEndian.AppendUint32(b, uint32(len(dict)))
	}
	b = append(b, dict...)
	return append(b, data...)
}

func TestHeaderVariants(t *testing.T) {
	four := []byte{1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0}
	for _, dict := range []string{
		"{'descr': '<i4', 'fortran_order': False, 'shape': (2, 2), }",
		"{'descr':'<i4','fortran_order':False,'shape':(2,2)}",
		"{'shape': (2, 2), 'descr': '<i4', 'fortran_order': False}",
		"{\"descr\": \"<i4\", \"fortran_order\": False, \"shape\": (2, 2,)}\n",
		"  {  'fortran_order' : False ,\n\t'shape' : ( 2 , 2 , ) , 'descr' : '<i4' , }   \n",
		"{'descr': '<i4', 'fortran_order': False, 'shape': (2L, 2L), }",
	} {
		for _, major := range []byte{1, 2, 3} {
			got, err := Read(bytes.NewReader(rawNPY(major, dict, four)))
			if err != nil {
				t.Errorf("v%d %q: %v", major, dict, err)
				continue
			}
			if !got.Shape().Equal(tensor.Shape{2, 2}) || !bytes.Equal(got.Bytes(), four) {
				t.Errorf("v%d %q: got %v %x", major, dict, got.Shape(), got.Bytes())
			}
		}
	}
	// One-byte types may carry any explicit byte order.
	for _, descr := range []string{"|i1", "<i1", ">i1", "|u1", "<u1", "|b1", "<b1"} {
		if _, err := Read(bytes.NewReader(rawNPY(1, "{'descr': '"+descr+"', 'fortran_order': False, 'shape': (1,)}", []byte{2}))); err != nil {
			t.Errorf("%s: %v", descr, err)
		}
	}
	// Bool bytes other than 0 and 1 read as true.
	got, err := Read(bytes.NewReader(rawNPY(1, "{'descr': '|b1', 'fortran_order': False, 'shape': (3,)}", []byte{0, 7, 1})))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes(), []byte{0, 1, 1}) {
		t.Errorf("bools read as %v", got.Bytes())
	}
	// A UTF-8 header is fine for version 3 (none of ours needs it, but other writers use it).
	if _, err := Read(bytes.NewReader(rawNPY(3, "{'descr': '<i4', 'fortran_order': False, 'shape': (1,)}", four[:4]))); err != nil {
		t.Error(err)
	}
}

func TestBigEndian(t *testing.T) {
	got, err := Read(bytes.NewReader(rawNPY(1, "{'descr': '>i4', 'fortran_order': False, 'shape': (2,)}", []byte{0, 0, 1, 2, 0xff, 0xff, 0xff, 0xfe})))
	if err != nil {
		t.Fatal(err)
	}
	if v := tensor.ToSlice[int32](got); v[0] != 0x0102 || v[1] != -2 {
		t.Errorf("got %v", v)
	}
	got, err = Read(bytes.NewReader(rawNPY(1, "{'descr': '>f8', 'fortran_order': False, 'shape': ()}", []byte{0x40, 0x04, 0, 0, 0, 0, 0, 0})))
	if err != nil {
		t.Fatal(err)
	}
	if got.Item() != 2.5 {
		t.Errorf("got %v", got.Item())
	}
}

// TestVersion2 writes a header too long for version 1.0.
func TestVersion2(t *testing.T) {
	shape := make([]int, 25000) // "1, " per dimension: about 75000 bytes of header
	for i := range shape {
		shape[i] = 1
	}
	shape[7] = 3
	x := patterned(t, tensor.Int32, tensor.RowMajor, shape...)
	var buf bytes.Buffer
	if err := Write(&buf, x); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	if b[6] != 2 || b[7] != 0 {
		t.Fatalf("version %d.%d, want 2.0", b[6], b[7])
	}
	hlen := binary.LittleEndian.Uint32(b[8:])
	if (12+hlen)%align != 0 || int(12+hlen)+12 != len(b) || b[12+hlen-1] != '\n' {
		t.Fatalf("header length %d for %d bytes", hlen, len(b))
	}
	got, err := Read(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	sameTensor(t, "rank 25000", got, x)

	// And a header past the read limit is refused on writing, not written unreadable.
	huge := make([]int, maxHeaderLen/3+10)
	for i := range huge {
		huge[i] = 1
	}
	err = Write(io.Discard, tensor.New(tensor.Uint8, huge...))
	if err == nil || !strings.Contains(err.Error(), "limit") {
		t.Errorf("huge header: %v", err)
	}
}

// TestHeaderExactBoundary: when magic, length and dictionary fill 64 bytes to the byte, NumPy
// pads a whole 64 bytes more rather than none; so do we.
func TestHeaderPadding(t *testing.T) {
	for rank := 0; rank < 70; rank++ {
		shape := make([]int, rank)
		for i := range shape {
			shape[i] = 1 + i%11
		}
		for _, fortran := range []bool{false, true} {
			hdr, err := formatHeader(header{dtype: tensor.Float32, shape: shape, fortran: fortran})
			if err != nil {
				t.Fatal(err)
			}
			if len(hdr)%align != 0 || hdr[len(hdr)-1] != '\n' {
				t.Fatalf("rank %d: header of %d bytes", rank, len(hdr))
			}
			dict := strings.TrimRight(string(hdr[10:]), " \n")
			if pad := len(hdr) - 10 - len(dict) - 1; pad < 1 {
				t.Fatalf("rank %d: %d spaces of padding", rank, pad)
			}
			h, err := parseHeader(hdr[10:])
			if err != nil || !tensor.Shape(h.shape).Equal(shape) || h.fortran != fortran {
				t.Fatalf("rank %d: parsed %+v, %v", rank, h, err)
			}
		}
	}
}

func TestStreamOfArrays(t *testing.T) {
	var buf bytes.Buffer
	xs := []*tensor.Tensor{
		patterned(t, tensor.Float32, tensor.RowMajor, 2, 3),
		patterned(t, tensor.Int8, tensor.ColMajor, 3, 2),
		patterned(t, tensor.Bool, tensor.RowMajor),
	}
	for _, x := range xs {
		if err := Write(&buf, x); err != nil {
			t.Fatal(err)
		}
	}
	for _, r := range []io.Reader{bytes.NewReader(buf.Bytes()), onlyReader{bytes.NewReader(buf.Bytes())}} {
		for i, x := range xs {
			got, err := Read(r)
			if err != nil {
				t.Fatalf("array %d: %v", i, err)
			}
			sameTensor(t, "stream", got, x)
		}
		if _, err := Read(r); err != io.EOF {
			t.Fatalf("after the last array: %v, want io.EOF", err)
		}
	}
	// A file is measured through Seek, and Read leaves it positioned after the array.
	path := filepath.Join(t.TempDir(), "several.npy")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, x := range xs {
		got, err := Read(f)
		if err != nil {
			t.Fatal(err)
		}
		sameTensor(t, "file", got, x)
	}
	// ReadFile, though, insists that the file holds one array.
	if _, err := ReadFile(path); err == nil || !strings.Contains(err.Error(), "unexpected bytes after the array data") {
		t.Errorf("ReadFile of several arrays: %v", err)
	}
}

// TestChunkedRead reads through the path used for streams of unknown length with large data.
func TestChunkedRead(t *testing.T) {
	defer func(v int64) { directReadLimit = v }(directReadLimit)
	directReadLimit = 100
	x := patterned(t, tensor.Float64, tensor.ColMajor, 17, 13)
	var buf bytes.Buffer
	if err := Write(&buf, x); err != nil {
		t.Fatal(err)
	}
	got, err := Read(onlyReader{bytes.NewReader(buf.Bytes())})
	if err != nil {
		t.Fatal(err)
	}
	sameTensor(t, "chunked", got, x)
	// Truncated in the middle of a chunk.
	_, err = Read(onlyReader{bytes.NewReader(buf.Bytes()[:buf.Len()-250])})
	if err == nil || !strings.Contains(err.Error(), "needs 1768 bytes of data, the input has 1518") {
		t.Errorf("truncated: %v", err)
	}
}

func TestWriteFileAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.npy")
	x := patterned(t, tensor.Int64, tensor.RowMajor, 4)
	if err := WriteFile(path, x); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		t.Fatal(err)
	}
	y := patterned(t, tensor.Uint8, tensor.RowMajor, 2, 2)
	if err := WriteFile(path, y); err != nil {
		t.Fatal(err)
	}
	got, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sameTensor(t, "replaced", got, y)
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("mode after replacing: %v %v", fi.Mode(), err)
	}

	// A failed write leaves the old file alone and no temporary file behind.
	err = writeAtomic(path, func(w io.Writer) error {
		w.Write(make([]byte, 3<<20))
		return errors.New("disk on fire")
	})
	if err == nil || !strings.Contains(err.Error(), "disk on fire") {
		t.Fatalf("failed write: %v", err)
	}
	got, err = ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sameTensor(t, "after a failed write", got, y)
	if err := WriteFile(path, nil); err == nil {
		t.Error("nil tensor written")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("directory holds %d entries, want only a.npy", len(entries))
	}
	if err := WriteFile(filepath.Join(dir, "missing", "b.npy"), x); err == nil {
		t.Error("write into a missing directory succeeded")
	}
	if err := WriteFile(dir, x); err == nil {
		t.Error("write over a directory succeeded")
	}
	// New files get 0644.
	p2 := filepath.Join(dir, "new.npy")
	if err := WriteFile(p2, x); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(p2); err != nil || fi.Mode().Perm() != 0o644 {
		t.Errorf("mode of a new file: %v %v", fi.Mode(), err)
	}
}

func TestWriteErrors(t *testing.T) {
	if err := Write(io.Discard, nil); !errors.Is(err, tensor.ErrArgument) {
		t.Errorf("nil tensor: %v", err)
	}
	// Errors from the writer are passed on.
	x := patterned(t, tensor.Float32, tensor.RowMajor, 2)
	if err := Write(failWriter{}, x); err == nil || !strings.Contains(err.Error(), "full") {
		t.Errorf("failing writer: %v", err)
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("device full") }
