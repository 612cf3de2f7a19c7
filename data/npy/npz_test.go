package npy

import (
	"archive/zip"
	"bytes"
	"errors"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/tensorgraph/tensorgraph/tensor"
)

func allDTypes(t *testing.T) map[string]*tensor.Tensor {
	m := map[string]*tensor.Tensor{}
	for _, dt := range tensor.DTypes() {
		m[dt.String()] = patterned(t, dt, tensor.RowMajor, 2, 3)
		m[dt.String()+"/colmajor"] = patterned(t, dt, tensor.ColMajor, 3, 2)
		m[dt.String()+" scalar"] = patterned(t, dt, tensor.RowMajor)
		m[dt.String()+" empty"] = patterned(t, dt, tensor.RowMajor, 0, 5)
	}
	m["view"] = patterned(t, tensor.Float32, tensor.RowMajor, 4, 4).Slice(tensor.RS(0, 4, 3))
	m["ünïcode"] = patterned(t, tensor.Int8, tensor.RowMajor, 3)
	return m
}

func TestNPZRoundTrip(t *testing.T) {
	dir := t.TempDir()
	arrays := allDTypes(t)
	for _, compressed := range []bool{false, true} {
		path := filepath.Join(dir, "a.npz")
		if err := WriteNPZ(path, arrays, compressed); err != nil {
			t.Fatal(err)
		}
		got, err := ReadNPZ(path)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(arrays) {
			t.Fatalf("%d arrays, want %d", len(got), len(arrays))
		}
		for name, x := range arrays {
			sameTensor(t, name, got[name], x)
		}
		// Entries are named <name>.npy, sorted, stored or deflated as asked.
		zr, err := zip.OpenReader(path)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, f := range zr.File {
			names = append(names, strings.TrimSuffix(f.Name, ".npy"))
			if want := map[bool]uint16{false: zip.Store, true: zip.Deflate}[compressed]; f.Method != want {
				t.Errorf("%s: method %d, want %d", f.Name, f.Method, want)
			}
			if f.Flags&0x8 != 0 && !compressed {
				t.Errorf("%s: stored entry with a data descriptor", f.Name)
			}
		}
		zr.Close()
		if !slices.IsSorted(names) || len(names) != len(arrays) {
			t.Errorf("entries %q", names)
		}
		// The same arrays give the same bytes.
		first, _ := os.ReadFile(path)
		if err := WriteNPZ(path, arrays, compressed); err != nil {
			t.Fatal(err)
		}
		if second, _ := os.ReadFile(path); !bytes.Equal(first, second) {
			t.Error("writing the same arrays twice gave different archives")
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("directory holds %d entries, want only a.npz", len(entries))
	}
}

func TestNPZOrdered(t *testing.T) {
	names := []string{"zeta", "alpha", "mid"}
	ts := []*tensor.Tensor{
		patterned(t, tensor.Float32, tensor.RowMajor, 2),
		patterned(t, tensor.Int64, tensor.RowMajor, 1),
		patterned(t, tensor.Bool, tensor.RowMajor, 3),
	}
	var buf bytes.Buffer
	if err := WriteNPZTo(&buf, names, ts, false); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	for i, f := range zr.File {
		if f.Name != names[i]+".npy" {
			t.Errorf("entry %d is %q, want %q", i, f.Name, names[i]+".npy")
		}
	}
	got, err := ReadNPZFrom(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	for i, n := range names {
		sameTensor(t, n, got[n], ts[i])
	}
	path := filepath.Join(t.TempDir(), "o.npz")
	if err := WriteNPZOrdered(path, names, ts, true); err != nil {
		t.Fatal(err)
	}
	if got, err := ReadNPZ(path); err != nil || len(got) != 3 {
		t.Fatalf("%v %v", got, err)
	}
}

func TestNPZArgumentErrors(t *testing.T) {
	x := patterned(t, tensor.Float32, tensor.RowMajor, 2)
	path := filepath.Join(t.TempDir(), "bad.npz")
	for _, c := range []struct {
		names []string
		ts    []*tensor.Tensor
		want  string
	}{
		{[]string{"a"}, nil, "1 names for 0 arrays"},
		{[]string{""}, []*tensor.Tensor{x}, "empty name"},
		{[]string{"a", "a"}, []*tensor.Tensor{x, x}, `"a" appears twice`},
		{[]string{"a\xff"}, []*tensor.Tensor{x}, "not valid UTF-8"},
		{[]string{"a"}, []*tensor.Tensor{nil}, `"a" is nil`},
	} {
		err := WriteNPZOrdered(path, c.names, c.ts, false)
		if !errors.Is(err, tensor.ErrArgument) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: %v, want %q", c.names, err, c.want)
		}
		if err := WriteNPZTo(io.Discard, c.names, c.ts, true); err == nil {
			t.Errorf("%q: WriteNPZTo accepted it", c.names)
		}
		if _, err := os.Stat(path); err == nil {
			t.Fatalf("%q: a file was left at %s", c.names, path)
		}
	}
}

// zipOf builds an archive entry by entry; an entry with method 0 is written raw, with crc
// as given (or computed, when zero).
type entry struct {
	name   string
	data   []byte
	method uint16
	crc    uint32
}

func zipOf(t *testing.T, entries ...entry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		fh := &zip.FileHeader{Name: e.name, Method: e.method}
		var w io.Writer
		var err error
		if e.method == zip.Deflate {
			w, err = zw.CreateHeader(fh)
		} else {
			fh.CRC32 = e.crc
			if fh.CRC32 == 0 {
				fh.CRC32 = crc32.ChecksumIEEE(e.data)
			}
			fh.UncompressedSize64 = uint64(len(e.data))
			fh.CompressedSize64 = fh.UncompressedSize64
			w, err = zw.CreateRaw(fh)
		}
		if err != nil {
			t.Fatal(err)
		}
		w.Write(e.data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestNPZBadInput(t *testing.T) {
	good := npyWith(dictOf("'<f4'", "False", "(2,)"), 8)
	stored := zipOf(t, entry{name: "a.npy", data: good})
	badCRC := slices.Clone(stored)
	badCRC[bytes.LastIndex(badCRC, []byte("PK\x01\x02"))+16] ^= 0xff // the central directory's CRC-32
	for _, c := range []struct {
		name  string
		input []byte
		want  []string
	}{
		{"not a zip", []byte("just some bytes, not an archive at all"), []string{"not a valid zip archive"}},
		{"truncated zip", stored[:len(stored)-10], []string{"not a valid zip archive"}},
		{"empty", nil, []string{"not a valid zip archive"}},
		{"not npy entry", zipOf(t, entry{name: "a.npy", data: good}, entry{name: "readme.txt", data: []byte("hi")}), []string{`entry 'readme.txt'`, "is not a .npy file"}},
		{"directory", zipOf(t, entry{name: "dir/", data: nil}), []string{`entry 'dir/'`, "is a directory"}},
		{"duplicate", zipOf(t, entry{name: "a.npy", data: good}, entry{name: "a.npy", data: good}), []string{`entry 'a.npy'`, "appears twice"}},
		{"bad npy", zipOf(t, entry{name: "w.npy", data: []byte("garbage!garbage!")}), []string{`entry 'w.npy'`, "at byte 0", "bad magic"}},
		{"bad npy deflated", zipOf(t, entry{name: "w.npy", data: good[:30], method: zip.Deflate}), []string{`entry 'w.npy'`, "header length 57 runs past the end of the entry (20 bytes follow)"}},
		{"short data", zipOf(t, entry{name: "w.npy", data: good[:len(good)-1]}), []string{`entry 'w.npy'`, "needs 8 bytes of data", "has 7"}},
		{"short data deflated", zipOf(t, entry{name: "w.npy", data: good[:len(good)-1], method: zip.Deflate}), []string{`entry 'w.npy'`, "needs 8 bytes of data", "has 7"}},
		{"trailing bytes", zipOf(t, entry{name: "w.npy", data: append(slices.Clone(good), 0)}), []string{"1 unexpected bytes after the array data"}},
		{"trailing bytes deflated", zipOf(t, entry{name: "w.npy", data: append(slices.Clone(good), 0), method: zip.Deflate}), []string{"unexpected bytes after the array data"}},
		{"empty entry", zipOf(t, entry{name: "w.npy", data: nil}), []string{"truncated"}},
		{"checksum", badCRC, []string{`entry 'a.npy'`, "checksum"}},
		{"method", zipOf(t, entry{name: "w.npy", data: good, method: 99}), []string{"compression method 99 is not supported"}},
		{"lying header deflated", zipOf(t, entry{name: "w.npy", data: npyWith(dictOf("'<f8'", "False", "(1000000000000,)"), 64), method: zip.Deflate}), []string{`entry 'w.npy'`, "needs 8000000000000 bytes of data"}},
		{"lying header stored", zipOf(t, entry{name: "w.npy", data: npyWith(dictOf("'<f8'", "False", "(1000000000000,)"), 64)}), []string{`entry 'w.npy'`, "needs 8000000000000 bytes of data", "has 64"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := ReadNPZFrom(bytes.NewReader(c.input), int64(len(c.input)))
			checkErr(t, err, c.want)
			path := filepath.Join(t.TempDir(), "bad.npz")
			if err := os.WriteFile(path, c.input, 0o644); err != nil {
				t.Fatal(err)
			}
			_, err = ReadNPZ(path)
			checkErr(t, err, append([]string{path}, c.want...))
		})
	}
	if _, err := ReadNPZ(filepath.Join(t.TempDir(), "missing.npz")); err == nil || errors.Is(err, tensor.ErrData) {
		t.Errorf("missing file: %v", err)
	}
}

// TestNPZLyingSizeIsBounded: a deflated entry claiming a huge size (and a header to match) is
// refused from the size of the archive, before anything is allocated.
func TestNPZLyingSizeIsBounded(t *testing.T) {
	hdr, err := formatHeader(header{dtype: tensor.Float64, shape: []int{1 << 40}})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.CreateHeader(&zip.FileHeader{Name: "big.npy", Method: zip.Deflate})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(hdr)
	w.Write(make([]byte, 1<<16))
	zw.Close()
	b := buf.Bytes()
	// Patch the central directory's uncompressed size to claim 4 GiB - 1.
	cd := bytes.LastIndex(b, []byte("PK\x01\x02"))
	copy(b[cd+24:], []byte{0xff, 0xff, 0xff, 0xfe})
	_, err = ReadNPZFrom(bytes.NewReader(b), int64(len(b)))
	checkErr(t, err, []string{"needs 8796093022208 bytes of data"})
}
