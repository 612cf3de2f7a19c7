package npy

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/tensorgraph/tensorgraph/tensor"
)

// FuzzRead feeds arbitrary bytes to Read. Whatever the input: no panic, errors are data errors,
// the two ways of reading (length known or not) agree, and an array that reads writes back to
// bytes that read to the same array. The seed corpus is in testdata/fuzz/FuzzRead.
func FuzzRead(f *testing.F) {
	// Keep the unknown-length path from allocating 8 MiB per input before finding the lie.
	old := directReadLimit
	f.Cleanup(func() { directReadLimit = old })
	directReadLimit = 1 << 12
	f.Add(npyWith(dictOf("'<f4'", "False", "(2, 3)"), 24))
	f.Fuzz(func(t *testing.T, data []byte) {
		x, err := Read(bytes.NewReader(data))
		y, err2 := Read(onlyReader{bytes.NewReader(data)})
		if (err == nil) != (err2 == nil) {
			t.Fatalf("known length: %v; unknown length: %v", err, err2)
		}
		for _, e := range []error{err, err2} {
			if e != nil && e != io.EOF && !errors.Is(e, tensor.ErrData) {
				t.Fatalf("error %v does not match tensor.ErrData", e)
			}
		}
		if err != nil {
			return
		}
		if int64(x.NumElements()*x.DType().Size()) > int64(len(data)) {
			t.Fatalf("%v %v from %d bytes", x.DType(), x.Shape(), len(data))
		}
		sameTensor(t, "unknown length", y, x)
		var buf bytes.Buffer
		if err := Write(&buf, x); err != nil {
			t.Fatalf("writing back %v %v: %v", x.DType(), x.Shape(), err)
		}
		z, err := Read(&buf)
		if err != nil {
			t.Fatalf("reading back: %v", err)
		}
		sameTensor(t, "rewritten", z, x)
		if x.IsColMajor() != z.IsColMajor() || x.IsContiguous() != z.IsContiguous() {
			t.Fatalf("order changed: strides %v, then %v", x.Strides(), z.Strides())
		}
	})
}

// FuzzReadNPZ does the same for archives. The seed corpus is in testdata/fuzz/FuzzReadNPZ.
func FuzzReadNPZ(f *testing.F) {
	old := directReadLimit
	f.Cleanup(func() { directReadLimit = old })
	directReadLimit = 1 << 12
	f.Add([]byte("PK\x05\x06\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := ReadNPZFrom(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			if !errors.Is(err, tensor.ErrData) {
				t.Fatalf("error %v does not match tensor.ErrData", err)
			}
			return
		}
		var buf bytes.Buffer
		names := make([]string, 0, len(m))
		ts := make([]*tensor.Tensor, 0, len(m))
		for n, x := range m {
			names = append(names, n)
			ts = append(ts, x)
		}
		if err := WriteNPZTo(&buf, names, ts, true); err != nil {
			// Names NumPy allows but we refuse to write (an empty one, say) are fine.
			if errors.Is(err, tensor.ErrArgument) {
				return
			}
			t.Fatal(err)
		}
		m2, err := ReadNPZFrom(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
		if err != nil {
			t.Fatalf("reading back: %v", err)
		}
		for n, x := range m {
			sameTensor(t, n, m2[n], x)
		}
	})
}
